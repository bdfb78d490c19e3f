using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Management;
using Omnibus.ServiceBus;
using Omnibus.ServiceBus.Admin;
using Omnibus.ServiceBus.Rules;
using Omnibus.Server.Configuration;

namespace Omnibus.Server.Hosting;

/// <summary>
/// The broker process: validated settings, the opened <see cref="Broker"/>, and one Kestrel server with two
/// endpoints (HTTP and AMQP). Shutdown order: listeners stop (no new connections, in-flight work finishes
/// within Omnibus:Shutdown:Timeout), then the broker is disposed, which flushes every log.
/// </summary>
internal sealed class OmnibusServer : IAsyncDisposable
{
    private readonly ILogger _logger;
    private bool _disposed;

    private OmnibusServer(WebApplication app, Broker broker, OmnibusSettings settings)
    {
        App = app;
        Broker = broker;
        Settings = settings;
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omnibus.Server");
    }

    public WebApplication App { get; }

    public Broker Broker { get; }

    public OmnibusSettings Settings { get; }

    /// <summary>Reads configuration (throwing <see cref="StartupException"/> on bad values), opens storage, applies the entities file.</summary>
    public static OmnibusServer Create(string[] configurationArgs)
    {
        var started = Stopwatch.StartNew();
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = configurationArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        OmnibusSettings settings = OmnibusSettings.Load(builder.Configuration, out IReadOnlyList<string> errors);
        if (errors.Count > 0)
        {
            throw new StartupException(ExitCodes.BadConfiguration, "Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)));
        }
        EmulatorConfig? entities = LoadEntities(settings.Entities.ConfigFile);
        Broker broker = OpenBroker(settings.Storage);
        try
        {
            ConfigureServices(builder, broker, settings);
            WebApplication app = builder.Build();
            app.MapOmnibusManagement();
            app.MapServiceBusAdministration();
            var server = new OmnibusServer(app, broker, settings);
            if (entities is not null)
            {
                server.ApplyEntities(entities);
            }
            Log.BrokerOpened(server._logger, broker.DataDirectory, started.ElapsedMilliseconds, broker.ListQueues().Count, broker.ListTopics().Count, settings.Storage.Durability.ToString());
            return server;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    private static EmulatorConfig? LoadEntities(string? file)
    {
        if (file is null)
        {
            return null;
        }
        try
        {
            return EmulatorConfig.Load(file);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException(ExitCodes.BadConfiguration, $"Omnibus:Entities:ConfigFile '{file}' cannot be used: {e.Message}", e);
        }
    }

    private static Broker OpenBroker(StorageSettings storage)
    {
        try
        {
            return Broker.Open(new BrokerOptions
            {
                DataDirectory = storage.DataDirectory,
                Durability = storage.Durability,
                SegmentSize = storage.SegmentSizeBytes,
                SweepInterval = storage.SweepInterval,
                RuleCompiler = ServiceBusRuleCompiler.Instance,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Storage.StorageException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new StartupException(ExitCodes.StorageFailed, $"Omnibus:Storage:DataDirectory '{Path.GetFullPath(storage.DataDirectory)}' cannot be opened: {e.Message}", e);
        }
    }

    private void ApplyEntities(EmulatorConfig entities)
    {
        try
        {
            new EntityProvisioner(Broker, _logger).Apply(entities);
        }
        catch (MessagingException e)
        {
            throw new StartupException(ExitCodes.BadConfiguration, $"Omnibus:Entities:ConfigFile '{Settings.Entities.ConfigFile}': {e.Message}", e);
        }
    }

    private static void ConfigureServices(WebApplicationBuilder builder, Broker broker, OmnibusSettings settings)
    {
        builder.Services.AddSingleton(broker);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Shutdown.Timeout);
        builder.Services.AddOmnibusManagement(o => o.RequireAuthorization = settings.Http.RequireAuthorization);
        // The Service Bus dialect: the AMQP application and the shared access signatures both AMQP and HTTP check.
        builder.Services.AddOmnibusServiceBus(o =>
        {
            o.SharedAccessKeys.Clear();
            foreach (KeyValuePair<string, string> k in settings.Auth.SharedAccessKeys)
            {
                o.SharedAccessKeys[k.Key] = k.Value;
            }
        });
        TransportWiring.AddServices(builder.Services, settings);
        AmqpWiring.AddServices(builder.Services, settings);
        // A broker has few, busy connections: read straight into a buffer instead of a zero-byte
        // read to wait for data first, which cost a second receive syscall for most reads under load.
        // Inline I/O runs socket continuations on the socket thread instead of handing each to a
        // queue (~8 % more messages a second under load); the AMQP read loop never blocks, but an
        // HTTP request that computes synchronously (a /metrics scrape of a large broker) delays
        // other sockets meanwhile, hence the setting (docs/server.md).
        builder.WebHost.UseSockets(o =>
        {
            o.WaitForDataBeforeAllocatingBuffer = false;
            o.UnsafePreferInlineScheduling = settings.Amqp.InlineIo;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, settings.Http.Host, settings.Http.Port, l => l.CountConnections("http"));
            if (settings.Amqp.Enabled && AmqpWiring.Available)
            {
                Listen(kestrel, settings.Amqp.Host, settings.Amqp.Port, l => AmqpWiring.UseAmqp(l.CountConnections("amqp")));
            }
        });
    }

    /// <summary>"Any address" listens on IPv6 and IPv4 both, so clients resolving <c>localhost</c> to ::1 connect at once.</summary>
    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, IPAddress host, int port, Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure)
    {
        if (host.Equals(IPAddress.Any))
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else
        {
            kestrel.Listen(host, port, configure);
        }
    }

    /// <summary>Binds the listeners. A port that cannot be bound is a <see cref="StartupException"/> naming the setting.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await App.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            string setting = Settings.Amqp.Enabled && e.Message.Contains($":{Settings.Amqp.Port}", StringComparison.Ordinal)
                ? $"Omnibus:Amqp:Port {Settings.Amqp.Port}"
                : $"Omnibus:Http:Port {Settings.Http.Port}";
            throw new StartupException(ExitCodes.CannotListen, $"{setting} cannot be listened on: {e.Message}", e);
        }
        string amqp = !AmqpWiring.Available ? "not built into this version" : Settings.Amqp.Enabled ? Endpoint(Settings.Amqp.Host, Settings.Amqp.Port, "amqp") : "disabled";
        Log.Listening(_logger, Endpoint(Settings.Http.Host, Settings.Http.Port, "http"), amqp);
        if (!Settings.Amqp.Enabled)
        {
            Log.AmqpDisabled(_logger);
        }
        Log.Ready(_logger, (long)(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds);
    }

    private static string Endpoint(IPAddress host, int port, string scheme) => $"{scheme}://{(host.Equals(IPAddress.Any) ? "0.0.0.0" : host.ToString())}:{port}";

    /// <summary>Waits for SIGTERM / Ctrl+C (or <paramref name="cancellationToken"/>), then stops gracefully.</summary>
    public async Task RunUntilStoppedAsync(CancellationToken cancellationToken = default)
    {
        await App.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the listeners (in-flight work gets the shutdown timeout), then flushes and closes the store.</summary>
    public async Task StopAsync()
    {
        if (_disposed)
        {
            return;
        }
        Log.Stopping(_logger);
        await App.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await Broker.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await App.DisposeAsync().ConfigureAwait(false);
        await Broker.DisposeAsync().ConfigureAwait(false);
    }
}
