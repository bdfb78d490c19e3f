using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>Exclusive queues and exclusive consumers, locked across connections, through RabbitMQ.Client.</summary>
public sealed class ExclusiveQueueTests : RabbitBrokerTest
{
    private const string LockedText = "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'mine' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.";
    private static async Task<ShutdownEventArgs> ChannelErrorAsync(IConnection connection, Func<IChannel, Task> action)
    {
        IChannel channel = await connection.CreateChannelAsync();
        OperationInterruptedException e = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => action(channel));
        Assert.True(connection.IsOpen);
        return e.ShutdownReason!;
    }

    [Fact]
    public async Task Another_connection_is_locked_out_of_every_queue_method_on_an_exclusive_queue()
    {
        await using IConnection owner = await ConnectAsync();
        await using IChannel ownerChannel = await owner.CreateChannelAsync();
        await ownerChannel.QueueDeclareAsync("mine", durable: false, exclusive: true, autoDelete: false);
        await ownerChannel.BasicPublishAsync("", "mine", "hello"u8.ToArray());
        await using IConnection other = await ConnectAsync();

        Func<IChannel, Task>[] attempts =
        [
            c => c.QueueDeclareAsync("mine", durable: false, exclusive: true, autoDelete: false),
            c => c.QueueDeclareAsync("mine", durable: false, exclusive: false, autoDelete: false),
            c => c.QueueDeclarePassiveAsync("mine"),
            c => c.BasicConsumeAsync("mine", autoAck: true, new AsyncEventingBasicConsumer(c)),
            c => c.BasicGetAsync("mine", autoAck: true),
            c => c.QueuePurgeAsync("mine"),
            c => c.QueueBindAsync("mine", "amq.fanout", ""),
            c => c.QueueUnbindAsync("mine", "amq.fanout", ""),
            c => c.QueueDeleteAsync("mine"),
        ];
        foreach (Func<IChannel, Task> attempt in attempts)
        {
            ShutdownEventArgs reason = await ChannelErrorAsync(other, attempt);
            Assert.Equal(405, reason.ReplyCode);
            Assert.Equal(LockedText, reason.ReplyText);
        }

        // The owner still uses its queue, and redeclares it (also without exclusive), as RabbitMQ allows.
        Assert.Equal(1u, (await ownerChannel.QueueDeclareAsync("mine", durable: false, exclusive: false, autoDelete: false)).MessageCount);
        Assert.NotNull(await ownerChannel.BasicGetAsync("mine", autoAck: true));
    }

    [Fact]
    public async Task An_exclusive_queue_is_free_once_its_connection_closes()
    {
        IConnection owner = await ConnectAsync();
        IChannel ownerChannel = await owner.CreateChannelAsync();
        await ownerChannel.QueueDeclareAsync("mine", durable: false, exclusive: true, autoDelete: false);
        await owner.CloseAsync();
        await owner.DisposeAsync();

        await using IConnection other = await ConnectAsync();
        await using IChannel channel = await other.CreateChannelAsync();
        await WaitUntilAsync(async () =>
        {
            await using IChannel probe = await other.CreateChannelAsync();
            try
            {
                await probe.QueueDeclarePassiveAsync("mine");
                return false;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                return true;
            }
        });
        await channel.QueueDeclareAsync("mine", durable: false, exclusive: true, autoDelete: false);
    }

    [Fact]
    public async Task Asking_exclusive_of_a_shared_queue_is_locked()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("mine", durable: true, exclusive: false, autoDelete: false);

        ShutdownEventArgs reason = await ChannelErrorAsync(connection, c => c.QueueDeclareAsync("mine", durable: true, exclusive: true, autoDelete: false));
        Assert.Equal(405, reason.ReplyCode);
    }

    [Fact]
    public async Task A_second_consumer_of_a_queue_with_an_exclusive_consumer_is_refused_on_any_connection()
    {
        await using IConnection first = await ConnectAsync();
        await using IChannel channel = await first.CreateChannelAsync();
        await channel.QueueDeclareAsync("shared", durable: true, exclusive: false, autoDelete: false);
        string tag = await channel.BasicConsumeAsync("shared", autoAck: false, consumerTag: "", noLocal: false, exclusive: true, arguments: null, consumer: new AsyncEventingBasicConsumer(channel));
        await using IConnection second = await ConnectAsync();

        ShutdownEventArgs reason = await ChannelErrorAsync(second, c => c.BasicConsumeAsync("shared", autoAck: true, new AsyncEventingBasicConsumer(c)));
        Assert.Equal(403, reason.ReplyCode);
        Assert.Equal("ACCESS_REFUSED - queue 'shared' in vhost '/' in exclusive use", reason.ReplyText);
        reason = await ChannelErrorAsync(first, c => c.BasicConsumeAsync("shared", autoAck: true, new AsyncEventingBasicConsumer(c)));
        Assert.Equal(403, reason.ReplyCode);

        // Once the exclusive consumer is cancelled, others may consume.
        await channel.BasicCancelAsync(tag);
        await using IChannel later = await second.CreateChannelAsync();
        await later.BasicConsumeAsync("shared", autoAck: true, new AsyncEventingBasicConsumer(later));
    }

    [Fact]
    public async Task An_exclusive_consumer_of_a_queue_that_has_consumers_is_refused()
    {
        await using IConnection first = await ConnectAsync();
        await using IChannel channel = await first.CreateChannelAsync();
        await channel.QueueDeclareAsync("shared", durable: true, exclusive: false, autoDelete: false);
        await channel.BasicConsumeAsync("shared", autoAck: true, new AsyncEventingBasicConsumer(channel));
        await using IConnection second = await ConnectAsync();

        ShutdownEventArgs reason = await ChannelErrorAsync(second, c => c.BasicConsumeAsync("shared", autoAck: true, consumerTag: "", noLocal: false, exclusive: true, arguments: null, consumer: new AsyncEventingBasicConsumer(c)));
        Assert.Equal(403, reason.ReplyCode);
        Assert.Equal("ACCESS_REFUSED - queue 'shared' in vhost '/' in exclusive use", reason.ReplyText);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
