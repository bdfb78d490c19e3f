using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Omnibus.Amqp091.Tests;

/// <summary>connection.blocked / unblocked through RabbitMQ.Client when the data directory's volume runs low and recovers.</summary>
public sealed class ConnectionBlockedTests : IAsyncLifetime
{
    private const long Floor = 64L * 1024 * 1024;
    private long _free = 10 * Floor;
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync(o => o.Host = h =>
    {
        h.MinFreeSpaceBytes = Floor;
        h.FreeSpaceProbe = _ => Interlocked.Read(ref _free);
    });

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

        Interlocked.Exchange(ref _free, Floor / 2);
        _broker.Broker.Space.Probe();
        Assert.Equal("low on disk", await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(unblocked.Task.IsCompleted);

        Interlocked.Exchange(ref _free, 10 * Floor);
        _broker.Broker.Space.Probe();
        await unblocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
