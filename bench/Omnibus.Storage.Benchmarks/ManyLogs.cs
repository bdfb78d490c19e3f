using System.Diagnostics;
using System.Globalization;

namespace Omnibus.Storage.Benchmarks;

/// <summary>
/// `many [--logs N] [--writers T] [--seconds S] [--dir D]`: opens N logs on one writer pool and
/// prints threads, file handles, RSS and open time; then writes durably to 1, 10, 100 and 1000 of
/// them at once and prints appends and fsyncs per second for each count, with the pool's shared
/// flush on and off (issue 18, points 1 and 2).
/// </summary>
internal static class ManyLogs
{
    public static int Run(string[] args)
    {
        string root = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "omnibus-many-" + Guid.NewGuid().ToString("N"));
        int count = int.Parse(Option(args, "--logs") ?? "8000", CultureInfo.InvariantCulture);
        int writers = int.Parse(Option(args, "--writers") ?? LogWriterPool.DefaultThreadCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        double seconds = double.Parse(Option(args, "--seconds") ?? "3", CultureInfo.InvariantCulture);
        using var pool = new LogWriterPool(writers);
        var options = new LogOptions { WriterPool = pool };
        var logs = new List<PartitionLog>(count);
        try
        {
            Report("before", 0, TimeSpan.Zero);
            var open = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                logs.Add(PartitionLog.Open(Path.Combine(root, i.ToString(CultureInfo.InvariantCulture)), options));
            }
            Report("opened", count, open.Elapsed);
            Task.WhenAll(logs.Select(l => l.AppendAsync(new byte[100]))).GetAwaiter().GetResult();
            Report("one durable append each", count, open.Elapsed);

            foreach (int entities in new[] { 1, 10, 100, 1000 }.Where(e => e <= count))
            {
                foreach (bool shared in new[] { true, false })
                {
                    pool.SharedFlush = shared;
                    Concurrent(logs.Take(entities).ToArray(), pool, seconds);
                }
            }
        }
        finally
        {
            foreach (PartitionLog log in logs)
            {
                log.Dispose();
            }
            Directory.Delete(root, recursive: true);
        }
        return 0;
    }

    private static void Concurrent(PartitionLog[] logs, LogWriterPool pool, double seconds)
    {
        // Each entity has 8 appenders in flight, as a sender link with credit would.
        const int inFlightPerLog = 8;
        long appends = 0;
        long flushesBefore = pool.FlushCount;
        long windowsBefore = pool.SharedFlushWindows;
        var stop = Stopwatch.StartNew();
        var body = new byte[1024];
        Task[] workers = logs.SelectMany(log => Enumerable.Range(0, inFlightPerLog).Select(_ => Task.Run(async () =>
        {
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                await log.AppendAsync(body);
                Interlocked.Increment(ref appends);
            }
        }))).ToArray();
        Task.WaitAll(workers);
        double elapsed = stop.Elapsed.TotalSeconds;
        long flushes = pool.FlushCount - flushesBefore;
        long windows = pool.SharedFlushWindows - windowsBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"entities {logs.Length,5} shared flush {(pool.SharedFlush ? "on " : "off")}: {appends / elapsed,10:F0} appends/s  {flushes / elapsed,8:F0} fsyncs/s  {(double)appends / Math.Max(1, flushes),7:F1} appends/fsync  {windows / elapsed,7:F0} windows/s"));
    }

    private static void Report(string stage, int logs, TimeSpan elapsed)
    {
        using Process self = Process.GetCurrentProcess();
        int handles = Directory.GetFiles("/proc/self/fd").Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stage,-24} logs {logs,6}  threads {self.Threads.Count,4}  fds {handles,6}  rss {self.WorkingSet64 / (1024 * 1024),5} MiB  {elapsed.TotalSeconds,6:F2} s"));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
