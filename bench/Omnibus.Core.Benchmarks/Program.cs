using System.Diagnostics;
using System.Globalization;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.ServiceBus.Rules;

// In-process core benchmark (no network), issue 3:
//   throughput: send + receive + complete of 1 KiB durable messages on one queue (also one with
//               priorities 0-9), and on a topic
//               with 10 filtered subscriptions (5 SQL, 5 correlation; each message matches one).
//   memory:     broker memory with N queued 1 KiB messages (bodies stay on disk), after sending
//               and after a restart that rebuilds the index from disk.
// Usage: [--seconds 5] [--messages 1000000] [--dir PATH]
//        routing [BenchmarkDotNet arguments, e.g. --job short]: topic matching with many bindings (BenchmarkDotNet)
//        many [--queues 10000] [--partitions 10000] [--dir PATH]: threads, file handles, RSS and restart time with many entities
//        flush [--queues 100] [--senders 8] [--seconds 5] [--repeat 1] [--dir PATH]: 1 queue vs many written at once, shared flush on and off
if (args is ["flush", ..])
{
    string flushRoot = Opt("--dir", Path.Combine(Path.GetTempPath(), "omnibus-flush-" + Guid.NewGuid().ToString("N")));
    try
    {
        return await Omnibus.Core.Benchmarks.SharedFlushBenchmark.RunAsync(args, flushRoot);
    }
    finally
    {
        Directory.Delete(flushRoot, recursive: true);
    }
}
if (args is ["many", ..])
{
    string manyRoot = Opt("--dir", Path.Combine(Path.GetTempPath(), "omnibus-many-" + Guid.NewGuid().ToString("N")));
    try
    {
        return await Omnibus.Core.Benchmarks.ManyEntities.RunAsync(args, manyRoot);
    }
    finally
    {
        Directory.Delete(manyRoot, recursive: true);
    }
}
if (args is ["routing", ..])
{
    BenchmarkDotNet.Running.BenchmarkRunner.Run<Omnibus.Core.Benchmarks.TopicMatchingBenchmarks>(null, args[1..]);
    return 0;
}
string Opt(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
double seconds = double.Parse(Opt("--seconds", "5"), CultureInfo.InvariantCulture);
int queued = int.Parse(Opt("--messages", "1000000"), CultureInfo.InvariantCulture);
string root = Opt("--dir", Path.Combine(Path.GetTempPath(), "omnibus-core-bench-" + Guid.NewGuid().ToString("N")));
byte[] body = new byte[1024];
Random.Shared.NextBytes(body);
Console.WriteLine($"Omnibus core benchmark — {Environment.ProcessorCount} cores, durability always, 1 KiB bodies, {DateTime.UtcNow:u}");
try
{
    if (!args.Contains("--memory-only") && !args.Contains("--restart-only"))
    {
        await QueueThroughput();
        await PriorityQueueThroughput();
        await TopicThroughput();
    }
    if (queued > 0)
    {
        await Memory();
    }
}
finally
{
    if (!args.Contains("--keep"))
    {
        Directory.Delete(root, recursive: true);
    }
}
return 0;

Broker OpenBroker(string name) => Broker.Open(new BrokerOptions { DataDirectory = Path.Combine(root, name), RuleCompiler = ServiceBusRuleCompiler.Instance });

async Task<(long Sent, long Completed, double Elapsed)> Run(Broker broker, string sendPath, string[] receivePaths, Func<int, BrokerMessage> make)
{
    long sent = 0, completed = 0;
    var stop = DateTime.UtcNow.AddSeconds(seconds);
    var watch = Stopwatch.StartNew();
    Task[] producers = Enumerable.Range(0, 16).Select(p => Task.Run(async () =>
    {
        for (int i = 0; DateTime.UtcNow < stop; i++)
        {
            await broker.SendAsync(sendPath, [make(i)]);
            Interlocked.Increment(ref sent);
        }
    })).ToArray();
    Task[] consumers = receivePaths.SelectMany(path => Enumerable.Range(0, receivePaths.Length == 1 ? 4 : 1).Select(_ => Task.Run(async () =>
    {
        Receivable r = broker.GetReceivableByStoredPath(path);
        while (DateTime.UtcNow < stop.AddSeconds(1))
        {
            IReadOnlyList<BrokerMessage> batch = await r.ReceiveAsync(32, TimeSpan.FromMilliseconds(100), ReceiveMode.PeekLock);
            await Task.WhenAll(batch.Select(m => r.CompleteAsync(m.Delivery.LockToken)));
            Interlocked.Add(ref completed, batch.Count);
        }
    }))).ToArray();
    await Task.WhenAll(producers);
    double sendElapsed = watch.Elapsed.TotalSeconds;
    await Task.WhenAll(consumers);
    return (sent, completed, sendElapsed);
}

async Task QueueThroughput()
{
    using Broker broker = OpenBroker("queue");
    broker.CreateQueue(new QueueDescription { Name = "q" });
    (long sent, long completed, double elapsed) = await Run(broker, "q", ["q"], _ => new BrokerMessage { Body = body });
    Console.WriteLine($"queue: 16 senders, 4 receivers (32 per receive): sent {sent / elapsed,9:N0} msg/s, received+completed {completed / elapsed,9:N0} msg/s");
}

async Task PriorityQueueThroughput()
{
    using Broker broker = OpenBroker("priority");
    broker.CreateQueue(new QueueDescription { Name = "q", MaxPriority = 9 });
    (long sent, long completed, double elapsed) = await Run(broker, "q", ["q"], i => new BrokerMessage { Body = body, Priority = (byte)(i % 10) });
    Console.WriteLine($"queue with priorities 0-9: 16 senders, 4 receivers (32 per receive): sent {sent / elapsed,9:N0} msg/s, received+completed {completed / elapsed,9:N0} msg/s");
}

async Task TopicThroughput()
{
    using Broker broker = OpenBroker("topic");
    broker.CreateTopic(new TopicDescription { Name = "t" });
    for (int i = 0; i < 10; i++)
    {
        RuleFilterDescription filter = i % 2 == 0
            ? RuleFilterDescription.Sql($"shard = {i} AND kind <> 'ignored'")
            : new RuleFilterDescription { Kind = RuleFilterKind.Correlation, Properties = new() { ["shard"] = (long)i } };
        broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = $"s{i}" }, new RuleDescription { Name = "only", Filter = filter });
    }
    string[] subs = Enumerable.Range(0, 10).Select(i => $"t/Subscriptions/s{i}").ToArray();
    (long sent, long completed, double elapsed) = await Run(broker, "t", subs, i =>
    {
        var m = new BrokerMessage { Body = body };
        m.ApplicationProperties["shard"] = (long)(i % 10);
        m.ApplicationProperties["kind"] = "order";
        return m;
    });
    Console.WriteLine($"topic, 10 filtered subscriptions: 16 senders, 1 receiver each: sent {sent / elapsed,9:N0} msg/s, received+completed {completed / elapsed,9:N0} msg/s");
}

async Task Memory()
{
    long baseline = Settled();
    if (!args.Contains("--restart-only"))
    {
        await Fill(baseline);
        // The restart is measured in a fresh process, as a real restart is.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        foreach (string a in new[] { typeof(Broker).Assembly.Location.Replace("Omnibus.Core.dll", "Omnibus.Core.Benchmarks.dll", StringComparison.Ordinal), "--restart-only", "--keep", "--dir", root })
        {
            info.ArgumentList.Add(a);
        }
        using Process child = Process.Start(info)!;
        string text = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        Console.Write(text[(text.IndexOf("after restart", StringComparison.Ordinal) is int at and >= 0 ? at : 0)..]);
        return;
    }
    var openWatch = Stopwatch.StartNew();
    using (Broker reopened = OpenBroker("memory"))
    {
        double openSeconds = openWatch.Elapsed.TotalSeconds;
        long managed = Settled() - baseline;
        EntityRuntimeInfo info = reopened.GetQueueRuntimeInfo("q");
        Console.WriteLine($"after restart: {info.ActiveMessageCount:N0} messages indexed in {openSeconds:F1} s; managed heap {managed / 1048576.0:F0} MiB, working set {Environment.WorkingSet / 1048576.0:F0} MiB");
    }
}

async Task Fill(long baseline)
{
    using (Broker broker = OpenBroker("memory"))
    {
        broker.CreateQueue(new QueueDescription { Name = "q" });
        var sendWatch = Stopwatch.StartNew();
        for (int i = 0; i < queued; i += 500)
        {
            await broker.SendAsync("q", Enumerable.Range(0, Math.Min(500, queued - i)).Select(_ => new BrokerMessage { Body = body }).ToList());
        }
        long managed = Settled() - baseline;
        Console.WriteLine($"memory with {queued:N0} queued 1 KiB messages: managed heap {managed / 1048576.0:F0} MiB, working set {Environment.WorkingSet / 1048576.0:F0} MiB (sent in {sendWatch.Elapsed.TotalSeconds:F1} s, batches of 500)");
    }
}

static long Settled()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return GC.GetTotalMemory(forceFullCollection: true);
}
