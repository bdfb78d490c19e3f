using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests;

public class QueueTests
{
    [Fact]
    public async Task Messages_are_received_in_order_with_broker_sequence_numbers_and_enqueued_time()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(i, await h.Send("orders", $"m{i}", id: $"id{i}"));
        }
        IReadOnlyList<BrokerMessage> got = await h.Receive("orders");
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], got.Select(BrokerHarness.Text));
        Assert.Equal([0L, 1, 2, 3, 4], got.Select(m => m.SequenceNumber));
        Assert.All(got, m => Assert.Equal(h.Clock.GetUtcNow(), m.EnqueuedTime));
        Assert.All(got, m => Assert.NotEqual(Guid.Empty, m.Delivery.LockToken));
        Assert.All(got, m => Assert.Equal(0, m.Delivery.DeliveryCount));
        Assert.All(got, m => Assert.Equal(h.Clock.GetUtcNow() + TimeSpan.FromSeconds(60), m.Delivery.LockedUntil));
    }

    [Fact]
    public async Task Properties_and_body_survive_storage_with_their_types()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        var props = new Dictionary<string, object?>
        {
            ["s"] = "text", ["i"] = 42, ["l"] = 42L, ["d"] = 1.5, ["b"] = true, ["g"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            ["t"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), ["ts"] = TimeSpan.FromMinutes(3), ["n"] = null, ["dec"] = 12.345m,
            ["bytes"] = new byte[] { 1, 2, 3 }, ["u8"] = (byte)7, ["c"] = 'x',
        };
        var m = BrokerHarness.Message("body", "mid", properties: props);
        m.CorrelationId = "corr";
        m.Subject = "subj";
        m.ContentType = "application/json";
        m.To = "to";
        m.ReplyTo = "reply";
        m.ReplyToSessionId = "rs";
        m.PartitionKey = "pk";
        m.TimeToLive = TimeSpan.FromHours(1);
        m.NativeFields["test:x-opt-custom"] = "annotated";
        m.NativeFields["test:body-kind"] = (byte)1;
        await h.Broker.SendAsync("q", [m]);
        h.Restart();
        BrokerMessage got = Assert.Single(await h.Receive("q"));
        Assert.Equal("body", BrokerHarness.Text(got));
        Assert.Equal((byte)1, got.NativeFields["test:body-kind"]);
        Assert.Equal(("mid", "corr", "subj", "application/json", "to", "reply", "rs", "pk"), (got.MessageId, got.CorrelationId, got.Subject, got.ContentType, got.To, got.ReplyTo, got.ReplyToSessionId, got.PartitionKey));
        Assert.Equal(TimeSpan.FromHours(1), got.TimeToLive);
        Assert.Equal("annotated", got.NativeFields["test:x-opt-custom"]);
        foreach (KeyValuePair<string, object?> kv in props)
        {
            Assert.Equal(kv.Value, got.ApplicationProperties[kv.Key]);
            Assert.Equal(kv.Value?.GetType(), got.ApplicationProperties[kv.Key]?.GetType());
        }
    }

    [Fact]
    public async Task A_locked_message_goes_to_one_receiver_only_and_completion_removes_it()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Send("q", "only");
        Receivable r = h.Broker.GetReceivable("q");
        BrokerMessage first = Assert.Single(await r.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        Assert.Empty(await r.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        await r.CompleteAsync(first.Delivery.LockToken);
        await h.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await r.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        var ex = await Assert.ThrowsAsync<MessagingException>(() => r.CompleteAsync(first.Delivery.LockToken));
        Assert.Equal(MessagingErrorCode.MessageLockLost, ex.Code);
        Assert.Equal(1, r.Counters.Completed);
    }

    [Fact]
    public async Task Receive_and_delete_removes_the_message_as_it_is_handed_out()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Send("q", "a");
        BrokerMessage m = Assert.Single(await h.Receive("q", mode: ReceiveMode.ReceiveAndDelete));
        Assert.Equal(Guid.Empty, m.Delivery.LockToken);
        h.Restart();
        Assert.Empty(await h.Receive("q"));
    }

    [Fact]
    public async Task Abandon_counts_an_attempt_applies_property_changes_and_redelivers()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Send("q", "a", properties: new Dictionary<string, object?> { ["k"] = "v0" });
        Receivable r = h.Broker.GetReceivable("q");
        BrokerMessage m = Assert.Single(await h.Receive("q"));
        await r.AbandonAsync(m.Delivery.LockToken, new Dictionary<string, object?> { ["k"] = "v1", ["reason"] = 7 });
        BrokerMessage again = Assert.Single(await h.Receive("q"));
        Assert.Equal(1, again.Delivery.DeliveryCount);
        Assert.Equal("v1", again.ApplicationProperties["k"]);
        Assert.Equal(7, again.ApplicationProperties["reason"]);
        await r.AbandonAsync(again.Delivery.LockToken);
        h.Restart();
        BrokerMessage afterRestart = Assert.Single(await h.Receive("q"));
        Assert.Equal(2, afterRestart.Delivery.DeliveryCount);
        Assert.Equal("v1", afterRestart.ApplicationProperties["k"]);
    }

    [Fact]
    public async Task Exceeding_max_delivery_count_dead_letters_with_the_service_bus_reason()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", MaxDeliveryCount = 3 });
        await h.Send("q", "poison");
        Receivable r = h.Broker.GetReceivable("q");
        for (int i = 0; i < 3; i++)
        {
            BrokerMessage m = Assert.Single(await h.Receive("q"));
            Assert.Equal(i, m.Delivery.DeliveryCount);
            await r.AbandonAsync(m.Delivery.LockToken);
        }
        Assert.Empty(await h.Receive("q"));
        BrokerMessage dead = Assert.Single(await h.Receive("q/$DeadLetterQueue"));
        Assert.Equal("poison", BrokerHarness.Text(dead));
        Assert.Equal("delivery-limit", dead.ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.Equal("q", dead.DeadLetterSource);
        Assert.Equal(1, h.Broker.GetQueueRuntimeInfo("q").DeadLetterMessageCount);
    }

    [Fact]
    public async Task Dead_lettering_keeps_reason_description_and_properties()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Send("q", "bad");
        BrokerMessage m = Assert.Single(await h.Receive("q"));
        await h.Broker.GetReceivable("q").DeadLetterAsync(m.Delivery.LockToken, "Invalid", "field x missing", new Dictionary<string, object?> { ["extra"] = 1 });
        h.Restart();
        BrokerMessage dead = Assert.Single(await h.Receive("q/$DeadLetterQueue"));
        Assert.Equal("Invalid", dead.ApplicationProperties[DeadLetterHeaders.Reason]);
        Assert.Equal("field x missing", dead.ApplicationProperties[DeadLetterHeaders.Description]);
        Assert.Equal(1, dead.ApplicationProperties["extra"]);
        Assert.Empty(await h.Receive("q"));
    }

    [Fact]
    public async Task Deferred_messages_are_received_only_by_sequence_number_and_peek_shows_their_state()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        long seq = await h.Send("q", "later");
        await h.Send("q", "now");
        Receivable r = h.Broker.GetReceivable("q");
        BrokerMessage first = (await h.Receive("q", 1))[0];
        await r.DeferAsync(first.Delivery.LockToken);
        BrokerMessage second = Assert.Single(await h.Receive("q"));
        Assert.Equal("now", BrokerHarness.Text(second));
        IReadOnlyList<BrokerMessage> peeked = r.Peek(0, 10);
        Assert.Equal([MessageState.Deferred, MessageState.Active], peeked.Select(p => p.Delivery.State));
        await r.CompleteAsync(second.Delivery.LockToken);
        h.Restart();
        r = h.Broker.GetReceivable("q");
        Assert.Empty(await h.Receive("q"));
        BrokerMessage deferred = Assert.Single(await r.ReceiveDeferredAsync([seq], ReceiveMode.PeekLock));
        Assert.Equal("later", BrokerHarness.Text(deferred));
        Assert.Equal(MessageState.Deferred, deferred.Delivery.State);
        await r.CompleteAsync(deferred.Delivery.LockToken);
        var ex = await Assert.ThrowsAsync<MessagingException>(() => r.ReceiveDeferredAsync([seq], ReceiveMode.PeekLock));
        Assert.Equal(MessagingErrorCode.MessageNotFound, ex.Code);
    }

    [Fact]
    public async Task An_expired_lock_makes_the_message_available_again_with_its_count_raised()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", LockDuration = TimeSpan.FromSeconds(30) });
        await h.Send("q", "a");
        Receivable r = h.Broker.GetReceivable("q");
        BrokerMessage m = Assert.Single(await h.Receive("q"));
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        DateTimeOffset renewed = r.RenewLock(m.Delivery.LockToken);
        Assert.Equal(h.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), renewed);
        await h.Advance(TimeSpan.FromSeconds(25));
        Assert.Empty(await h.Receive("q")); // the renewal kept it locked
        await h.Advance(TimeSpan.FromSeconds(10));
        var ex = await Assert.ThrowsAsync<MessagingException>(() => r.CompleteAsync(m.Delivery.LockToken));
        Assert.Equal(MessagingErrorCode.MessageLockLost, ex.Code);
        BrokerMessage again = Assert.Single(await h.Receive("q"));
        Assert.Equal(1, again.Delivery.DeliveryCount);
    }

    [Fact]
    public async Task A_message_locked_when_the_broker_stopped_comes_back_with_its_count_raised()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Send("q", "a");
        Assert.Single(await h.Receive("q"));
        h.Restart();
        BrokerMessage again = Assert.Single(await h.Receive("q"));
        Assert.Equal(1, again.Delivery.DeliveryCount);
    }

    [Fact]
    public async Task Expired_messages_are_never_delivered_and_dead_letter_when_configured()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "plain" });
        h.Broker.CreateQueue(new QueueDescription { Name = "dlq", DeadLetteringOnMessageExpiration = true, DefaultMessageTimeToLive = TimeSpan.FromMinutes(1) });
        var m = BrokerHarness.Message("short");
        m.TimeToLive = TimeSpan.FromSeconds(10);
        await h.Broker.SendAsync("plain", [m]);
        await h.Send("dlq", "default ttl");
        h.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await h.Receive("plain"));
        Assert.Empty(await h.Receive("dlq"));
        await h.Broker.SweepAsync();
        Assert.Empty(await h.Receive("plain/$DeadLetterQueue"));
        BrokerMessage dead = Assert.Single(await h.Receive("dlq/$DeadLetterQueue"));
        Assert.Equal("expired", dead.ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.Equal(1, h.Broker.GetReceivable("plain").Counters.Expired);
    }

    [Fact]
    public async Task Scheduled_messages_appear_at_their_time_survive_restart_and_can_be_cancelled()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        DateTimeOffset at = h.Clock.GetUtcNow().AddMinutes(10);
        long[] seqs = await h.Broker.ScheduleAsync("q", [BrokerHarness.Message("a"), BrokerHarness.Message("b")], at);
        Assert.Empty(await h.Receive("q"));
        Assert.Equal(2, h.Broker.GetQueueRuntimeInfo("q").ScheduledMessageCount);
        Assert.Equal([MessageState.Scheduled, MessageState.Scheduled], h.Broker.GetReceivable("q").Peek(0, 10).Select(m => m.Delivery.State));
        await h.Broker.CancelScheduledAsync("q", [seqs[1]]);
        h.Restart();
        await h.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(await h.Receive("q"));
        await h.Advance(TimeSpan.FromMinutes(2));
        BrokerMessage m = Assert.Single(await h.Receive("q"));
        Assert.Equal("a", BrokerHarness.Text(m));
        Assert.Equal(at, m.ScheduledEnqueueTime);
        var ex = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.CancelScheduledAsync("q", [seqs[1]]));
        Assert.Equal(MessagingErrorCode.MessageNotFound, ex.Code);
    }

    [Fact]
    public async Task Duplicate_message_ids_inside_the_window_are_accepted_but_stored_once_even_across_restart()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", RequiresDuplicateDetection = true, DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(1) });
        Assert.Equal(0, await h.Send("q", "a", id: "x"));
        Assert.Equal(-1, await h.Send("q", "a again", id: "x"));
        h.Restart();
        Assert.Equal(-1, await h.Send("q", "a after restart", id: "x"));
        await h.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await h.Send("q", "a after window", id: "x"));
        Assert.Equal(["a", "a after window"], (await h.Receive("q")).Select(BrokerHarness.Text));
    }

    [Fact]
    public async Task A_batch_is_atomic_one_bad_message_stores_none()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", MaxMessageSizeInKilobytes = 1 });
        var big = new BrokerMessage { Body = new byte[2000] };
        var ex = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.SendAsync("q", [BrokerHarness.Message("ok"), big]));
        Assert.Equal(MessagingErrorCode.MessageTooLarge, ex.Code);
        Assert.Empty(await h.Receive("q"));
        long[] seqs = await h.Broker.SendAsync("q", [BrokerHarness.Message("1"), BrokerHarness.Message("2"), BrokerHarness.Message("3")]);
        Assert.Equal([0L, 1, 2], seqs);
    }

    [Fact]
    public async Task Receive_waits_for_a_message_and_returns_empty_after_its_wait_time()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        Receivable r = h.Broker.GetReceivable("q");
        Assert.Empty(await r.ReceiveAsync(1, TimeSpan.FromMilliseconds(50), ReceiveMode.PeekLock));
        Task<IReadOnlyList<BrokerMessage>> waiting = r.ReceiveAsync(5, TimeSpan.FromSeconds(30), ReceiveMode.PeekLock);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        await h.Send("q", "arrived");
        BrokerMessage m = Assert.Single(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("arrived", BrokerHarness.Text(m));
    }

    [Fact]
    public async Task Auto_forward_moves_messages_to_the_target_and_dead_letters_to_their_forward_target()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "target" });
        h.Broker.CreateQueue(new QueueDescription { Name = "graveyard" });
        h.Broker.CreateQueue(new QueueDescription { Name = "entry", ForwardTo = "target" });
        h.Broker.CreateQueue(new QueueDescription { Name = "work", ForwardDeadLetteredMessagesTo = "graveyard" });
        await h.Send("entry", "forwarded");
        Assert.Empty(await h.Receive("entry"));
        Assert.Equal("forwarded", BrokerHarness.Text(Assert.Single(await h.Receive("target"))));
        Assert.Equal(1, h.Broker.GetReceivable("entry").Counters.Transferred);
        await h.Send("work", "doomed");
        BrokerMessage m = Assert.Single(await h.Receive("work"));
        await h.Broker.GetReceivable("work").DeadLetterAsync(m.Delivery.LockToken, "r", "d");
        Assert.Empty(await h.Receive("work/$DeadLetterQueue"));
        BrokerMessage moved = Assert.Single(await h.Receive("graveyard"));
        Assert.Equal("r", moved.ApplicationProperties[DeadLetterHeaders.Reason]);
    }

    [Fact]
    public async Task Runtime_info_counts_messages_by_state()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        for (int i = 0; i < 4; i++)
        {
            await h.Send("q", $"m{i}");
        }
        await h.Broker.ScheduleAsync("q", [BrokerHarness.Message("s")], h.Clock.GetUtcNow().AddHours(1));
        Receivable r = h.Broker.GetReceivable("q");
        IReadOnlyList<BrokerMessage> got = await h.Receive("q", 3);
        await r.DeferAsync(got[0].Delivery.LockToken);
        await r.DeadLetterAsync(got[1].Delivery.LockToken, null, null);
        EntityRuntimeInfo info = h.Broker.GetQueueRuntimeInfo("q");
        Assert.Equal((2L, 1L, 1L, 1L, 1L), (info.ActiveMessageCount, info.ScheduledMessageCount, info.DeferredMessageCount, info.DeadLetterMessageCount, info.LockedMessageCount));
        Assert.True(info.SizeInBytes > 0);
        Assert.Equal(5, r.Counters.Sent);
        Assert.Equal(3, r.Counters.Received);
    }
}
