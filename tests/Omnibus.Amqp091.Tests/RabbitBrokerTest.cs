using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>A test broker per test, reached with RabbitMQ.Client; classes that move time by hand give their fake clock.</summary>
public abstract class RabbitBrokerTest : IAsyncLifetime
{
    private protected OmnibusTestBroker Broker { get; private set; } = null!;

    /// <summary>The broker's clock.</summary>
    private protected virtual TimeProvider Clock => TimeProvider.System;

    public async Task InitializeAsync() => Broker = await OmnibusTestBroker.StartAsync(o => o.TimeProvider = Clock);

    public async Task DisposeAsync() => await Broker.DisposeAsync();

    private protected Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = Broker.AmqpPort }.CreateConnectionAsync();

    /// <summary>Whether the queue exists, asked by a passive declare on a channel of its own (404 closes that channel only).</summary>
    private protected static async Task<bool> QueueExistsAsync(IConnection connection, string queue)
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
}
