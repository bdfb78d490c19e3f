using System.Globalization;
using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.CrashHelper;

/// <summary>
/// Usage: transactions &lt;data dir&gt;. On the first run creates queue "in" holding
/// <see cref="Inputs"/> messages "m-0" … and queue "out" (2 partitions). Prints "RECOVERED n" (the
/// transactions the open completed) and READY, then from several tasks receives one message of "in"
/// and commits one transaction that completes it and sends its body to "out", printing
/// "COMMITTED &lt;body&gt;" once the commit returned. Runs until killed.
/// </summary>
internal static class TransactionChild
{
    public const int Inputs = 30_000;

    public static async Task RunAsync(string dir)
    {
        using Broker broker = Broker.Open(new BrokerOptions { DataDirectory = dir, SegmentSize = 256 * 1024 });
        if (broker.ListQueues().Count == 0)
        {
            broker.CreateQueue(new QueueDescription { Name = "in" });
            broker.CreateQueue(new QueueDescription { Name = "out", PartitionCount = 2 });
            for (int i = 0; i < Inputs; i += 100)
            {
                await broker.SendAsync("in", Enumerable.Range(i, 100).Select(n => new BrokerMessage { Body = Encoding.UTF8.GetBytes("m-" + n.ToString(CultureInfo.InvariantCulture)) }).ToList());
            }
        }
        var output = new object();
        void Print(string line)
        {
            lock (output)
            {
                Console.WriteLine(line);
            }
        }
        Print("RECOVERED " + broker.RecoveredTransactions.ToString(CultureInfo.InvariantCulture));
        Print("READY");
        Receivable input = broker.GetReceivable("in");
        var tasks = new List<Task>();
        for (int w = 0; w < 4; w++)
        {
            tasks.Add(Task.Run(async () =>
            {
                while (true)
                {
                    foreach (BrokerMessage m in await input.ReceiveAsync(1, TimeSpan.FromMilliseconds(100), ReceiveMode.PeekLock))
                    {
                        string body = Encoding.UTF8.GetString(m.Body.Span);
                        await broker.CommitTransactionAsync(
                        [
                            new TransactionSettlement(input, m.Delivery.LockToken, SettlementKind.Complete),
                            new TransactionSend("out", [new BrokerMessage { Body = m.Body }]),
                        ]);
                        Print("COMMITTED " + body);
                    }
                }
            }));
        }
        await Task.WhenAll(tasks);
    }
}
