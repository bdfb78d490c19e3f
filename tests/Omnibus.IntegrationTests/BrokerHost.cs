using System.Net;
using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp.Listener;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Security;
using Omnibus.ServiceBus;
using Omnibus.ServiceBus.Rules;

namespace Omnibus.IntegrationTests;

/// <summary>
/// An in-process broker for tests: a temporary data directory, a <see cref="Broker"/>, and
/// Kestrel serving AMQP on 127.0.0.1 at a free port. Gives the emulator-style connection string.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _nextName;

    private BrokerHost(WebApplication app, Broker broker, string dataDirectory, int port)
    {
        _app = app;
        Broker = broker;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public Broker Broker { get; }

    public string DataDirectory { get; }

    public int Port { get; }

    public string ConnectionString => ConnectionStringWith("SAS_KEY_VALUE");

    public string ConnectionStringWith(string key) =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key};UseDevelopmentEmulator=true;";

    /// <param name="configure">Listener options.</param>
    /// <param name="clock">The broker's clock (locks, TTL, schedules, token expiry); the system clock when null.</param>
    /// <param name="authorization">The broker's authorization hook; allow-all when null.</param>
    public static async Task<BrokerHost> StartAsync(Action<AmqpListenerOptions>? configure = null, TimeProvider? clock = null, IAuthorizationHook? authorization = null)
    {
        string dataDirectory = Path.Combine(Path.GetTempPath(), "omnibus-it-" + Guid.NewGuid().ToString("N"));
        Broker broker = Broker.Open(new BrokerOptions
        {
            DataDirectory = dataDirectory,
            TimeProvider = clock ?? TimeProvider.System,
            RuleCompiler = ServiceBusRuleCompiler.Instance,
            Authorization = authorization ?? AllowAllAuthorization.Instance,
        });
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(broker);
        builder.Services.AddOmnibusServiceBus();
        builder.Services.AddOmnibusAmqp(configure);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseOmnibusAmqp()));
        WebApplication app = builder.Build();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int port = new Uri(address).Port;
        return new BrokerHost(app, broker, dataDirectory, port);
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Broker.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One broker host shared by the tests of a class.</summary>
public sealed class BrokerHostFixture : IAsyncLifetime
{
    public BrokerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await BrokerHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
