using System.Collections.Concurrent;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests;

public class PartitionAndConcurrencyTests
{
    [Fact]
    public async Task A_partitioned_queue_keeps_order_per_key_and_unique_sequence_numbers()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "p", PartitionCount = 4 });
        var seqs = new List<long>();
        for (int i = 0; i < 40; i++)
        {
            var m = BrokerHarness.Message($"{i % 5}:{i}");
            m.PartitionKey = $"key{i % 5}";
            seqs.AddRange(await h.Broker.SendAsync("p", [m]));
        }
        Assert.Equal(40, seqs.Distinct().Count());
        Assert.True(seqs.Select(s => SequenceNumbers.Split(s).Partition).Distinct().Count() > 1, "keys spread over partitions");
        IReadOnlyList<BrokerMessage> got = await h.Receive("p", 100);
        Assert.Equal(40, got.Count);
        foreach (IGrouping<string, BrokerMessage> key in got.GroupBy(m => m.PartitionKey!))
        {
            int[] order = key.Select(m => int.Parse(BrokerHarness.Text(m).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(order.Order(), order);
            Assert.Single(key.Select(m => SequenceNumbers.Split(m.SequenceNumber).Partition).Distinct());
        }
        // Deferral by sequence number works across partitions.
        Receivable r = h.Broker.GetReceivable("p");
        BrokerMessage last = got[^1];
        await r.DeferAsync(last.LockToken);
        Assert.Single(await r.ReceiveDeferredAsync([last.SequenceNumber], ReceiveMode.ReceiveAndDelete));
    }

    [Fact]
    public async Task Many_producers_and_competing_consumers_process_every_message_exactly_once()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "work" });
        h.Broker.CreateTopic(new TopicDescription { Name = "events", PartitionCount = 3 });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "s" });
        const int producers = 8, perProducer = 100, consumers = 6;
        foreach (string path in new[] { "work", "events" })
        {
            string receivePath = path == "work" ? "work" : "events/Subscriptions/s";
            var seen = new ConcurrentDictionary<string, int>();
            Receivable r = h.Broker.GetReceivableByStoredPath(receivePath);
            using var done = new CancellationTokenSource();
            Task[] consumerTasks = Enumerable.Range(0, consumers).Select(_ => Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    IReadOnlyList<BrokerMessage> batch;
                    try
                    {
                        batch = await r.ReceiveAsync(10, TimeSpan.FromMilliseconds(200), ReceiveMode.PeekLock, done.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    foreach (BrokerMessage m in batch)
                    {
                        seen.AddOrUpdate(BrokerHarness.Text(m), 1, (_, n) => n + 1);
                        await r.CompleteAsync(m.LockToken);
                    }
                }
            })).ToArray();
            await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
            {
                for (int i = 0; i < perProducer; i += 5)
                {
                    var batch = Enumerable.Range(i, 5).Select(j => BrokerHarness.Message($"{p}-{j}")).ToList();
                    await h.Broker.SendAsync(path, batch);
                }
            })));
            long deadline = Environment.TickCount64 + 20_000;
            while (seen.Count < producers * perProducer && Environment.TickCount64 < deadline)
            {
                await Task.Delay(20);
            }
            done.Cancel();
            await Task.WhenAll(consumerTasks);
            Assert.Equal(producers * perProducer, seen.Count);
            Assert.All(seen, kv => Assert.Equal(1, kv.Value));
            Assert.Equal(0, h.Broker.GetReceivableByStoredPath(receivePath).GetRuntimeInfo(default, default).ActiveMessageCount);
        }
    }

    [Fact]
    public async Task Sessions_stay_in_order_under_concurrent_session_receivers()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "s", RequiresSession = true, PartitionCount = 2 });
        const int sessions = 6, perSession = 30;
        for (int i = 0; i < perSession; i++)
        {
            for (int s = 0; s < sessions; s++)
            {
                await h.Send("s", $"{s}:{i}", session: $"session-{s}");
            }
        }
        Receivable r = h.Broker.GetReceivable("s");
        var received = new ConcurrentDictionary<string, List<int>>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                SessionLock session;
                try
                {
                    session = await r.AcceptSessionAsync(null, TimeSpan.FromMilliseconds(100));
                }
                catch (MessagingException e) when (e.Code == MessagingErrorCode.Timeout)
                {
                    return;
                }
                while (true)
                {
                    IReadOnlyList<BrokerMessage> batch = await r.ReceiveAsync(session, 7, TimeSpan.Zero, ReceiveMode.PeekLock);
                    if (batch.Count == 0)
                    {
                        break;
                    }
                    foreach (BrokerMessage m in batch)
                    {
                        string[] parts = BrokerHarness.Text(m).Split(':');
                        List<int> list = received.GetOrAdd(m.SessionId!, _ => []);
                        lock (list)
                        {
                            list.Add(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                        }
                        await r.CompleteAsync(m.LockToken);
                    }
                }
                r.ReleaseSession(session);
            }
        })));
        Assert.Equal(sessions, received.Count);
        Assert.All(received.Values, list => Assert.Equal(Enumerable.Range(0, perSession), list));
    }
}
