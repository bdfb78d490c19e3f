using System.Diagnostics;
using System.Globalization;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Storage;

namespace Omnibus.Core.Benchmarks;

/// <summary>
/// `flush [--queues N] [--senders S] [--seconds T] [--repeat R] [--dir D]` (issue 18, point 2):
/// durable sends to 1 queue and to N queues at once, then send + peek-lock receive + complete on N
/// queues, each with the writer pool's shared flush on and off, in one run. Prints aggregate messages a
/// second, flush system calls (fdatasync, syncfs) a second, and flushes per message.
/// </summary>
internal static class SharedFlushBenchmark
{
    public static async Task<int> RunAsync(string[] args, string root)
    {
        int queues = int.Parse(Option(args, "--queues") ?? "100", CultureInfo.InvariantCulture);
        int senders = int.Parse(Option(args, "--senders") ?? "8", CultureInfo.InvariantCulture);
        double seconds = double.Parse(Option(args, "--seconds") ?? "5", CultureInfo.InvariantCulture);
        int repeats = int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"shared flush: {Environment.ProcessorCount} cores, durability always, 1 KiB bodies, {senders} senders per queue, {seconds} s per row, {DateTime.UtcNow:u}"));
        using Broker broker = Broker.Open(new BrokerOptions { DataDirectory = Path.Combine(root, "flush") });
        string[] names = Enumerable.Range(0, queues).Select(i => "q" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (string name in names)
        {
            broker.CreateQueue(new QueueDescription { Name = name });
        }
        var body = new byte[1024];
        Random.Shared.NextBytes(body);
        // Each row with the shared flush on and off back to back (in alternating order when repeated),
        // so both see the same machine and the same queue lengths.
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            bool[] modes = repeat % 2 == 0 ? [true, false] : [false, true];
            foreach ((string label, string[] written, int perQueue, bool receive) in new[]
            {
                ($"{1,4} queue  sends                ", names[..1], senders, false),
                ($"{queues,4} queues sends                ", names, senders, false),
                ($"{queues,4} queues send+receive+complete", names, senders / 2, true),
            })
            {
                foreach (bool shared in modes)
                {
                    LogWriterPool.Shared.SharedFlush = shared;
                    await Row($"shared flush {(shared ? "on " : "off")} {label}", broker, written, perQueue, receive, body, seconds);
                }
            }
        }
        LogWriterPool.Shared.SharedFlush = true;
        return 0;
    }

    private static async Task Row(string label, Broker broker, string[] queues, int sendersPerQueue, bool receive, byte[] body, double seconds)
    {
        long sent = 0, completed = 0;
        long flushesBefore = LogWriterPool.Shared.FlushCount;
        var watch = Stopwatch.StartNew();
        var tasks = new List<Task>();
        foreach (string queue in queues)
        {
            for (int s = 0; s < Math.Max(1, sendersPerQueue); s++)
            {
                tasks.Add(Task.Run(async () =>
                {
                    while (watch.Elapsed.TotalSeconds < seconds)
                    {
                        await broker.SendAsync(queue, [new BrokerMessage { Body = body }]);
                        Interlocked.Increment(ref sent);
                    }
                }));
            }
            if (receive)
            {
                Receivable r = broker.GetReceivable(queue);
                tasks.Add(Task.Run(async () =>
                {
                    while (watch.Elapsed.TotalSeconds < seconds)
                    {
                        IReadOnlyList<BrokerMessage> batch = await r.ReceiveAsync(16, TimeSpan.FromMilliseconds(50), ReceiveMode.PeekLock);
                        await Task.WhenAll(batch.Select(m => r.CompleteAsync(m.Delivery.LockToken)));
                        Interlocked.Add(ref completed, batch.Count);
                    }
                }));
            }
        }
        await Task.WhenAll(tasks);
        double elapsed = watch.Elapsed.TotalSeconds;
        long flushes = LogWriterPool.Shared.FlushCount - flushesBefore;
        // Per message: per send, or per send + receive + complete (the backlog of earlier rows is received too).
        long messages = receive ? Math.Max(sent, completed) : sent;
        string received = receive ? string.Create(CultureInfo.InvariantCulture, $"  completed {completed / elapsed,8:N0} msg/s") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: sent {sent / elapsed,8:N0} msg/s{received}  {flushes / elapsed,7:N0} fsyncs/s  {flushes / (double)Math.Max(1, messages),6:F3} fsyncs/message"));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
