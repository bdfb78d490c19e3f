using Omnibus.Tests.Shared;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Omnibus.Amqp091.Tests;

/// <summary>connection.blocked / unblocked through RabbitMQ.Client when the data directory's volume runs low and recovers.</summary>
public sealed class ConnectionBlockedTests : IAsyncLifetime
{
    private readonly SimulatedFreeSpace _disk = new();
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync(o => o.Host = _disk.Apply);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_client_is_told_blocked_while_the_disk_is_below_the_floor_and_unblocked_when_space_returns()
    {
        await using IConnection connection = await new ConnectionFactory { HostName = "127.0.0.1", Port = _broker.AmqpPort }.CreateConnectionAsync();
        var blocked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var unblocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionBlockedAsync += (_, e) =>
        {
            blocked.TrySetResult(e.Reason);
            return Task.CompletedTask;
        };
        connection.ConnectionUnblockedAsync += (_, _) =>
        {
            unblocked.TrySetResult();
            return Task.CompletedTask;
        };

        _disk.RunLow(_broker.Broker);
        Assert.Equal("low on disk", await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(unblocked.Task.IsCompleted);

        _disk.Recover(_broker.Broker);
        await unblocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_publish_during_the_disk_alarm_is_held_not_refused_and_is_confirmed_once_space_returns()
    {
        await using IConnection connection = await new ConnectionFactory { HostName = "127.0.0.1", Port = _broker.AmqpPort }.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("held", durable: true, exclusive: false, autoDelete: false);
        await using IConnection consumerConnection = await new ConnectionFactory { HostName = "127.0.0.1", Port = _broker.AmqpPort }.CreateConnectionAsync();
        await using IChannel consumerChannel = await consumerConnection.CreateChannelAsync();

        _disk.RunLow(_broker.Broker);
        Task publish = channel.BasicPublishAsync("", "held", true, new BasicProperties { Persistent = true }, "while low"u8.ToArray()).AsTask();

        await Task.Delay(500);
        Assert.False(publish.IsCompleted, "the publish was answered during the alarm");
        // Other connections are served meanwhile.
        Assert.Equal(0u, (await consumerChannel.QueueDeclarePassiveAsync("held")).MessageCount);

        _disk.Recover(_broker.Broker);
        await publish.WaitAsync(TimeSpan.FromSeconds(10));
        BasicGetResult? got = await consumerChannel.BasicGetAsync("held", autoAck: true);
        Assert.Equal("while low", System.Text.Encoding.UTF8.GetString(Assert.IsType<BasicGetResult>(got).Body.Span));
    }
}
