using System.Globalization;
using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.CrashHelper;

/// <summary>
/// Usage: groups &lt;data dir&gt; &lt;round&gt;. Creates the grouped queue "gq" (2 partitions) if
/// missing, prints READY, then sends to <see cref="Groups"/> groups, one sender per group awaiting
/// each send, printing "SENT &lt;group&gt; &lt;index&gt;" once acknowledged (indices grow across
/// rounds: round × 1,000,000 + i), while competing receivers lock, complete and print
/// "GOT &lt;group&gt; &lt;index&gt;" then "DONE &lt;group&gt; &lt;index&gt;". Runs until killed.
/// </summary>
internal static class GroupChild
{
    public const int Groups = 6;

    public static async Task RunAsync(string dir, int round)
    {
        using Broker broker = Broker.Open(new BrokerOptions { DataDirectory = dir, SegmentSize = 256 * 1024 });
        if (broker.ListQueues().Count == 0)
        {
            broker.CreateQueue(new QueueDescription { Name = "gq", MessageGroups = true, PartitionCount = 2 });
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
        for (int g = 0; g < Groups; g++)
        {
            string group = "g" + g.ToString(CultureInfo.InvariantCulture);
            tasks.Add(Task.Run(async () =>
            {
                for (long i = round * 1_000_000L; ; i++)
                {
                    string index = i.ToString(CultureInfo.InvariantCulture);
                    await broker.SendAsync("gq", [new BrokerMessage { Body = Encoding.UTF8.GetBytes(index), SessionId = group }]);
                    Print($"SENT {group} {index}");
                }
            }));
        }
        Receivable r = broker.GetReceivable("gq");
        for (int c = 0; c < 3; c++)
        {
            tasks.Add(Task.Run(async () =>
            {
                while (true)
                {
                    foreach (BrokerMessage m in await r.ReceiveAsync(4, TimeSpan.FromMilliseconds(100), ReceiveMode.PeekLock))
                    {
                        string line = $"{m.SessionId} {Encoding.UTF8.GetString(m.Body.Span)}";
                        Print("GOT " + line);
                        await r.CompleteAsync(m.Delivery.LockToken);
                        Print("DONE " + line);
                    }
                }
            }));
        }
        await Task.WhenAll(tasks);
    }
}
