using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>Consumers counted across channels and connections: declare-ok's consumer count, and auto-delete queues.</summary>
public sealed class ConsumerCountTests : RabbitBrokerTest
{
    [Fact]
    public async Task Declare_ok_counts_the_consumers_of_every_channel_and_connection()
    {
        await using IConnection first = await ConnectAsync();
        await using IChannel a = await first.CreateChannelAsync();
        await using IChannel b = await first.CreateChannelAsync();
        await using IConnection second = await ConnectAsync();
        await using IChannel c = await second.CreateChannelAsync();
        await a.QueueDeclareAsync("counted", durable: true, exclusive: false, autoDelete: false);
        await a.BasicConsumeAsync("counted", autoAck: true, new AsyncEventingBasicConsumer(a));
        await b.BasicConsumeAsync("counted", autoAck: true, new AsyncEventingBasicConsumer(b));
        string tag = await c.BasicConsumeAsync("counted", autoAck: true, new AsyncEventingBasicConsumer(c));

        Assert.Equal(3u, (await c.QueueDeclarePassiveAsync("counted")).ConsumerCount);
        await c.BasicCancelAsync(tag);
        Assert.Equal(2u, (await c.QueueDeclareAsync("counted", durable: true, exclusive: false, autoDelete: false)).ConsumerCount);
    }

    [Fact]
    public async Task An_auto_delete_queue_goes_when_its_last_consumer_anywhere_goes()
    {
        await using IConnection first = await ConnectAsync();
        await using IChannel declaring = await first.CreateChannelAsync();
        await declaring.QueueDeclareAsync("fleeting", durable: false, exclusive: false, autoDelete: true);
        await using IConnection second = await ConnectAsync();
        IChannel consuming = await second.CreateChannelAsync();
        await using IChannel other = await second.CreateChannelAsync();
        string tag = await other.BasicConsumeAsync("fleeting", autoAck: true, new AsyncEventingBasicConsumer(other));
        await consuming.BasicConsumeAsync("fleeting", autoAck: true, new AsyncEventingBasicConsumer(consuming));

        await other.BasicCancelAsync(tag);
        Assert.True(await QueueExistsAsync(first, "fleeting"));
        // The last consumer's channel closes: the queue goes, though it was declared on another connection.
        await consuming.CloseAsync();
        await ExclusiveQueueTests.WaitUntilAsync(async () => !await QueueExistsAsync(first, "fleeting"));
    }

    [Fact]
    public async Task An_auto_delete_queue_that_never_had_a_consumer_stays()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("waiting", durable: false, exclusive: false, autoDelete: true);
        await channel.CloseAsync();

        Assert.True(await QueueExistsAsync(connection, "waiting"));
    }
}
