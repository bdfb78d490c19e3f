using System.Text;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Core.Entities;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>x-consumer-timeout and the front-end's queue flags kept across a restart, through RabbitMQ.Client on a fake clock.</summary>
public sealed class ConsumerTimeoutTests : RabbitBrokerTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private protected override TimeProvider Clock => _clock;

    private static Dictionary<string, object?> Timeout(int ms) => new() { ["x-consumer-timeout"] = ms };

    [Fact]
    public async Task A_delivery_not_acked_within_the_queues_consumer_timeout_closes_its_channel_with_406_and_comes_back_redelivered()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("slow-work", durable: true, exclusive: false, autoDelete: false, Timeout(10_000));
        await channel.BasicPublishAsync("", "slow-work", Encoding.UTF8.GetBytes("job"));
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, _) =>
        {
            delivered.TrySetResult();
            return Task.CompletedTask;
        };
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, e) =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync("slow-work", autoAck: false, consumer);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(channel.IsOpen);
        _clock.Advance(TimeSpan.FromSeconds(6));

        ShutdownEventArgs reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(406, reason.ReplyCode);
        Assert.Equal("PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: 10000 ms. This timeout value can be configured, see consumers doc guide to learn more", reason.ReplyText);
        Assert.True(connection.IsOpen);
        await using IChannel again = await connection.CreateChannelAsync();
        BasicGetResult? got = null;
        for (int i = 0; i < 100 && got is null; i++)
        {
            got = await again.BasicGetAsync("slow-work", autoAck: true);
            await Task.Delay(got is null ? 20 : 0);
        }
        Assert.NotNull(got);
        Assert.True(got.Redelivered);
        Assert.Equal("job", Encoding.UTF8.GetString(got.Body.Span));
    }

    [Fact]
    public async Task An_acked_delivery_does_not_time_out_and_a_redeclare_with_another_timeout_is_inequivalent()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("quick-work", durable: true, exclusive: false, autoDelete: false, Timeout(5_000));
        await channel.BasicPublishAsync("", "quick-work", Encoding.UTF8.GetBytes("job"));
        BasicGetResult? got = null;
        for (int i = 0; i < 100 && got is null; i++)
        {
            got = await channel.BasicGetAsync("quick-work", autoAck: false);
            await Task.Delay(got is null ? 20 : 0);
        }
        await channel.BasicAckAsync(Assert.IsType<BasicGetResult>(got).DeliveryTag, multiple: false);
        // The channel's methods are handled in order: once this answers, the ack has been.
        await channel.QueueDeclarePassiveAsync("quick-work");

        _clock.Advance(TimeSpan.FromMinutes(1));
        await channel.QueueDeclareAsync("quick-work", durable: true, exclusive: false, autoDelete: false, Timeout(5_000));
        Assert.True(channel.IsOpen);

        await using IChannel other = await connection.CreateChannelAsync();
        OperationInterruptedException refused = await Assert.ThrowsAsync<OperationInterruptedException>(() => other.QueueDeclareAsync("quick-work", durable: true, exclusive: false, autoDelete: false, Timeout(6_000)));
        Assert.Equal((ushort)406, refused.ShutdownReason?.ReplyCode);
        Assert.Contains("inequivalent arg 'x-consumer-timeout'", refused.ShutdownReason?.ReplyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Single_active_consumer_auto_delete_and_consumer_timeout_survive_a_restart_and_a_left_exclusive_queue_does_not()
    {
        await using (IConnection connection = await ConnectAsync())
        {
            await using IChannel channel = await connection.CreateChannelAsync();
            var arguments = new Dictionary<string, object?> { ["x-single-active-consumer"] = true, ["x-consumer-timeout"] = 60_000 };
            await channel.QueueDeclareAsync("kept-flags", durable: true, exclusive: false, autoDelete: true, arguments);
        }
        // An exclusive queue whose connection never closed (the process was killed) is left in the catalog.
        Broker.Host.Broker.CreateQueue(new QueueDescription { Name = "left-exclusive", Settings = new Dictionary<string, string> { [QueueArguments.ExclusiveSetting] = "true" } });

        await Broker.RestartAsync();

        await using IConnection after = await ConnectAsync();
        await using IChannel check = await after.CreateChannelAsync();
        OperationInterruptedException inequivalent = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
            check.QueueDeclareAsync("kept-flags", durable: true, exclusive: false, autoDelete: true, new Dictionary<string, object?> { ["x-single-active-consumer"] = false }));
        Assert.Contains("'x-single-active-consumer'", inequivalent.ShutdownReason?.ReplyText, StringComparison.Ordinal);
        await using IChannel consuming = await after.CreateChannelAsync();
        string tag = await consuming.BasicConsumeAsync("kept-flags", autoAck: false, new AsyncEventingBasicConsumer(consuming));
        await consuming.BasicCancelAsync(tag);
        bool gone = false;
        for (int i = 0; i < 100 && !gone; i++)
        {
            gone = !await QueueExistsAsync(after, "kept-flags");
            await Task.Delay(gone ? 0 : 20);
        }
        Assert.True(gone, "the auto-delete queue stayed after its last consumer left");
        Assert.False(await QueueExistsAsync(after, "left-exclusive"));
    }
}
