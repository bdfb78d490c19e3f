using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Omnibus.Tests.Shared;

/// <summary>
/// librdkafka.redist's default Linux build needs libsasl2.so.3, which Debian 12 lacks; its CentOS 8 build
/// links only what every glibc system has, so the tests and benchmarks load that one.
/// </summary>
internal static class Librdkafka
{
    private static readonly Lock s_load = new();
    private static bool s_loaded;

    public static void Load()
    {
        lock (s_load)
        {
            if (s_loaded || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
            {
                return;
            }
            string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "centos8-librdkafka.so");
            if (File.Exists(path))
            {
                // Confluent.Kafka binds "librdkafka" by name (and "libdl", which Debian has only as libdl.so.2).
                NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, (name, _, _) => name switch
                {
                    "librdkafka" => NativeLibrary.Load(path),
                    "libdl" when NativeLibrary.TryLoad("libdl.so.2", out IntPtr handle) => handle,
                    _ => IntPtr.Zero,
                });
            }
            s_loaded = true;
        }
    }
}
