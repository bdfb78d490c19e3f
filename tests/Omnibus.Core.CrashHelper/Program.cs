using System.Text;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

// Usage: <data dir> <round>. Creates queue "q" and topic "t" (subscription "s", session queue "sq")
// if missing, then from several tasks sends messages and prints "SENT <entity> <body>" once each
// send is acknowledged, and receives + completes printing "DONE <entity> <body>" once each completion
// is acknowledged (after "GOT <entity> <body>" when it is received). Runs until killed.
// With "transactions" first: the transaction workload of TransactionChild; with "streams" first
// (then data dir and round): the stream workload of StreamChild.
if (args[0] == "streams")
{
    await Omnibus.Core.CrashHelper.StreamChild.RunAsync(args[1], args[2]);
    return;
}
if (args[0] == "transactions")
{
    await Omnibus.Core.CrashHelper.TransactionChild.RunAsync(args[1]);
    return;
}
// With "many" first: the many-queues workload of ManyQueuesChild.
if (args[0] == "many")
{
    await Omnibus.Core.CrashHelper.ManyQueuesChild.RunAsync(args[1], args[2]);
    return;
}
// With "groups" first: the grouped-queue workload of GroupChild.
if (args[0] == "groups")
{
    await Omnibus.Core.CrashHelper.GroupChild.RunAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
string dir = args[0];
string round = args[1];
using Broker broker = Broker.Open(new BrokerOptions { DataDirectory = dir, SegmentSize = 256 * 1024 });
if (broker.ListQueues().Count == 0)
{
    broker.CreateQueue(new QueueDescription { Name = "q" });
    broker.CreateQueue(new QueueDescription { Name = "sq", RequiresSession = true });
    broker.CreateTopic(new TopicDescription { Name = "t", PartitionCount = 2 });
    broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
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
foreach (string entity in new[] { "q", "t", "sq" })
{
    for (int w = 0; w < 3; w++)
    {
        int writer = w;
        tasks.Add(Task.Run(async () =>
        {
            for (int i = 0; ; i++)
            {
                string body = $"{round}-{writer}-{i}";
                var m = new BrokerMessage { Body = Encoding.UTF8.GetBytes(body), MessageId = body, SessionId = entity == "sq" ? $"session-{writer}" : null };
                await broker.SendAsync(entity, [m]);
                Print($"SENT {entity} {body}");
            }
        }));
    }
}
foreach ((string path, Receivable r) in new[] { ("q", broker.GetReceivable("q")), ("t/Subscriptions/s", broker.GetReceivable("t", "s")) })
{
    tasks.Add(Task.Run(async () =>
    {
        while (true)
        {
            foreach (BrokerMessage m in await r.ReceiveAsync(5, TimeSpan.FromMilliseconds(100), ReceiveMode.PeekLock))
            {
                // A completion in flight when the process dies may or may not have become durable.
                Print($"GOT {path} {Encoding.UTF8.GetString(m.Body.Span)}");
                await r.CompleteAsync(m.Delivery.LockToken);
                Print($"DONE {path} {Encoding.UTF8.GetString(m.Body.Span)}");
            }
        }
    }));
}
await Task.WhenAll(tasks);
