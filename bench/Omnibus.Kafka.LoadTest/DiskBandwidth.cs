using System.Diagnostics;

/// <summary>
/// The reference Kafka is measured against here: sequential writes of one block at a time, each made durable
/// with fsync before the next, on the file system the broker writes to. Kafka itself acknowledges from the page
/// cache; Omnibus acknowledges acks=all only after fsync, so this is the ceiling for durable produce.
/// </summary>
internal static class DiskBandwidth
{
    public static double MeasureBytesPerSecond(string directory, int blockBytes, TimeSpan duration)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "disk-probe-" + Guid.NewGuid().ToString("N"));
        byte[] block = new byte[blockBytes];
        Random.Shared.NextBytes(block);
        long written = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (clock.Elapsed < duration)
            {
                file.Write(block);
                file.Flush(flushToDisk: true);
                written += block.Length;
            }
        }
        finally
        {
            File.Delete(path);
        }
        return written / clock.Elapsed.TotalSeconds;
    }
}
