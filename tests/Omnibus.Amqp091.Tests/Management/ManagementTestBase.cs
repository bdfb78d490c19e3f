using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>A test broker per test with its management API client and RabbitMQ.Client connections to it.</summary>
public abstract class ManagementTestBase : IAsyncLifetime
{
    private protected OmnibusTestBroker Broker { get; private set; } = null!;

    private protected ManagementClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Broker = await OmnibusTestBroker.StartAsync();
        Api = new ManagementClient(Broker);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Broker.DisposeAsync();
    }

    private protected Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = new Uri(Broker.RabbitMqUri) }.CreateConnectionAsync();
}
