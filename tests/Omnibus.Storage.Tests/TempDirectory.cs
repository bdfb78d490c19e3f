namespace Omnibus.Storage.Tests;

/// <summary>A fresh directory under the system temp folder, removed when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "omnibus-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Payload
{
    /// <summary>A deterministic body for a sequence number, so a reader can check every byte.</summary>
    public static byte[] For(long sequence, int size = 100)
    {
        var body = new byte[size];
        var random = new Random((int)(sequence * 7919 % int.MaxValue));
        random.NextBytes(body);
        BitConverter.TryWriteBytes(body, sequence);
        return body;
    }
}
