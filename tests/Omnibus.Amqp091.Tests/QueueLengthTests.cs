using System.Text;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>x-max-length, x-max-length-bytes and x-overflow through RabbitMQ.Client.</summary>
public sealed class QueueLengthTests : RabbitBrokerTest
{
    private static async Task<List<string>> DrainAsync(IChannel channel, string queue)
    {
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
        {
            bodies.Add(Encoding.UTF8.GetString(got.Body.Span));
        }
        return bodies;
    }

    private static async Task PublishAsync(IChannel channel, string queue, string body) =>
        await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task A_queue_at_its_max_length_drops_the_oldest_to_its_dead_letter_exchange_with_reason_maxlen()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync("overflow-dlx", ExchangeType.Fanout);
        await channel.QueueDeclareAsync("overflowed", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("overflowed", "overflow-dlx", "");
        await channel.QueueDeclareAsync("latest", durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-max-length"] = 2, ["x-dead-letter-exchange"] = "overflow-dlx" });

        foreach (string body in new[] { "1", "2", "3" })
        {
            await PublishAsync(channel, "latest", body);
        }

        Assert.Equal(["2", "3"], await DrainAsync(channel, "latest"));
        BasicGetResult dead = (await channel.BasicGetAsync("overflowed", autoAck: true))!;
        Assert.Equal("1", Encoding.UTF8.GetString(dead.Body.Span));
        var death = (Dictionary<string, object?>)((List<object?>)dead.BasicProperties.Headers!["x-death"]!)[0]!;
        Assert.Equal("maxlen", Encoding.UTF8.GetString((byte[])death["reason"]!));
    }

    [Fact]
    public async Task A_reject_publish_queue_nacks_the_publish_beyond_its_length_and_keeps_the_rest()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("bounded", durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-max-length"] = 1, ["x-overflow"] = "reject-publish" });
        await PublishAsync(channel, "bounded", "first");

        await Assert.ThrowsAsync<PublishException>(() => PublishAsync(channel, "bounded", "second"));

        Assert.Equal(["first"], await DrainAsync(channel, "bounded"));
        await PublishAsync(channel, "bounded", "third");
        Assert.Equal(["third"], await DrainAsync(channel, "bounded"));
    }

    [Fact]
    public async Task A_byte_limit_keeps_the_newest_messages_that_fit()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        // The limit counts stored bytes (body and headers): 1,000-byte bodies, room for two and a half.
        await channel.QueueDeclareAsync("sized", durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-max-length-bytes"] = 2600 });

        foreach (char c in "abcd")
        {
            await PublishAsync(channel, "sized", new string(c, 1000));
        }

        Assert.Equal([new string('c', 1000), new string('d', 1000)], await DrainAsync(channel, "sized"));
    }

    [Fact]
    public async Task A_redeclare_with_another_length_or_overflow_is_precondition_failed()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel channel = await connection.CreateChannelAsync();
        var args = new Dictionary<string, object?> { ["x-max-length"] = 10, ["x-overflow"] = "reject-publish-dlx" };
        await channel.QueueDeclareAsync("limited", durable: true, exclusive: false, autoDelete: false, args);
        await channel.QueueDeclareAsync("limited", durable: true, exclusive: false, autoDelete: false, args);

        var e = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
            channel.QueueDeclareAsync("limited", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-length"] = 20 }));
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
        Assert.Contains("x-max-length", e.ShutdownReason.ReplyText, StringComparison.Ordinal);

        channel = await connection.CreateChannelAsync();
        e = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
            channel.QueueDeclareAsync("bad-overflow", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-overflow"] = "sideways" }));
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
    }
}
