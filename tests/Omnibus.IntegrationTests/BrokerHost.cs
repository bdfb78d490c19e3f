using Azure.Messaging.ServiceBus;
using Omnibus.Amqp.Listener;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Security;
using Omnibus.Storage;
using Omnibus.Testing;

namespace Omnibus.IntegrationTests;

/// <summary>
/// An in-process broker for tests, started through the public <see cref="OmnibusTestBroker"/>: a temporary
/// data directory and AMQP on 127.0.0.1 at a free port. Gives the emulator-style connection string.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly OmnibusTestBroker _broker;
    private int _nextName;

    private BrokerHost(OmnibusTestBroker broker) => _broker = broker;

    public Broker Broker => _broker.Broker;

    public string DataDirectory => _broker.DataDirectory;

    public int Port => _broker.AmqpPort;

    public string ConnectionString => _broker.ServiceBusConnectionString;

    public string ConnectionStringWith(string key) => _broker.Host.ServiceBusConnectionStringWith("RootManageSharedAccessKey", key);

    /// <param name="configure">Listener options.</param>
    /// <param name="clock">The broker's clock (locks, TTL, schedules, token expiry); the system clock when null.</param>
    /// <param name="authorization">The broker's authorization hook; allow-all when null.</param>
    public static async Task<BrokerHost> StartAsync(Action<AmqpListenerOptions>? configure = null, TimeProvider? clock = null, IAuthorizationHook? authorization = null)
    {
        OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o =>
        {
            // As these tests have always run: fsync on, AMQP only.
            o.Durability = DurabilityPolicy.Always;
            o.EnableHttp = false;
            o.Amqp = configure;
            o.TimeProvider = clock ?? TimeProvider.System;
            o.Authorization = authorization;
            // Kestrel's default socket scheduling, as these tests have always run.
            o.Host = h => h.InlineIo = false;
        });
        return new BrokerHost(broker);
    }

    /// <summary>A fresh name per call, so tests sharing a host never share an entity.</summary>
    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _nextName)}";

    public string CreateQueue(string prefix = "q", Func<QueueDescription, QueueDescription>? change = null)
    {
        var description = new QueueDescription { Name = UniqueName(prefix) };
        Broker.CreateQueue(change is null ? description : change(description));
        return description.Name;
    }

    public ServiceBusClient CreateClient(ServiceBusClientOptions? options = null) =>
        new(ConnectionString, options ?? new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(100), TryTimeout = TimeSpan.FromSeconds(20) },
        });

    public ValueTask DisposeAsync() => _broker.DisposeAsync();
}

/// <summary>One broker host shared by the tests of a class.</summary>
public sealed class BrokerHostFixture : IAsyncLifetime
{
    public BrokerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await BrokerHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
