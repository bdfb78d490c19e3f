using Microsoft.Extensions.Time.Testing;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>The delayed-message exchange (x-delayed-message with x-delayed-type, x-delay per message) through RabbitMQ.Client, on a fake clock.</summary>
public sealed class DelayedExchangeTests : RabbitBrokerTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private protected override TimeProvider Clock => _clock;

    private static BasicProperties Delay(int ms) => new() { Headers = new Dictionary<string, object?> { ["x-delay"] = ms } };

    private async Task<string?> GetAsync(IChannel channel)
    {
        await Broker.Broker.SweepAsync();
        BasicGetResult? got = await channel.BasicGetAsync("later", autoAck: true);
        return got is null ? null : System.Text.Encoding.UTF8.GetString(got.Body.Span);
    }

    [Fact]
    public async Task A_message_with_x_delay_reaches_its_queue_once_the_delay_is_over()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync("delayed", "x-delayed-message", durable: true, autoDelete: false, new Dictionary<string, object?> { ["x-delayed-type"] = "direct" });
        await channel.QueueDeclareAsync("later", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("later", "delayed", "k");

        await channel.BasicPublishAsync("delayed", "k", mandatory: false, Delay(5_000), "in five seconds"u8.ToArray());
        await channel.BasicPublishAsync("delayed", "k", mandatory: false, new BasicProperties(), "now"u8.ToArray());

        Assert.Equal("now", await GetAsync(channel));
        Assert.Null(await GetAsync(channel));
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await GetAsync(channel));
        _clock.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal("in five seconds", await GetAsync(channel));

        // Redeclaring as the same delayed type is equivalent; the management-visible type stays the plugin's.
        await channel.ExchangeDeclareAsync("delayed", "x-delayed-message", durable: true, autoDelete: false, new Dictionary<string, object?> { ["x-delayed-type"] = "direct" });
    }

    [Fact]
    public async Task X_delay_on_an_ordinary_exchange_delays_nothing()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync("plain", "direct", durable: true, autoDelete: false);
        await channel.QueueDeclareAsync("later", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("later", "plain", "k");

        await channel.BasicPublishAsync("plain", "k", mandatory: false, Delay(5_000), "now"u8.ToArray());
        Assert.Equal("now", await GetAsync(channel));
    }

    [Fact]
    public async Task A_delayed_exchange_without_a_valid_x_delayed_type_is_refused()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();

        OperationInterruptedException e = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() =>
            channel.ExchangeDeclareAsync("delayed", "x-delayed-message", durable: true, autoDelete: false));
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
        Assert.True(connection.IsOpen);
    }
}
