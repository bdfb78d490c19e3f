namespace Omnibus.Tests.Shared;

/// <summary>Mounts a size-limited tmpfs for full-disk tests; unmounts on dispose.</summary>
internal sealed class TinyFileSystem : IDisposable
{
    private readonly string _path;

    private TinyFileSystem(string path) => _path = path;

    public static TinyFileSystem? Mount(string path, string size) =>
        Run("mount", $"-t tmpfs -o size={size} tmpfs {path}") ? new TinyFileSystem(path) : null;

    public static bool Resize(string path, string size) => Run("mount", $"-o remount,size={size} {path}");

    /// <summary>Unmounts, then removes the mount point if it is empty (never anything under it).</summary>
    public void Dispose()
    {
        if (!Run("umount", "-l " + _path))
        {
            return;
        }
        try
        {
            Directory.Delete(_path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool Run(string file, string arguments)
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
