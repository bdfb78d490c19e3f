using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using static Omnibus.Core.Tests.BrokerHarness;

namespace Omnibus.Core.Tests;

/// <summary>Competing consumption with a visibility chosen per receive, changed by lock token, and requeue to head or tail.</summary>
public sealed class VisibilityAndRequeueTests : IDisposable
{
    private readonly BrokerHarness _h = new();

    public VisibilityAndRequeueTests() => _h.Broker.CreateQueue(new QueueDescription { Name = "q", LockDuration = TimeSpan.FromSeconds(30) });

    public void Dispose() => _h.Dispose();

    private Receivable Q => _h.Broker.GetReceivable("q");

    private Task<IReadOnlyList<BrokerMessage>> ReceiveWith(TimeSpan? visibility, int max = 10) =>
        Q.ReceiveAsync(max, TimeSpan.Zero, new ReceiveOptions { Visibility = visibility });

    [Fact]
    public async Task A_receive_chooses_its_own_visibility_instead_of_the_lock_duration()
    {
        await _h.Send("q", "a");
        BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromMinutes(10)));
        Assert.Equal(_h.Clock.GetUtcNow() + TimeSpan.FromMinutes(10), m.Delivery.LockedUntil);
        await _h.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await ReceiveWith(null));
        await _h.Advance(TimeSpan.FromMinutes(6));
        BrokerMessage again = Assert.Single(await ReceiveWith(null));
        Assert.Equal(_h.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), again.Delivery.LockedUntil);
        Assert.Equal(1, again.Delivery.DeliveryCount);
    }

    [Fact]
    public async Task A_short_visibility_returns_the_message_before_the_lock_duration()
    {
        await _h.Send("q", "a");
        await ReceiveWith(TimeSpan.FromSeconds(2));
        await _h.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("a", Text(Assert.Single(await ReceiveWith(null))));
    }

    [Fact]
    public async Task A_visibility_outside_zero_to_twelve_hours_is_refused()
    {
        await _h.Send("q", "a");
        var tooLong = await Assert.ThrowsAsync<MessagingException>(() => ReceiveWith(TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1)));
        Assert.Equal(MessagingErrorCode.InvalidArgument, tooLong.Code);
        var negative = await Assert.ThrowsAsync<MessagingException>(() => ReceiveWith(TimeSpan.FromSeconds(-1)));
        Assert.Equal(MessagingErrorCode.InvalidArgument, negative.Code);
        Assert.Single(await ReceiveWith(TimeSpan.FromHours(12)));
    }

    [Fact]
    public async Task Changing_visibility_extends_the_lock_past_its_first_end()
    {
        await _h.Send("q", "a");
        BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromSeconds(10)));
        await _h.Advance(TimeSpan.FromSeconds(8));
        DateTimeOffset until = await Q.ChangeVisibilityAsync(m.Delivery.LockToken, TimeSpan.FromMinutes(1));
        Assert.Equal(_h.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), until);
        await _h.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await ReceiveWith(null));
        await Q.CompleteAsync(m.Delivery.LockToken);
        await _h.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await ReceiveWith(null));
    }

    [Fact]
    public async Task Changing_visibility_can_shorten_the_lock()
    {
        await _h.Send("q", "a");
        BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromHours(1)));
        await Q.ChangeVisibilityAsync(m.Delivery.LockToken, TimeSpan.FromSeconds(5));
        await _h.Advance(TimeSpan.FromSeconds(6));
        Assert.Single(await ReceiveWith(null));
    }

    [Fact]
    public async Task Changing_visibility_to_zero_makes_the_message_available_at_once()
    {
        await _h.Send("q", "a");
        BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromMinutes(5)));
        await Q.ChangeVisibilityAsync(m.Delivery.LockToken, TimeSpan.Zero);
        BrokerMessage again = Assert.Single(await ReceiveWith(null));
        Assert.NotEqual(m.Delivery.LockToken, again.Delivery.LockToken);
        Assert.Equal(1, again.Delivery.DeliveryCount);
        var stale = await Assert.ThrowsAsync<MessagingException>(() => Q.CompleteAsync(m.Delivery.LockToken));
        Assert.Equal(MessagingErrorCode.MessageLockLost, stale.Code);
    }

    [Fact]
    public async Task Changing_visibility_beyond_twelve_hours_after_the_receive_is_refused_and_changes_nothing()
    {
        await _h.Send("q", "a");
        BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromHours(6)));
        await _h.Advance(TimeSpan.FromHours(5));
        var refused = await Assert.ThrowsAsync<MessagingException>(() => Q.ChangeVisibilityAsync(m.Delivery.LockToken, TimeSpan.FromHours(8)));
        Assert.Equal(MessagingErrorCode.InvalidArgument, refused.Code);
        DateTimeOffset until = await Q.ChangeVisibilityAsync(m.Delivery.LockToken, TimeSpan.FromHours(7));
        Assert.Equal(m.Delivery.LockedUntil + TimeSpan.FromHours(6), until);
    }

    [Fact]
    public async Task Changing_visibility_of_an_expired_or_unknown_receipt_is_a_lock_lost_error()
    {
        await _h.Send("q", "a");
        BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromSeconds(5)));
        await _h.Advance(TimeSpan.FromSeconds(6));
        var expired = await Assert.ThrowsAsync<MessagingException>(() => Q.ChangeVisibilityAsync(m.Delivery.LockToken, TimeSpan.FromSeconds(30)));
        Assert.Equal(MessagingErrorCode.MessageLockLost, expired.Code);
        var unknown = await Assert.ThrowsAsync<MessagingException>(() => Q.ChangeVisibilityAsync(Guid.NewGuid(), TimeSpan.FromSeconds(30)));
        Assert.Equal(MessagingErrorCode.MessageLockLost, unknown.Code);
    }

    [Fact]
    public async Task Renewing_a_lock_taken_with_a_chosen_visibility_extends_it_by_the_lock_duration()
    {
        await _h.Send("q", "a");
        BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromSeconds(5)));
        DateTimeOffset until = Q.RenewLock(m.Delivery.LockToken);
        Assert.Equal(_h.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), until);
    }

    [Fact]
    public async Task Each_delivery_has_its_own_receipt_and_counts_one_attempt()
    {
        await _h.Send("q", "a");
        var tokens = new HashSet<Guid>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            BrokerMessage m = Assert.Single(await ReceiveWith(TimeSpan.FromSeconds(1)));
            Assert.Equal(attempt, m.Delivery.DeliveryCount);
            Assert.True(tokens.Add(m.Delivery.LockToken));
            await _h.Advance(TimeSpan.FromSeconds(2));
        }
        _h.Restart();
        Assert.Equal(3, Assert.Single(await ReceiveWith(null)).Delivery.DeliveryCount);
    }

    [Fact]
    public async Task Requeue_to_the_head_keeps_the_message_ahead_of_later_ones()
    {
        await _h.Send("q", "a");
        await _h.Send("q", "b");
        BrokerMessage a = Assert.Single(await ReceiveWith(null, 1));
        await Q.RequeueAsync(a.Delivery.LockToken, RequeuePosition.Head);
        var next = await ReceiveWith(null);
        Assert.Equal(["a", "b"], next.Select(Text));
        Assert.Equal(a.SequenceNumber, next[0].SequenceNumber);
        Assert.Equal(1, next[0].Delivery.DeliveryCount);
    }

    [Fact]
    public async Task Requeue_to_the_tail_re_appends_the_message_behind_later_ones_with_its_count_and_changes()
    {
        await _h.Send("q", "a", properties: new Dictionary<string, object?> { ["k"] = 1 });
        await _h.Send("q", "b");
        BrokerMessage a = Assert.Single(await ReceiveWith(null, 1));
        await Q.AbandonAsync(a.Delivery.LockToken, new Dictionary<string, object?> { ["k"] = 2 });
        a = Assert.Single(await ReceiveWith(null, 1));
        await Q.RequeueAsync(a.Delivery.LockToken, RequeuePosition.Tail);
        var next = await ReceiveWith(null);
        Assert.Equal(["b", "a"], next.Select(Text));
        Assert.True(next[1].SequenceNumber > next[0].SequenceNumber);
        Assert.Equal(2, next[1].Delivery.DeliveryCount);
        Assert.Equal(2, next[1].ApplicationProperties["k"]);
        Assert.Equal(a.MessageId, next[1].MessageId);
        var stale = await Assert.ThrowsAsync<MessagingException>(() => Q.CompleteAsync(a.Delivery.LockToken));
        Assert.Equal(MessagingErrorCode.MessageLockLost, stale.Code);
    }

    [Fact]
    public async Task A_message_requeued_to_the_tail_is_stored_once_after_a_restart_with_its_count()
    {
        await _h.Send("q", "a");
        await _h.Send("q", "b");
        BrokerMessage a = Assert.Single(await ReceiveWith(null, 1));
        await Q.RequeueAsync(a.Delivery.LockToken, RequeuePosition.Tail);
        _h.Restart();
        var all = await ReceiveWith(null);
        Assert.Equal(["b", "a"], all.Select(Text));
        Assert.Equal(1, all[1].Delivery.DeliveryCount);
    }

    [Fact]
    public async Task Requeue_to_the_tail_is_refused_in_a_subscription()
    {
        _h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        _h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        await _h.Send("t", "a");
        Receivable s = _h.Broker.GetReceivable("t", "s");
        BrokerMessage m = Assert.Single(await s.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        var refused = await Assert.ThrowsAsync<MessagingException>(() => s.RequeueAsync(m.Delivery.LockToken, RequeuePosition.Tail));
        Assert.Equal(MessagingErrorCode.InvalidOperation, refused.Code);
        await s.RequeueAsync(m.Delivery.LockToken, RequeuePosition.Head);
        Assert.Single(await s.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
    }
}
