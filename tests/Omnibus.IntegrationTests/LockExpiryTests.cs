using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;

namespace Omnibus.IntegrationTests;

/// <summary>
/// Lock expiry seen through the .NET SDK, with the broker on a fake clock: the lock ends when the
/// clock is advanced, not after waiting it out. The SDK keeps its own (real) timers; it does not
/// check a lock's expiry itself before settling, so the broker's answer is what it reports.
/// </summary>
public sealed class LockExpiryTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LockDuration = TimeSpan.FromSeconds(30);

    // Starts at the real time: the SDK's SAS tokens (valid an hour from the real time) are checked against it.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BrokerHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_lock_expired_on_the_broker_clock_fails_the_completion_with_lock_lost_and_the_message_comes_back_with_delivery_count_2()
    {
        string queue = _host.CreateQueue(change: q => q with { LockDuration = LockDuration });
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("expiring") { MessageId = "m-1" });

        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage first = await receiver.ReceiveMessageAsync(Wait);
        Assert.NotNull(first);
        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(_clock.GetUtcNow() + LockDuration, first.LockedUntil, TimeSpan.FromSeconds(1));

        // Past the lock on the broker's clock; the sweep (on the same clock) puts the message back.
        _clock.Advance(LockDuration + TimeSpan.FromSeconds(1));
        await _host.Broker.SweepAsync();

        ServiceBusException lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);

        ServiceBusReceivedMessage again = await receiver.ReceiveMessageAsync(Wait);
        Assert.NotNull(again);
        Assert.Equal("m-1", again.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        Assert.NotEqual(first.LockToken, again.LockToken);
        await receiver.CompleteMessageAsync(again);
        Assert.Null(await receiver.PeekMessageAsync());
    }

    [Fact]
    public async Task A_lock_renewed_before_it_expires_survives_the_advance_and_the_completion_succeeds()
    {
        string queue = _host.CreateQueue(change: q => q with { LockDuration = LockDuration });
        await using ServiceBusClient client = _host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("renewed"));

        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage message = await receiver.ReceiveMessageAsync(Wait);
        Assert.NotNull(message);

        _clock.Advance(LockDuration - TimeSpan.FromSeconds(5));
        await receiver.RenewMessageLockAsync(message);
        Assert.Equal(_clock.GetUtcNow() + LockDuration, message.LockedUntil, TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromSeconds(10)); // past the first lock, within the renewed one
        await _host.Broker.SweepAsync();
        await receiver.CompleteMessageAsync(message);
        Assert.Null(await receiver.PeekMessageAsync());
    }
}
