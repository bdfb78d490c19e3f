using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.Benchmarks;

/// <summary>
/// The end-to-end storage benchmark of issue 2. In one run: the disk's own sequential write +
/// fdatasync bandwidth; durable ('always') appends of 1 KiB records from 1, 8 and 64 concurrent
/// appenders with records/s, MB/s, fsyncs/s, records per fsync and the ratio to the disk; a
/// sequential read of a 1 GiB log from page cache; and the memory an open 10 GiB log holds.
/// Options: --dir PATH (default: a temp dir on the same disk as /tmp), --seconds N (per append
/// row, default 5), --log-gib N (size for the memory row, default 10; 0 skips it).
/// </summary>
internal static class EndToEnd
{
    private const int RecordSize = 1024;

    public static int Run(string[] args)
    {
        string root = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "omnibus-e2e-" + Guid.NewGuid().ToString("N"));
        double seconds = double.Parse(Option(args, "--seconds") ?? "5", CultureInfo.InvariantCulture);
        int logGib = int.Parse(Option(args, "--log-gib") ?? "10", CultureInfo.InvariantCulture);
        bool appendsOnly = args.Contains("--appends-only");
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"Omnibus storage end-to-end benchmark — {Environment.ProcessorCount} cores, dir {root}, {DateTime.UtcNow:u}");
            Console.WriteLine();
            (double disk64K, double disk1M) = (DiskBandwidth(root, 64 * 1024), DiskBandwidth(root, 1024 * 1024));
            Console.WriteLine($"disk: sequential write + fdatasync, 64 KiB per sync: {disk64K,8:F1} MB/s");
            Console.WriteLine($"disk: sequential write + fdatasync,  1 MiB per sync: {disk1M,8:F1} MB/s   (reference for the ratios below)");
            Console.WriteLine();
            Console.WriteLine("durable appends (policy always), 1 KiB records:");
            Console.WriteLine($"{"appenders",10} {"records/s",12} {"MB/s",8} {"fsyncs/s",10} {"rec/fsync",10} {"vs disk",8} {"vs 64K",8} {"CPU µs/rec",11}");
            foreach (int appenders in new[] { 1, 8, 64 })
            {
                AppendRow(root, appenders, seconds, disk1M, disk64K);
            }
            Console.WriteLine("(vs disk: against the 1 MiB-per-sync figure; vs 64K: against the 64 KiB-per-sync figure, the largest batch 64 single-record appenders can form)");
            if (appendsOnly)
            {
                return 0;
            }
            Console.WriteLine();
            ReadRow(root);
            if (logGib > 0)
            {
                Console.WriteLine();
                MemoryRow(root, logGib);
            }
            return 0;
        }
        finally
        {
            if (Option(args, "--dir") is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Appends <paramref name="chunk"/>-sized writes to a new file with an fdatasync after each, for about 2 s or 512 MiB.</summary>
    private static double DiskBandwidth(string root, int chunk)
    {
        string path = Path.Combine(root, $"disk-{chunk}.bin");
        var data = new byte[chunk];
        Random.Shared.NextBytes(data);
        using (SafeFileHandle handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            long written = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(2) && written < 512L * 1024 * 1024)
            {
                RandomAccess.Write(handle, data, written);
                FileSync.DataSync(handle);
                written += chunk;
            }
            double mbps = written / 1e6 / watch.Elapsed.TotalSeconds;
            File.Delete(path);
            return mbps;
        }
    }

    private static void AppendRow(string root, int appenders, double seconds, double diskMbps, double disk64Mbps)
    {
        string dir = Path.Combine(root, $"append-{appenders}");
        using (var log = PartitionLog.Open(dir))
        {
            var body = new byte[RecordSize];
            Random.Shared.NextBytes(body);
            long records = 0;
            var stop = DateTime.UtcNow.AddSeconds(seconds);
            long flushesBefore = log.FlushCount;
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            Task[] workers = Enumerable.Range(0, appenders).Select(_ => Task.Run(async () =>
            {
                long mine = 0;
                while (DateTime.UtcNow < stop)
                {
                    await log.AppendAsync(body);
                    mine++;
                }
                Interlocked.Add(ref records, mine);
            })).ToArray();
            Task.WaitAll(workers);
            double elapsed = watch.Elapsed.TotalSeconds;
            double cpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
            long flushes = log.FlushCount - flushesBefore;
            double mbps = records * (RecordSize + 28) / 1e6 / elapsed;
            Console.WriteLine($"{appenders,10} {records / elapsed,12:N0} {mbps,8:F1} {flushes / elapsed,10:N0} {(double)records / Math.Max(1, flushes),10:F1} {mbps / diskMbps,8:P0} {mbps / disk64Mbps,8:P0} {cpuMicros / Math.Max(1, records),11:F1}");
        }
        Directory.Delete(dir, recursive: true);
    }

    private static void ReadRow(string root)
    {
        string dir = Path.Combine(root, "read");
        const long target = 1L << 30;
        using (var log = PartitionLog.Open(dir, new LogOptions { Durability = DurabilityPolicy.None }))
        {
            var body = new byte[RecordSize];
            Random.Shared.NextBytes(body);
            ReadOnlyMemory<byte>[] batch = Enumerable.Range(0, 256).Select(_ => (ReadOnlyMemory<byte>)body).ToArray();
            while (log.SizeInBytes < target)
            {
                log.AppendBatchAsync(batch).GetAwaiter().GetResult();
            }
            ReadAll(log); // warm the page cache
            var watch = Stopwatch.StartNew();
            (long records, long bytes) = ReadAll(log);
            double elapsed = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"sequential read of a {log.SizeInBytes / (1 << 20)} MiB log from page cache (CRC verified): {bytes / 1e9 / elapsed:F2} GB/s, {records / elapsed:N0} records/s");
        }
        Directory.Delete(dir, recursive: true);
    }

    private static (long Records, long Bytes) ReadAll(PartitionLog log)
    {
        long records = 0, bytes = 0;
        using LogReader reader = log.OpenReader(0);
        while (reader.TryRead(out LogRecord record))
        {
            records++;
            bytes += record.Body.Length + 28;
        }
        return (records, bytes);
    }

    private static void MemoryRow(string root, int gib)
    {
        string dir = Path.Combine(root, "memory");
        long target = (long)gib << 30;
        using (var log = PartitionLog.Open(dir, new LogOptions { Durability = DurabilityPolicy.None }))
        {
            // 64 KiB records fill the log quickly; the memory held depends on bytes (index entries per 64 KiB), not record count.
            var body = new byte[64 * 1024];
            ReadOnlyMemory<byte>[] batch = Enumerable.Range(0, 64).Select(_ => (ReadOnlyMemory<byte>)body).ToArray();
            while (log.SizeInBytes < target)
            {
                log.AppendBatchAsync(batch).GetAwaiter().GetResult();
            }
        }
        long before = SettledManagedBytes();
        long rssBefore = Process.GetCurrentProcess().WorkingSet64;
        using var reopened = PartitionLog.Open(dir);
        long after = SettledManagedBytes();
        long rssAfter = Process.GetCurrentProcess().WorkingSet64;
        Console.WriteLine($"open {reopened.SizeInBytes / (1 << 20):N0} MiB log ({reopened.Segments.Count} segments): managed memory held {(after - before) / 1048576.0:F1} MiB " +
                          $"(sparse indexes {reopened.IndexMemoryBytes / 1048576.0:F1} MiB), working set grew {(rssAfter - rssBefore) / 1048576.0:F1} MiB");
        reopened.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private static long SettledManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
