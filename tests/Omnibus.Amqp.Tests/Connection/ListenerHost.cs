using Omnibus.Core.Engine;
using Omnibus.Storage;
using Omnibus.Testing;

namespace Omnibus.Amqp.Tests.Connection;

/// <summary>The full broker with its AMQP listener on a free loopback port over a temporary directory (through the public <see cref="OmnibusTestBroker"/>), for raw-frame tests.</summary>
public sealed class ListenerHost : IAsyncLifetime
{
    private OmnibusTestBroker? _broker;

    public int Port { get; private set; }

    public Broker Broker => _broker!.Broker;

    public async Task InitializeAsync()
    {
        _broker = await OmnibusTestBroker.StartAsync(o =>
        {
            // As this host has always run: fsync on, AMQP only.
            o.Durability = DurabilityPolicy.Always;
            o.EnableHttp = false;
        });
        Port = _broker.AmqpPort;
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
