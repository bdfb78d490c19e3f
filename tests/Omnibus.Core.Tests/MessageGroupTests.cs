using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using static Omnibus.Core.Tests.BrokerHarness;

namespace Omnibus.Core.Tests;

/// <summary>Grouped delivery: FIFO per group id without a session accept, groups in parallel.</summary>
public sealed class MessageGroupTests : IDisposable
{
    private readonly BrokerHarness _h = new();

    public MessageGroupTests() => _h.Broker.CreateQueue(new QueueDescription { Name = "g", MessageGroups = true, LockDuration = TimeSpan.FromSeconds(30) });

    public void Dispose() => _h.Dispose();

    private Receivable G => _h.Broker.GetReceivable("g");

    private Task<IReadOnlyList<BrokerMessage>> Receive(int max = 10) => G.ReceiveAsync(max, TimeSpan.Zero, ReceiveMode.PeekLock);

    [Fact]
    public async Task A_groups_next_message_waits_until_its_head_is_completed()
    {
        await _h.Send("g", "a1", session: "A");
        await _h.Send("g", "a2", session: "A");
        BrokerMessage head = Assert.Single(await Receive());
        Assert.Equal("a1", Text(head));
        Assert.Empty(await Receive());
        await G.CompleteAsync(head.Delivery.LockToken);
        Assert.Equal("a2", Text(Assert.Single(await Receive())));
    }

    [Fact]
    public async Task A_head_whose_lock_expires_is_redelivered_before_the_rest_of_its_group()
    {
        await _h.Send("g", "a1", session: "A");
        await _h.Send("g", "a2", session: "A");
        BrokerMessage head = Assert.Single(await G.ReceiveAsync(10, TimeSpan.Zero, new ReceiveOptions { Visibility = TimeSpan.FromSeconds(5) }));
        await _h.Advance(TimeSpan.FromSeconds(6));
        BrokerMessage again = Assert.Single(await Receive());
        Assert.Equal("a1", Text(again));
        Assert.Equal(1, again.Delivery.DeliveryCount);
        var stale = await Assert.ThrowsAsync<MessagingException>(() => G.CompleteAsync(head.Delivery.LockToken));
        Assert.Equal(MessagingErrorCode.MessageLockLost, stale.Code);
    }

    [Fact]
    public async Task An_abandoned_head_comes_back_first()
    {
        await _h.Send("g", "a1", session: "A");
        await _h.Send("g", "a2", session: "A");
        BrokerMessage head = Assert.Single(await Receive());
        await G.AbandonAsync(head.Delivery.LockToken);
        Assert.Equal("a1", Text(Assert.Single(await Receive())));
    }

    [Fact]
    public async Task Different_groups_go_to_competing_receivers_in_parallel()
    {
        foreach (string group in new[] { "A", "B", "C" })
        {
            await _h.Send("g", group + "1", session: group);
            await _h.Send("g", group + "2", session: group);
        }
        var first = await Receive(1);
        var second = await Receive(1);
        var third = await Receive(1);
        Assert.Equal(["A1", "B1", "C1"], first.Concat(second).Concat(third).Select(Text));
        Assert.Empty(await Receive());
        await G.CompleteAsync(second[0].Delivery.LockToken);
        Assert.Equal("B2", Text(Assert.Single(await Receive())));
    }

    [Fact]
    public async Task One_receive_takes_at_most_one_message_per_group_and_ungrouped_messages_freely()
    {
        await _h.Send("g", "a1", session: "A");
        await _h.Send("g", "a2", session: "A");
        await _h.Send("g", "x");
        await _h.Send("g", "y");
        await _h.Send("g", "b1", session: "B");
        Assert.Equal(["a1", "x", "y", "b1"], (await Receive()).Select(Text));
    }

    [Fact]
    public async Task A_waiting_receiver_gets_the_next_message_of_a_group_when_its_head_is_settled()
    {
        await _h.Send("g", "a1", session: "A");
        await _h.Send("g", "a2", session: "A");
        BrokerMessage head = Assert.Single(await Receive());
        Task<IReadOnlyList<BrokerMessage>> waiting = G.ReceiveAsync(1, TimeSpan.FromSeconds(30), ReceiveMode.PeekLock);
        Assert.False(waiting.IsCompleted);
        await G.CompleteAsync(head.Delivery.LockToken);
        Assert.Equal("a2", Text(Assert.Single(await waiting.WaitAsync(TimeSpan.FromSeconds(10)))));
    }

    [Fact]
    public async Task Competing_receivers_process_every_group_in_order()
    {
        const int groups = 5, perGroup = 40;
        for (int i = 0; i < perGroup; i++)
        {
            for (int g = 0; g < groups; g++)
            {
                await _h.Send("g", $"{g}:{i}", session: $"group-{g}");
            }
        }
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var inHand = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        async Task Consume()
        {
            while (true)
            {
                var batch = await G.ReceiveAsync(3, TimeSpan.FromMilliseconds(200), ReceiveMode.PeekLock);
                if (batch.Count == 0)
                {
                    return;
                }
                foreach (BrokerMessage m in batch)
                {
                    Assert.True(inHand.TryAdd(m.SessionId!, 0), $"two messages of {m.SessionId} out at once");
                    seen.Enqueue(Text(m));
                    await Task.Yield();
                    inHand.TryRemove(m.SessionId!, out _);
                    await G.CompleteAsync(m.Delivery.LockToken);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Consume)));
        Assert.Equal(groups * perGroup, seen.Count);
        foreach (var group in seen.GroupBy(s => s.Split(':')[0]))
        {
            Assert.Equal(Enumerable.Range(0, perGroup), group.Select(s => int.Parse(s.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public async Task After_a_restart_the_head_of_each_group_is_delivered_first()
    {
        foreach (string group in new[] { "A", "B" })
        {
            for (int i = 1; i <= 3; i++)
            {
                await _h.Send("g", $"{group}{i}", session: group);
            }
        }
        var heads = await Receive();
        Assert.Equal(["A1", "B1"], heads.Select(Text));
        await G.CompleteAsync(heads[1].Delivery.LockToken); // B1 done; A1 still out when the broker stops
        _h.Restart();
        var afterRestart = await Receive();
        Assert.Equal(["A1", "B2"], afterRestart.Select(Text));
        Assert.Equal(1, afterRestart[0].Delivery.DeliveryCount);
    }

    [Fact]
    public async Task Grouped_messages_in_a_partitioned_queue_keep_their_order()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "pg", MessageGroups = true, PartitionCount = 4 });
        Receivable pg = _h.Broker.GetReceivable("pg");
        for (int i = 0; i < 5; i++)
        {
            foreach (string group in new[] { "A", "B", "C" })
            {
                await _h.Send("pg", $"{group}{i}", session: group);
            }
        }
        var order = new List<string>();
        while (true)
        {
            var batch = await pg.ReceiveAsync(10, TimeSpan.Zero, ReceiveMode.PeekLock);
            if (batch.Count == 0)
            {
                break;
            }
            Assert.Equal(batch.Count, batch.Select(m => m.SessionId).Distinct().Count());
            foreach (BrokerMessage m in batch)
            {
                order.Add(Text(m));
                await pg.CompleteAsync(m.Delivery.LockToken);
            }
        }
        foreach (string group in new[] { "A", "B", "C" })
        {
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{group}{i}"), order.Where(s => s.StartsWith(group, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Requeue_to_the_tail_is_refused_for_a_grouped_message()
    {
        await _h.Send("g", "a1", session: "A");
        BrokerMessage head = Assert.Single(await Receive());
        var refused = await Assert.ThrowsAsync<MessagingException>(() => G.RequeueAsync(head.Delivery.LockToken, RequeuePosition.Tail));
        Assert.Equal(MessagingErrorCode.InvalidOperation, refused.Code);
        await G.CompleteAsync(head.Delivery.LockToken);
    }

    [Fact]
    public async Task A_session_queue_still_needs_a_session_accept_when_groups_are_also_set()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "sg", RequiresSession = true, MessageGroups = true });
        await _h.Send("sg", "a1", session: "A");
        var refused = await Assert.ThrowsAsync<MessagingException>(() => _h.Broker.GetReceivable("sg").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        Assert.Equal(MessagingErrorCode.InvalidOperation, refused.Code);
        SessionLock session = await _h.Broker.GetReceivable("sg").AcceptSessionAsync(null, TimeSpan.Zero);
        Assert.Equal("A", session.SessionId);
    }

    [Fact]
    public async Task The_group_setting_survives_a_restart()
    {
        _h.Restart();
        Assert.True(_h.Broker.ListQueues().Single(q => q.Name == "g").MessageGroups);
    }
}
