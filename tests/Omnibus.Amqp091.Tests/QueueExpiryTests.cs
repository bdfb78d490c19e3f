using Microsoft.Extensions.Time.Testing;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>x-expires through RabbitMQ.Client, on the broker's fake clock.</summary>
public sealed class QueueExpiryTests : RabbitBrokerTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private protected override TimeProvider Clock => _clock;

    private static Dictionary<string, object?> Expires(int ms) => new() { ["x-expires"] = ms };

    private async Task AdvanceAsync(TimeSpan by)
    {
        _clock.Advance(by);
        await Broker.Broker.SweepAsync();
    }

    [Fact]
    public async Task A_queue_unused_for_its_x_expires_is_deleted()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("expiring", durable: true, exclusive: false, autoDelete: false, Expires(60_000));
        await channel.QueueDeclareAsync("lasting", durable: true, exclusive: false, autoDelete: false);

        await AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.True(await QueueExistsAsync(connection, "expiring"));
        await AdvanceAsync(TimeSpan.FromSeconds(31));
        Assert.False(await QueueExistsAsync(connection, "expiring"));
        Assert.True(await QueueExistsAsync(connection, "lasting"));
    }

    [Fact]
    public async Task A_queue_with_a_consumer_does_not_expire_and_its_time_starts_when_the_consumer_leaves()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("watched", durable: true, exclusive: false, autoDelete: false, Expires(60_000));
        string tag = await channel.BasicConsumeAsync("watched", autoAck: false, new AsyncEventingBasicConsumer(channel));

        await AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.True(await QueueExistsAsync(connection, "watched"));

        await channel.BasicCancelAsync(tag);
        await AdvanceAsync(TimeSpan.FromSeconds(50));
        Assert.True(await QueueExistsAsync(connection, "watched"));
        await AdvanceAsync(TimeSpan.FromSeconds(11));
        Assert.False(await QueueExistsAsync(connection, "watched"));
    }

    [Fact]
    public async Task An_x_expires_of_zero_is_refused_and_a_redeclare_with_another_value_is_inequivalent()
    {
        await using IConnection connection = await ConnectAsync();
        await using (IChannel channel = await connection.CreateChannelAsync())
        {
            var zero = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclareAsync("never", durable: true, exclusive: false, autoDelete: false, Expires(0)));
            Assert.Equal(406, zero.ShutdownReason!.ReplyCode);
        }
        await using IChannel second = await connection.CreateChannelAsync();
        await second.QueueDeclareAsync("timed", durable: true, exclusive: false, autoDelete: false, Expires(60_000));
        var other = await Assert.ThrowsAsync<OperationInterruptedException>(() => second.QueueDeclareAsync("timed", durable: true, exclusive: false, autoDelete: false, Expires(30_000)));
        Assert.Equal(406, other.ShutdownReason!.ReplyCode);
        Assert.Contains("x-expires", other.ShutdownReason.ReplyText, StringComparison.Ordinal);
    }
}
