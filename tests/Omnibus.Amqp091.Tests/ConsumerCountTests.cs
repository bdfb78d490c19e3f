using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>Consumers counted across channels and connections: declare-ok's consumer count, and auto-delete queues.</summary>
public sealed class ConsumerCountTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = _broker.AmqpPort }.CreateConnectionAsync();

    private static async Task<bool> ExistsAsync(IConnection connection, string queue)
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
        Assert.True(await ExistsAsync(first, "fleeting"));
        // The last consumer's channel closes: the queue goes, though it was declared on another connection.
        await consuming.CloseAsync();
        await ExclusiveQueueTests.WaitUntilAsync(async () => !await ExistsAsync(first, "fleeting"));
    }

    [Fact]
    public async Task An_auto_delete_queue_that_never_had_a_consumer_stays()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("waiting", durable: false, exclusive: false, autoDelete: true);
        await channel.CloseAsync();

        Assert.True(await ExistsAsync(connection, "waiting"));
    }
}
