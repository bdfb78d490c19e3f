using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests;

public class SessionTests
{
    private static BrokerHarness WithSessionQueue()
    {
        var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "s", RequiresSession = true, LockDuration = TimeSpan.FromSeconds(30) });
        return h;
    }

    [Fact]
    public async Task A_session_delivers_its_messages_in_order_to_its_one_lock_holder()
    {
        using BrokerHarness h = WithSessionQueue();
        for (int i = 0; i < 3; i++)
        {
            await h.Send("s", $"a{i}", session: "A");
            await h.Send("s", $"b{i}", session: "B");
        }
        Receivable r = h.Broker.GetReceivable("s");
        SessionLock a = await r.AcceptSessionAsync("A", TimeSpan.Zero);
        var again = await Assert.ThrowsAsync<MessagingException>(() => r.AcceptSessionAsync("A", TimeSpan.Zero));
        Assert.Equal(MessagingErrorCode.SessionCannotBeLocked, again.Code);
        IReadOnlyList<BrokerMessage> got = await r.ReceiveAsync(a, 10, TimeSpan.Zero, ReceiveMode.PeekLock);
        Assert.Equal(["a0", "a1", "a2"], got.Select(BrokerHarness.Text));
        SessionLock next = await r.AcceptSessionAsync(null, TimeSpan.Zero);
        Assert.Equal("B", next.SessionId);
        Assert.Equal(["b0", "b1", "b2"], (await r.ReceiveAsync(next, 10, TimeSpan.Zero, ReceiveMode.PeekLock)).Select(BrokerHarness.Text));
        var none = await Assert.ThrowsAsync<MessagingException>(() => r.AcceptSessionAsync(null, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(MessagingErrorCode.Timeout, none.Code);
    }

    [Fact]
    public async Task Receiving_without_a_session_from_a_session_queue_is_refused()
    {
        using BrokerHarness h = WithSessionQueue();
        var ex = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.GetReceivable("s").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        Assert.Equal(MessagingErrorCode.InvalidOperation, ex.Code);
    }

    [Fact]
    public async Task Session_state_is_kept_across_restarts()
    {
        using BrokerHarness h = WithSessionQueue();
        Receivable r = h.Broker.GetReceivable("s");
        SessionLock a = await r.AcceptSessionAsync("A", TimeSpan.Zero);
        Assert.Null(r.GetSessionState(a));
        await r.SetSessionStateAsync(a, [1, 2, 3]);
        h.Restart();
        r = h.Broker.GetReceivable("s");
        a = await r.AcceptSessionAsync("A", TimeSpan.Zero);
        Assert.Equal(new byte[] { 1, 2, 3 }, r.GetSessionState(a));
        Assert.Contains("A", r.ListSessions());
        await r.SetSessionStateAsync(a, null);
        Assert.Null(r.GetSessionState(a));
    }

    [Fact]
    public async Task A_session_lock_expires_unless_renewed_and_then_another_receiver_can_take_it()
    {
        using BrokerHarness h = WithSessionQueue();
        await h.Send("s", "x", session: "A");
        Receivable r = h.Broker.GetReceivable("s");
        SessionLock a = await r.AcceptSessionAsync("A", TimeSpan.Zero);
        BrokerMessage m = Assert.Single(await r.ReceiveAsync(a, 1, TimeSpan.Zero, ReceiveMode.PeekLock));
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        r.RenewSessionLock(a);
        r.RenewLock(m.Delivery.LockToken);
        await h.Advance(TimeSpan.FromSeconds(20));
        await r.AbandonAsync(m.Delivery.LockToken);
        await h.Advance(TimeSpan.FromSeconds(31));
        var lost = Assert.Throws<MessagingException>(() => r.RenewSessionLock(a));
        Assert.Equal(MessagingErrorCode.SessionLockLost, lost.Code);
        SessionLock b = await r.AcceptSessionAsync(null, TimeSpan.Zero);
        Assert.Equal("A", b.SessionId);
        BrokerMessage again = Assert.Single(await r.ReceiveAsync(b, 1, TimeSpan.Zero, ReceiveMode.PeekLock));
        Assert.Equal(1, again.Delivery.DeliveryCount);
    }

    [Fact]
    public async Task Settling_after_losing_the_session_lock_fails_with_session_lock_lost()
    {
        using BrokerHarness h = WithSessionQueue();
        await h.Send("s", "x", session: "A");
        Receivable r = h.Broker.GetReceivable("s");
        SessionLock a = await r.AcceptSessionAsync("A", TimeSpan.Zero);
        BrokerMessage m = Assert.Single(await r.ReceiveAsync(a, 1, TimeSpan.Zero, ReceiveMode.PeekLock));
        r.ReleaseSession(a);
        var ex = await Assert.ThrowsAsync<MessagingException>(() => r.CompleteAsync(m.Delivery.LockToken));
        Assert.Equal(MessagingErrorCode.SessionLockLost, ex.Code);
    }

    [Fact]
    public async Task Waiting_for_the_next_session_returns_when_one_gets_a_message()
    {
        using BrokerHarness h = WithSessionQueue();
        Receivable r = h.Broker.GetReceivable("s");
        Task<SessionLock> waiting = r.AcceptSessionAsync(null, TimeSpan.FromSeconds(30));
        await Task.Delay(30);
        Assert.False(waiting.IsCompleted);
        await h.Send("s", "hello", session: "late");
        SessionLock got = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("late", got.SessionId);
    }
}
