using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;

namespace Omnibus.IntegrationTests;

/// <summary>
/// Settlements whose outcome applications can tell from Service Bus's: deferred messages, dead letters
/// and session locks, with the broker on a fake clock so a lock ends when the clock is advanced.
/// </summary>
public sealed class SettlementAsServiceBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LockDuration = TimeSpan.FromSeconds(30);

    // Starts at the real time: the SDK's SAS tokens (valid an hour from the real time) are checked against it.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BrokerHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Abandoning_a_deferred_message_leaves_it_deferred()
    {
        string queue = _host.CreateQueue();
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("later"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        await receiver.DeferMessageAsync(received);

        ServiceBusReceivedMessage deferred = await receiver.ReceiveDeferredMessageAsync(received.SequenceNumber);
        await receiver.AbandonMessageAsync(deferred);

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        ServiceBusReceivedMessage peeked = await receiver.PeekMessageAsync(received.SequenceNumber);
        Assert.Equal(ServiceBusMessageState.Deferred, peeked.State);
        ServiceBusReceivedMessage again = await receiver.ReceiveDeferredMessageAsync(received.SequenceNumber);
        Assert.Equal("later", again.Body.ToString());
        await receiver.CompleteMessageAsync(again);
        Assert.Null(await receiver.PeekMessageAsync());
    }

    [Fact]
    public async Task A_deferred_message_whose_lock_expires_stays_deferred()
    {
        string queue = _host.CreateQueue(change: q => q with { LockDuration = LockDuration });
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("later"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        await receiver.DeferMessageAsync(received);
        await receiver.ReceiveDeferredMessageAsync(received.SequenceNumber);

        _clock.Advance(LockDuration + TimeSpan.FromSeconds(1));
        await _host.Broker.SweepAsync();

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(ServiceBusMessageState.Deferred, (await receiver.PeekMessageAsync(received.SequenceNumber)).State);
        Assert.NotNull(await receiver.ReceiveDeferredMessageAsync(received.SequenceNumber));
    }

    [Fact]
    public async Task An_expired_session_lock_fails_the_settlement_with_session_lock_lost()
    {
        string queue = _host.CreateQueue(change: q => q with { RequiresSession = true, LockDuration = LockDuration });
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessagesAsync([new ServiceBusMessage("one") { SessionId = "s" }, new ServiceBusMessage("two") { SessionId = "s" }]);
        await using ServiceBusSessionReceiver receiver = await client.AcceptSessionAsync(queue, "s");
        ServiceBusReceivedMessage one = await receiver.ReceiveMessageAsync(Wait);
        ServiceBusReceivedMessage two = await receiver.ReceiveMessageAsync(Wait);

        _clock.Advance(LockDuration + TimeSpan.FromSeconds(1));
        await _host.Broker.SweepAsync();

        ServiceBusException complete = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(one));
        ServiceBusException abandon = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.AbandonMessageAsync(two));
        Assert.Equal(ServiceBusFailureReason.SessionLockLost, complete.Reason);
        Assert.Equal(ServiceBusFailureReason.SessionLockLost, abandon.Reason);
    }

    [Fact]
    public async Task Dead_lettering_a_dead_letter_fails_and_the_message_is_delivered_again_once_its_lock_expires()
    {
        string queue = _host.CreateQueue(change: q => q with { LockDuration = LockDuration });
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("dead") { MessageId = "d-1" });
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        await receiver.DeadLetterMessageAsync(await receiver.ReceiveMessageAsync(Wait), "first", "first time");

        await using ServiceBusReceiver dlq = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        ServiceBusReceivedMessage dead = await dlq.ReceiveMessageAsync(Wait);
        Assert.Equal(_clock.GetUtcNow() + LockDuration, dead.LockedUntil, TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<Exception>(() => dlq.DeadLetterMessageAsync(dead, "second", "second time"));
        // The dead-letter queue locks for its entity's lock duration.
        _clock.Advance(LockDuration + TimeSpan.FromSeconds(1));
        await _host.Broker.SweepAsync();

        await using ServiceBusReceiver another = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        ServiceBusReceivedMessage again = await another.ReceiveMessageAsync(Wait);
        Assert.NotNull(again);
        Assert.Equal("d-1", again.MessageId);
        Assert.Equal("first", again.DeadLetterReason);
        await another.CompleteMessageAsync(again);
    }

    [Fact]
    public async Task A_dead_lettered_message_keeps_the_delivery_count_it_had()
    {
        string queue = _host.CreateQueue();
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("tried"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        await receiver.AbandonMessageAsync(await receiver.ReceiveMessageAsync(Wait));
        await receiver.AbandonMessageAsync(await receiver.ReceiveMessageAsync(Wait));
        ServiceBusReceivedMessage third = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal(3, third.DeliveryCount);
        await receiver.DeadLetterMessageAsync(third);

        await using ServiceBusReceiver dlq = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        ServiceBusReceivedMessage peeked = await dlq.PeekMessageAsync();
        Assert.Equal(3, peeked.DeliveryCount);
    }

    [Fact]
    public async Task A_scheduled_message_is_scheduled_while_it_waits_then_active_and_enqueued_when_it_became_available()
    {
        string queue = _host.CreateQueue();
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        DateTimeOffset due = _clock.GetUtcNow() + TimeSpan.FromMinutes(5);
        long sequence = await sender.ScheduleMessageAsync(new ServiceBusMessage("later"), due);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);

        ServiceBusReceivedMessage waiting = await receiver.PeekMessageAsync(sequence);
        Assert.Equal(ServiceBusMessageState.Scheduled, waiting.State);
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await _host.Broker.SweepAsync();

        ServiceBusReceivedMessage available = await receiver.PeekMessageAsync(sequence);
        Assert.Equal(ServiceBusMessageState.Active, available.State);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal(ServiceBusMessageState.Active, received.State);
        Assert.Equal(due, received.EnqueuedTime, TimeSpan.FromSeconds(1));
        Assert.Equal(due, received.ScheduledEnqueueTime, TimeSpan.FromSeconds(1));
    }
}
