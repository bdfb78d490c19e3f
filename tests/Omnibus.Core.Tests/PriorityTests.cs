using Microsoft.Extensions.Time.Testing;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.ServiceBus.Rules;
using static Omnibus.Core.Tests.BrokerHarness;

namespace Omnibus.Core.Tests;

/// <summary>Queues with priorities: highest priority first, FIFO within one, across requeues, lock expiry, restarts, partitions and groups.</summary>
public sealed class PriorityTests : IDisposable
{
    private readonly BrokerHarness _h = new();

    public PriorityTests() => _h.Broker.CreateQueue(new QueueDescription { Name = "q", MaxPriority = 10, LockDuration = TimeSpan.FromSeconds(30) });

    public void Dispose() => _h.Dispose();

    private Receivable Q => _h.Broker.GetReceivable("q");

    private async Task Send(string body, byte? priority, string path = "q", string? group = null, string? partitionKey = null)
    {
        BrokerMessage m = Message(body, session: group);
        m.Priority = priority;
        m.PartitionKey = partitionKey;
        await _h.Broker.SendAsync(path, [m]);
    }

    private static Task<IReadOnlyList<BrokerMessage>> Receive(Receivable r, int max = 20, ReceiveMode mode = ReceiveMode.PeekLock) =>
        r.ReceiveAsync(max, TimeSpan.Zero, mode);

    private static async Task<List<string>> ReceiveOneByOne(Receivable r, int count)
    {
        var bodies = new List<string>();
        for (int i = 0; i < count; i++)
        {
            BrokerMessage m = Assert.Single(await Receive(r, 1));
            bodies.Add(Text(m));
            await r.CompleteAsync(m.Delivery.LockToken);
        }
        Assert.Empty(await Receive(r));
        return bodies;
    }

    [Fact]
    public async Task A_receive_takes_the_highest_priority_first()
    {
        await Send("low", 1);
        await Send("mid", 5);
        await Send("high", 9);
        await Send("top", 10);

        Assert.Equal(["top", "high", "mid", "low"], (await Receive(Q)).Select(Text));
    }

    [Fact]
    public async Task Messages_of_one_priority_go_out_in_the_order_they_were_sent()
    {
        await Send("a1", 3);
        await Send("b", 7);
        await Send("a2", 3);
        await Send("a3", 3);

        Assert.Equal(["b", "a1", "a2", "a3"], await ReceiveOneByOne(Q, 4));
    }

    [Fact]
    public async Task A_priority_above_the_maximum_counts_as_the_maximum()
    {
        await Send("at-max", 10);
        await Send("above", 200);
        await Send("below", 9);
        await Send("at-max-too", 10);

        IReadOnlyList<BrokerMessage> received = await Receive(Q);
        Assert.Equal(["at-max", "above", "at-max-too", "below"], received.Select(Text));
        Assert.Equal((byte)200, received[1].Priority); // ordered as the maximum, delivered as sent
    }

    [Fact]
    public async Task A_message_without_a_priority_counts_as_zero()
    {
        await Send("none-1", null);
        await Send("zero", 0);
        await Send("one", 1);
        await Send("none-2", null);

        Assert.Equal(["one", "none-1", "zero", "none-2"], (await Receive(Q)).Select(Text));
    }

    [Fact]
    public async Task A_queue_without_priorities_keeps_sequence_order_whatever_the_priorities()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "plain" });
        await Send("first", 1, "plain");
        await Send("second", 9, "plain");
        await Send("third", null, "plain");

        Assert.Equal(["first", "second", "third"], (await Receive(_h.Broker.GetReceivable("plain"))).Select(Text));
    }

    [Fact]
    public async Task Receive_and_delete_takes_by_priority_too()
    {
        await Send("low", 2);
        await Send("high", 8);

        Assert.Equal(["high", "low"], (await Receive(Q, mode: ReceiveMode.ReceiveAndDelete)).Select(Text));
        Assert.Empty(await Receive(Q));
    }

    [Fact]
    public async Task Messages_published_through_the_default_exchange_in_one_batch_are_received_by_priority()
    {
        BrokerMessage[] batch = [Message("low"), Message("high"), Message("none")];
        batch[0].Priority = 1;
        batch[1].Priority = 7;
        await _h.Broker.PublishAsync(Broker.DefaultExchange, "q", batch);

        Assert.Equal(["high", "low", "none"], (await Receive(Q)).Select(Text));
    }

    [Fact]
    public async Task After_a_restart_the_same_order_holds()
    {
        await Send("low-1", 1);
        await Send("high-1", 9);
        await Send("none", null);
        await Send("high-2", 9);
        await Send("low-2", 1);
        await Send("capped", 255);
        BrokerMessage locked = Assert.Single(await Receive(Q, 1));
        Assert.Equal("capped", Text(locked));

        _h.Restart();

        Assert.Equal(10, _h.Broker.GetQueue("q").MaxPriority);
        Assert.Equal(["capped", "high-1", "high-2", "low-1", "low-2", "none"], await ReceiveOneByOne(Q, 6));
    }

    [Fact]
    public async Task An_abandoned_message_goes_back_into_its_priority_ahead_of_later_ones()
    {
        await Send("high-1", 9);
        await Send("high-2", 9);
        await Send("low", 1);
        BrokerMessage first = Assert.Single(await Receive(Q, 1));
        await Send("high-3", 9);

        await Q.RequeueAsync(first.Delivery.LockToken, RequeuePosition.Head);

        IReadOnlyList<BrokerMessage> again = await Receive(Q);
        Assert.Equal(["high-1", "high-2", "high-3", "low"], again.Select(Text));
        Assert.Equal(1, again[0].Delivery.DeliveryCount);
    }

    [Fact]
    public async Task A_message_requeued_to_the_tail_goes_to_the_end_of_its_priority_only()
    {
        await Send("high-1", 9);
        await Send("high-2", 9);
        await Send("low", 1);
        BrokerMessage first = Assert.Single(await Receive(Q, 1));

        await Q.RequeueAsync(first.Delivery.LockToken, RequeuePosition.Tail);

        IReadOnlyList<BrokerMessage> again = await Receive(Q);
        Assert.Equal(["high-2", "high-1", "low"], again.Select(Text));
        Assert.Equal(1, again[1].Delivery.DeliveryCount);
    }

    [Fact]
    public async Task A_message_whose_lock_expires_goes_back_into_its_priority()
    {
        await Send("high-1", 9);
        await Send("low", 1);
        BrokerMessage first = Assert.Single(await Q.ReceiveAsync(1, TimeSpan.Zero, new ReceiveOptions { Visibility = TimeSpan.FromSeconds(5) }));
        await Send("high-2", 9);
        await Send("mid", 5);

        await _h.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(["high-1", "high-2", "mid", "low"], (await Receive(Q)).Select(Text));
    }

    [Fact]
    public async Task A_visibility_changed_to_zero_hands_the_message_back_into_its_priority()
    {
        await Send("high", 9);
        await Send("low", 1);
        BrokerMessage first = Assert.Single(await Receive(Q, 1));

        await Q.ChangeVisibilityAsync(first.Delivery.LockToken, TimeSpan.Zero);
        await _h.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["high", "low"], (await Receive(Q)).Select(Text));
    }

    [Fact]
    public async Task Peek_stays_in_sequence_order()
    {
        await Send("low", 1);
        await Send("high", 9);

        Assert.Equal(["low", "high"], Q.Peek(0, 10).Select(Text));
    }

    [Fact]
    public async Task A_partitioned_queue_takes_the_highest_priority_from_any_partition()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "parts", MaxPriority = 9, PartitionCount = 4 });
        Receivable parts = _h.Broker.GetReceivable("parts");
        byte[] priorities = [3, 8, 1, 6, 2, 9, 4, 7, 5, 0];
        foreach (byte p in priorities)
        {
            await Send($"p{p}", p, "parts"); // round robin: spread over the partitions
        }

        Assert.Equal(priorities.OrderDescending().Select(p => $"p{p}"), await ReceiveOneByOne(parts, priorities.Length));

        foreach (byte p in priorities)
        {
            await Send($"p{p}", p, "parts");
        }
        Assert.Equal(priorities.OrderDescending().Select(p => $"p{p}"), (await Receive(parts)).Select(Text));
    }

    [Fact]
    public async Task A_partitioned_queue_keeps_sequence_order_within_a_priority_of_one_partition()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "parts", MaxPriority = 9, PartitionCount = 4 });
        Receivable parts = _h.Broker.GetReceivable("parts");
        await Send("a1", 3, "parts", partitionKey: "k");
        await Send("b", 5, "parts", partitionKey: "other");
        await Send("a2", 3, "parts", partitionKey: "k");
        await Send("a3", 3, "parts", partitionKey: "k");

        Assert.Equal(["b", "a1", "a2", "a3"], await ReceiveOneByOne(parts, 4));
    }

    [Fact]
    public async Task A_group_still_has_one_message_out_and_its_messages_go_out_by_priority()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "g", MaxPriority = 9, MessageGroups = true });
        Receivable g = _h.Broker.GetReceivable("g");
        await Send("a-low", 1, "g", group: "A");
        await Send("a-high", 9, "g", group: "A");
        await Send("free", 5, "g");

        IReadOnlyList<BrokerMessage> first = await Receive(g);
        Assert.Equal(["a-high", "free"], first.Select(Text));
        Assert.Empty(await Receive(g));

        await g.CompleteAsync(first[0].Delivery.LockToken);
        Assert.Equal("a-low", Text(Assert.Single(await Receive(g))));
    }

    [Fact]
    public async Task A_partitioned_queue_with_groups_takes_free_messages_by_priority_across_partitions()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "pg", MaxPriority = 9, MessageGroups = true, PartitionCount = 3 });
        Receivable pg = _h.Broker.GetReceivable("pg");
        await Send("u-low", 1, "pg");
        await Send("u-high", 9, "pg");
        await Send("a-5", 5, "pg", group: "A");
        await Send("a-7", 7, "pg", group: "A");
        await Send("u-mid", 4, "pg");

        IReadOnlyList<BrokerMessage> first = await Receive(pg);
        Assert.Equal(["u-high", "a-7", "u-mid", "u-low"], first.Select(Text));
        Assert.Empty(await Receive(pg));

        await pg.CompleteAsync(first[1].Delivery.LockToken);
        Assert.Equal("a-5", Text(Assert.Single(await Receive(pg))));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void A_max_priority_outside_zero_to_255_is_refused(int maxPriority)
    {
        var e = Assert.Throws<MessagingException>(() => _h.Broker.CreateQueue(new QueueDescription { Name = "bad", MaxPriority = maxPriority }));
        Assert.Equal(MessagingErrorCode.InvalidArgument, e.Code);
        Assert.DoesNotContain(_h.Broker.ListQueues(), q => q.Name == "bad");
    }

    [Fact]
    public void Priorities_on_a_session_queue_are_refused()
    {
        var e = Assert.Throws<MessagingException>(() => _h.Broker.CreateQueue(new QueueDescription { Name = "s", MaxPriority = 5, RequiresSession = true }));
        Assert.Equal(MessagingErrorCode.InvalidArgument, e.Code);
        Assert.DoesNotContain(_h.Broker.ListQueues(), q => q.Name == "s");
    }

    [Fact]
    public void The_max_priority_cannot_change_after_the_queue_is_created()
    {
        QueueDescription current = _h.Broker.GetQueue("q");
        var changed = Assert.Throws<MessagingException>(() => _h.Broker.UpdateQueue(current with { MaxPriority = 5 }));
        Assert.Equal(MessagingErrorCode.InvalidArgument, changed.Code);
        var removed = Assert.Throws<MessagingException>(() => _h.Broker.UpdateQueue(current with { MaxPriority = null }));
        Assert.Equal(MessagingErrorCode.InvalidArgument, removed.Code);
        Assert.Equal(10, _h.Broker.GetQueue("q").MaxPriority);

        QueueDescription updated = _h.Broker.UpdateQueue(current with { MaxDeliveryCount = 3 });
        Assert.Equal(10, updated.MaxPriority);
    }

    [Fact]
    [Trait("Store", TestStore.FileOnly)] // opens a data directory written by an earlier build
    public async Task A_catalog_written_before_priorities_opens_with_queues_that_have_none()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "TestData", "v1-data");
        string directory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N"));
        foreach (string file in Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(directory, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        try
        {
            using (Broker broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = directory, TimeProvider = new FakeTimeProvider(_h.Clock.GetUtcNow()), RuleCompiler = ServiceBusRuleCompiler.Instance }))
            {
                Assert.All(broker.ListQueues(), q => Assert.Null(q.MaxPriority));
                broker.UpdateQueue(broker.GetQueue("orders") with { MaxDeliveryCount = 5 });
                Assert.Equal(["m1", "m2"], (await Receive(broker.GetReceivable("orders"))).Select(m => m.MessageId));
            }
        }
        finally
        {
            TestStore.Delete(directory);
        }
    }

    [Fact]
    public void A_max_priority_of_zero_means_no_priorities()
    {
        _h.Broker.CreateQueue(new QueueDescription { Name = "zero", MaxPriority = 0 });
        QueueDescription updated = _h.Broker.UpdateQueue(_h.Broker.GetQueue("zero") with { MaxPriority = null });
        Assert.Null(updated.MaxPriority);
    }
}
