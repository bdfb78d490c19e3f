using System.Collections.Concurrent;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>x-single-active-consumer through RabbitMQ.Client: one consumer at a time gets deliveries, the next takes over.</summary>
public sealed class SingleActiveConsumerTests : RabbitBrokerTest
{
    private static readonly Dictionary<string, object?> SingleActive = new() { ["x-single-active-consumer"] = true };
    private static async Task<string> ConsumeAsync(IChannel channel, ConcurrentQueue<(string Body, bool Redelivered)> into, bool ack)
    {
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, e) =>
        {
            into.Enqueue((System.Text.Encoding.UTF8.GetString(e.Body.Span), e.Redelivered));
            if (ack)
            {
                await channel.BasicAckAsync(e.DeliveryTag, multiple: false);
            }
        };
        return await channel.BasicConsumeAsync("single", autoAck: false, consumer);
    }

    private static async Task PublishAsync(IChannel channel, params string[] bodies)
    {
        foreach (string body in bodies)
        {
            await channel.BasicPublishAsync("", "single", System.Text.Encoding.UTF8.GetBytes(body));
        }
    }

    [Fact]
    public async Task Only_the_first_consumer_gets_deliveries_until_it_cancels_then_the_next_one_does()
    {
        await using IConnection first = await ConnectAsync();
        await using IChannel a = await first.CreateChannelAsync();
        await using IConnection second = await ConnectAsync();
        await using IChannel b = await second.CreateChannelAsync();
        await a.QueueDeclareAsync("single", durable: true, exclusive: false, autoDelete: false, SingleActive);
        var gotA = new ConcurrentQueue<(string, bool)>();
        var gotB = new ConcurrentQueue<(string, bool)>();
        string tagA = await ConsumeAsync(a, gotA, ack: true);
        await ConsumeAsync(b, gotB, ack: true);

        await PublishAsync(a, "1", "2", "3", "4");
        await ExclusiveQueueTests.WaitUntilAsync(() => Task.FromResult(gotA.Count == 4));
        await Task.Delay(100);
        Assert.Empty(gotB);

        await a.BasicCancelAsync(tagA);
        await PublishAsync(a, "5", "6");
        await ExclusiveQueueTests.WaitUntilAsync(() => Task.FromResult(gotB.Count == 2));
        Assert.Equal(["5", "6"], gotB.Select(m => m.Item1));
        Assert.Equal(4, gotA.Count);
    }

    [Fact]
    public async Task When_the_active_consumers_channel_closes_its_unacked_messages_go_to_the_next_consumer()
    {
        await using IConnection first = await ConnectAsync();
        IChannel a = await first.CreateChannelAsync();
        await using IConnection second = await ConnectAsync();
        await using IChannel b = await second.CreateChannelAsync();
        await a.QueueDeclareAsync("single", durable: true, exclusive: false, autoDelete: false, SingleActive);
        var gotA = new ConcurrentQueue<(string, bool)>();
        var gotB = new ConcurrentQueue<(string Body, bool Redelivered)>();
        await ConsumeAsync(a, gotA, ack: false);
        await ConsumeAsync(b, gotB, ack: true);

        await PublishAsync(b, "1", "2");
        await ExclusiveQueueTests.WaitUntilAsync(() => Task.FromResult(gotA.Count == 2));
        await a.CloseAsync();

        await ExclusiveQueueTests.WaitUntilAsync(() => Task.FromResult(gotB.Count == 2));
        Assert.Equal(["1", "2"], gotB.Select(m => m.Body).Order());
        Assert.All(gotB, m => Assert.True(m.Redelivered));
    }

    [Fact]
    public async Task A_redeclare_with_another_x_single_active_consumer_is_inequivalent()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("single", durable: true, exclusive: false, autoDelete: false, SingleActive);
        await channel.QueueDeclareAsync("single", durable: true, exclusive: false, autoDelete: false, SingleActive);

        await using IChannel other = await connection.CreateChannelAsync();
        OperationInterruptedException e = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() =>
            other.QueueDeclareAsync("single", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-single-active-consumer"] = false }));
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
        Assert.Contains("inequivalent arg 'x-single-active-consumer'", e.ShutdownReason.ReplyText, StringComparison.Ordinal);

        // The management API lists the argument, so a definitions export keeps it.
        using var management = new Management.ManagementClient(Broker);
        System.Text.Json.Nodes.JsonNode queue = await management.GetAsync("/api/queues/%2F/single");
        Assert.True(queue["arguments"]!["x-single-active-consumer"]!.GetValue<bool>());
    }
}
