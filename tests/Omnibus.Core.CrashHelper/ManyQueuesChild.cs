using System.Globalization;
using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Storage;

namespace Omnibus.Core.CrashHelper;

/// <summary>
/// Usage: many &lt;data dir&gt; &lt;round&gt;. Creates <see cref="Queues"/> queues ("m0", "m1", …)
/// if missing, prints READY, then writes to all of them at once: two senders per queue, each
/// awaiting its send and printing "SENT &lt;queue&gt; &lt;body&gt;" once acknowledged, while a
/// receiver on every fourth queue locks, completes and prints "GOT …" then "DONE …". The shared
/// file-handle cache gets a budget far below the number of logs and a short idle timeout, so
/// segment handles are closed and reopened between writes and their fsyncs all the time (it prints
/// "CLOSED handles &lt;count so far&gt;" every 100 ms), and the appends of all queues share
/// commit windows (it prints "FLUSHES &lt;flush calls so far&gt; windows &lt;windows so far&gt;"
/// with it). Runs until killed.
/// </summary>
internal static class ManyQueuesChild
{
    public const int Queues = 60;

    public static async Task RunAsync(string dir, string round)
    {
        FileHandleCache.ConfigureShared(maxOpen: 32, idleTimeout: TimeSpan.FromMilliseconds(50));
        using Broker broker = Broker.Open(new BrokerOptions { DataDirectory = dir, SegmentSize = 64 * 1024 });
        for (int q = broker.ListQueues().Count; q < Queues; q++)
        {
            broker.CreateQueue(new QueueDescription { Name = Name(q) });
        }
        Console.WriteLine("READY");
        var output = new object();
        void Print(string line)
        {
            lock (output)
            {
                Console.WriteLine(line);
            }
        }
        var tasks = new List<Task>();
        for (int q = 0; q < Queues; q++)
        {
            string queue = Name(q);
            for (int w = 0; w < 2; w++)
            {
                int writer = w;
                tasks.Add(Task.Run(async () =>
                {
                    for (int i = 0; ; i++)
                    {
                        string body = $"{round}-{writer}-{i}";
                        await broker.SendAsync(queue, [new BrokerMessage { Body = Encoding.UTF8.GetBytes(body) }]);
                        Print($"SENT {queue} {body}");
                    }
                }));
            }
            if (q % 4 == 0)
            {
                Receivable r = broker.GetReceivable(queue);
                tasks.Add(Task.Run(async () =>
                {
                    while (true)
                    {
                        foreach (BrokerMessage m in await r.ReceiveAsync(4, TimeSpan.FromMilliseconds(100), ReceiveMode.PeekLock))
                        {
                            string line = $"{queue} {Encoding.UTF8.GetString(m.Body.Span)}";
                            Print("GOT " + line);
                            await r.CompleteAsync(m.Delivery.LockToken);
                            Print("DONE " + line);
                        }
                    }
                }));
            }
        }
        tasks.Add(Task.Run(async () =>
        {
            while (true)
            {
                await Task.Delay(100);
                Print($"CLOSED handles {FileHandleCache.Shared.ClosedCount}");
                Print($"FLUSHES {LogWriterPool.Shared.FlushCount} windows {LogWriterPool.Shared.SharedFlushWindows}");
            }
        }));
        await Task.WhenAll(tasks);
    }

    public static string Name(int q) => "m" + q.ToString(CultureInfo.InvariantCulture);
}
