using Microsoft.Extensions.Time.Testing;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>x-expires through RabbitMQ.Client, on the broker's fake clock.</summary>
public sealed class QueueExpiryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync(o => o.TimeProvider = _clock);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = _broker.AmqpPort }.CreateConnectionAsync();

    private static Dictionary<string, object?> Expires(int ms) => new() { ["x-expires"] = ms };

    private async Task AdvanceAsync(TimeSpan by)
    {
        _clock.Advance(by);
        await _broker.Broker.SweepAsync();
    }

    private async Task<bool> ExistsAsync(IConnection connection, string queue)
    {
        await using IChannel probe = await connection.CreateChannelAsync();
        try
        {
            await probe.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_queue_unused_for_its_x_expires_is_deleted()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("expiring", durable: true, exclusive: false, autoDelete: false, Expires(60_000));
        await channel.QueueDeclareAsync("lasting", durable: true, exclusive: false, autoDelete: false);

        await AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.True(await ExistsAsync(connection, "expiring"));
        await AdvanceAsync(TimeSpan.FromSeconds(31));
        Assert.False(await ExistsAsync(connection, "expiring"));
        Assert.True(await ExistsAsync(connection, "lasting"));
    }

    [Fact]
    public async Task A_queue_with_a_consumer_does_not_expire_and_its_time_starts_when_the_consumer_leaves()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("watched", durable: true, exclusive: false, autoDelete: false, Expires(60_000));
        string tag = await channel.BasicConsumeAsync("watched", autoAck: false, new AsyncEventingBasicConsumer(channel));

        await AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.True(await ExistsAsync(connection, "watched"));

        await channel.BasicCancelAsync(tag);
        await AdvanceAsync(TimeSpan.FromSeconds(50));
        Assert.True(await ExistsAsync(connection, "watched"));
        await AdvanceAsync(TimeSpan.FromSeconds(11));
        Assert.False(await ExistsAsync(connection, "watched"));
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
