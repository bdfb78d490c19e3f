using System.Collections.Concurrent;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Omnibus.Amqp091.Tests;

/// <summary>Consumer priorities (<c>x-priority</c>) through RabbitMQ.Client.</summary>
public sealed class ConsumerPriorityTests : RabbitBrokerTest
{
    private static async Task<ConcurrentQueue<ulong>> ConsumeAsync(IChannel channel, string queue, int priority)
    {
        var got = new ConcurrentQueue<ulong>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            got.Enqueue(e.DeliveryTag);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: false, new Dictionary<string, object?> { ["x-priority"] = priority }, consumer);
        return got;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
        Assert.True(condition());
    }

    [Fact]
    public async Task Deliveries_go_to_the_higher_priority_consumer_until_its_prefetch_is_full_then_to_the_lower_one()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel high = await connection.CreateChannelAsync();
        await using IChannel low = await connection.CreateChannelAsync();
        await using IChannel publisher = await connection.CreateChannelAsync();
        await publisher.QueueDeclareAsync("ranked", durable: true, exclusive: false, autoDelete: false);
        await high.BasicQosAsync(0, 5, false);
        await low.BasicQosAsync(0, 5, false);
        ConcurrentQueue<ulong> lowGot = await ConsumeAsync(low, "ranked", 0);
        ConcurrentQueue<ulong> highGot = await ConsumeAsync(high, "ranked", 10);

        for (int i = 0; i < 5; i++)
        {
            await publisher.BasicPublishAsync("", "ranked", Encoding.UTF8.GetBytes($"m{i}"));
        }
        await WaitForAsync(() => highGot.Count == 5);
        await Task.Delay(200);
        Assert.Empty(lowGot);

        for (int i = 5; i < 8; i++)
        {
            await publisher.BasicPublishAsync("", "ranked", Encoding.UTF8.GetBytes($"m{i}"));
        }
        await WaitForAsync(() => lowGot.Count == 3);
        Assert.Equal(5, highGot.Count);

        // Room again at the higher one: the next message goes there.
        await high.BasicAckAsync(highGot.Max(), multiple: true);
        await high.QueueDeclarePassiveAsync("ranked");
        await Task.Delay(100);
        await publisher.BasicPublishAsync("", "ranked", "m8"u8.ToArray());
        await WaitForAsync(() => highGot.Count == 6);
        Assert.Equal(3, lowGot.Count);
    }

    [Fact]
    public async Task The_broker_announces_consumer_priorities_and_a_non_integer_priority_is_refused()
    {
        await using IConnection connection = await ConnectAsync();
        Assert.Equal(true, ((IDictionary<string, object?>)connection.ServerProperties!["capabilities"]!)["consumer_priorities"]);
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("ranked-bad", durable: true, exclusive: false, autoDelete: false);

        var refused = await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(() =>
            channel.BasicConsumeAsync("ranked-bad", autoAck: false, consumerTag: "", noLocal: false, exclusive: false, new Dictionary<string, object?> { ["x-priority"] = "high" }, new AsyncEventingBasicConsumer(channel)));
        Assert.Equal((ushort)406, refused.ShutdownReason?.ReplyCode);
    }
}
