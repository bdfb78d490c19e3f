using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests;

public class LifecycleTests
{
    [Fact]
    public async Task An_entity_idle_past_its_auto_delete_time_is_deleted_and_activity_keeps_it_alive()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "busy", AutoDeleteOnIdle = TimeSpan.FromMinutes(10) });
        h.Broker.CreateQueue(new QueueDescription { Name = "idle", AutoDeleteOnIdle = TimeSpan.FromMinutes(10) });
        h.Broker.CreateTopic(new TopicDescription { Name = "idle-topic", AutoDeleteOnIdle = TimeSpan.FromMinutes(10) });
        for (int i = 0; i < 3; i++)
        {
            await h.Advance(TimeSpan.FromMinutes(4));
            await h.Send("busy", "keep-alive");
        }
        Assert.Equal(["busy"], h.Broker.ListQueues().Select(q => q.Name));
        Assert.Empty(h.Broker.ListTopics());
        h.Restart();
        Assert.Equal(["busy"], h.Broker.ListQueues().Select(q => q.Name));
    }

    [Fact]
    public async Task A_queue_with_a_waiting_receiver_or_a_locked_delivery_is_not_idle_and_its_idle_time_starts_when_they_let_go()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "waited-on", AutoDeleteOnIdle = TimeSpan.FromMinutes(2) });
        h.Broker.CreateQueue(new QueueDescription { Name = "held", AutoDeleteOnIdle = TimeSpan.FromMinutes(2), LockDuration = TimeSpan.FromMinutes(5) });
        await h.Send("held", "in hand");
        BrokerMessage inHand = Assert.Single(await h.Receive("held"));
        using var stopWaiting = new CancellationTokenSource();
        Task<IReadOnlyList<BrokerMessage>> waiting = h.Broker.GetReceivable("waited-on").ReceiveAsync(1, Timeout.InfiniteTimeSpan, ReceiveMode.PeekLock, stopWaiting.Token);

        await h.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(["held", "waited-on"], h.Broker.ListQueues().Select(q => q.Name).Order());

        await stopWaiting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await h.Broker.GetReceivable("held").CompleteAsync(inHand.Delivery.LockToken);
        await h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, h.Broker.ListQueues().Count);
        await h.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Empty(h.Broker.ListQueues());
    }

    [Fact]
    public async Task Waiting_receivers_are_served_first_come_first_served()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        Receivable r = h.Broker.GetReceivable("q");
        Task<IReadOnlyList<BrokerMessage>> first = r.ReceiveAsync(1, TimeSpan.FromSeconds(30), ReceiveMode.PeekLock);
        await Task.Delay(20);
        Task<IReadOnlyList<BrokerMessage>> second = r.ReceiveAsync(1, TimeSpan.FromSeconds(30), ReceiveMode.PeekLock);
        await Task.Delay(20);
        await h.Send("q", "one");
        Assert.Equal("one", BrokerHarness.Text(Assert.Single(await first.WaitAsync(TimeSpan.FromSeconds(10)))));
        Assert.False(second.IsCompleted);
        await h.Send("q", "two");
        Assert.Equal("two", BrokerHarness.Text(Assert.Single(await second.WaitAsync(TimeSpan.FromSeconds(10)))));
    }

    [Fact]
    public async Task A_cancelled_wait_gives_up_its_place_without_losing_a_message()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        Receivable r = h.Broker.GetReceivable("q");
        using var cts = new CancellationTokenSource();
        Task<IReadOnlyList<BrokerMessage>> cancelled = r.ReceiveAsync(1, TimeSpan.FromSeconds(30), ReceiveMode.PeekLock, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Task<IReadOnlyList<BrokerMessage>> waiting = r.ReceiveAsync(1, TimeSpan.FromSeconds(30), ReceiveMode.PeekLock);
        await h.Send("q", "m");
        Assert.Single(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Updating_a_queue_changes_its_delivery_settings_at_once_and_persists()
    {
        using var h = new BrokerHarness();
        QueueDescription q = h.Broker.CreateQueue(new QueueDescription { Name = "q", MaxDeliveryCount = 10 });
        h.Broker.UpdateQueue(q with { MaxDeliveryCount = 1, LockDuration = TimeSpan.FromSeconds(5) });
        await h.Send("q", "x");
        BrokerMessage m = Assert.Single(await h.Receive("q"));
        Assert.Equal(h.Clock.GetUtcNow() + TimeSpan.FromSeconds(5), m.Delivery.LockedUntil);
        await h.Broker.GetReceivable("q").AbandonAsync(m.Delivery.LockToken);
        Assert.Single(await h.Receive("q/$DeadLetterQueue"));
        h.Restart();
        Assert.Equal(1, h.Broker.GetQueue("q").MaxDeliveryCount);
        var ex = Assert.Throws<MessagingException>(() => h.Broker.UpdateQueue(q with { RequiresSession = true }));
        Assert.Equal(MessagingErrorCode.InvalidArgument, ex.Code);
    }

    [Fact]
    public async Task Every_lock_end_reports_how_long_the_lock_was_held()
    {
        using var h = new BrokerHarness();
        var held = new List<(string Path, TimeSpan Held)>();
        h.Broker.LockReleased += (path, time) => held.Add((path, time));
        h.Broker.CreateQueue(new QueueDescription { Name = "q", LockDuration = TimeSpan.FromSeconds(30) });
        await h.Send("q", "a");
        await h.Send("q", "b");
        Receivable r = h.Broker.GetReceivable("q");
        IReadOnlyList<BrokerMessage> got = await h.Receive("q");
        h.Clock.Advance(TimeSpan.FromSeconds(3));
        r.RenewLock(got[0].Delivery.LockToken); // a renewal is not an end
        await r.CompleteAsync(got[0].Delivery.LockToken);
        await h.Advance(TimeSpan.FromSeconds(40)); // the other lock expires
        Assert.Equal([("q", TimeSpan.FromSeconds(3)), ("q", TimeSpan.FromSeconds(43))], held);
    }
}
