using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp.Listener;
using Omnibus.Core.Engine;
using Omnibus.ServiceBus;
using Omnibus.ServiceBus.Rules;

namespace Omnibus.Amqp.Tests.Connection;

/// <summary>The AMQP listener on a free loopback port over a broker in a temporary directory, for raw-frame tests.</summary>
public sealed class ListenerHost : IAsyncLifetime
{
    private WebApplication? _app;
    private Broker? _broker;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "omnibus-amqp-tests-" + Guid.NewGuid().ToString("N"));

    public int Port { get; private set; }

    public Broker Broker => _broker!;

    public async Task InitializeAsync()
    {
        _broker = Broker.Open(new BrokerOptions { DataDirectory = _dataDirectory, RuleCompiler = ServiceBusRuleCompiler.Instance });
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_broker);
        builder.Services.AddOmnibusServiceBus();
        builder.Services.AddOmnibusAmqp();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseOmnibusAmqp()));
        _app = builder.Build();
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
