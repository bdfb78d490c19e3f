using System.Diagnostics;
using System.Globalization;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Streams;
using Omnibus.Storage;

namespace Omnibus.Core.Benchmarks;

/// <summary>
/// `many [--queues N] [--partitions P] [--dir D]` (issue 18, point 1): creates N queues and one
/// stream of P partitions in one broker, writes one durable message to each queue and each
/// partition, and prints threads, file handles and RSS: while busy, once the idle handles are
/// closed, and after a restart (with the time to open the broker).
/// </summary>
internal static class ManyEntities
{
    public static async Task<int> RunAsync(string[] args, string root)
    {
        int queues = int.Parse(Option(args, "--queues") ?? "10000", CultureInfo.InvariantCulture);
        int partitions = int.Parse(Option(args, "--partitions") ?? "10000", CultureInfo.InvariantCulture);
        string dir = Path.Combine(root, "many");
        Report("before", TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        using (Broker broker = Broker.Open(new BrokerOptions { DataDirectory = dir }))
        {
            for (int i = 0; i < queues; i++)
            {
                broker.CreateQueue(new QueueDescription { Name = "q" + i.ToString(CultureInfo.InvariantCulture) });
            }
            MessageStream stream = broker.Streams.Create(new StreamDefinition { Name = "events", PartitionCount = partitions });
            Report($"created {queues} queues, {partitions} partitions", watch.Elapsed);
            watch.Restart();
            var body = new byte[1024];
            await Parallel.ForAsync(0, queues, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
                await broker.SendAsync("q" + i.ToString(CultureInfo.InvariantCulture), [new BrokerMessage { Body = body }]));
            await Parallel.ForAsync(0, partitions, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (p, _) =>
                await stream.AppendAsync(p, [new StreamRecord { Value = body }]));
            Report("one message in each", watch.Elapsed);
            // The cache sweeps every half timeout, so a handle closes between one and one and a half timeouts after its last use.
            TimeSpan idle = FileHandleCache.Shared.IdleTimeout * 1.5 + TimeSpan.FromSeconds(2);
            await Task.Delay(idle);
            Report($"idle {idle.TotalSeconds:F0} s", TimeSpan.Zero);
        }
        watch.Restart();
        using (Broker reopened = Broker.Open(new BrokerOptions { DataDirectory = dir }))
        {
            Report($"restarted: {reopened.ListQueues().Count} queues", watch.Elapsed);
        }
        return 0;
    }

    private static void Report(string stage, TimeSpan elapsed)
    {
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using Process self = Process.GetCurrentProcess();
        int handles = Directory.GetFiles("/proc/self/fd").Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stage,-40} threads {self.Threads.Count,4}  fds {handles,6}  segment handles {FileHandleCache.Shared.OpenCount,6}  rss {self.WorkingSet64 / (1024 * 1024),5} MiB  managed {managed / (1024 * 1024),5} MiB  {elapsed.TotalSeconds,7:F2} s"));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
