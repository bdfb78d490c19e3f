using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp091.Management;
using Omnibus.Aws;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Security;
using Omnibus.Hosting.Entities;
using Omnibus.Hosting.Listeners;
using Omnibus.Management;
using Omnibus.ServiceBus;
using Omnibus.ServiceBus.Admin;
using Omnibus.ServiceBus.Rules;

namespace Omnibus.Hosting;

/// <summary>
/// Builds an <see cref="OmnibusHost"/>: fill <see cref="Options"/> (the executable reads them from
/// <see cref="Configuration"/>), adjust <see cref="Logging"/>, then <see cref="Build"/>. Which front-ends
/// exist is decided here and nowhere else.
/// </summary>
public sealed class OmnibusHostBuilder
{
    private readonly WebApplicationBuilder _web;
    private readonly Stopwatch _started = Stopwatch.StartNew();

    internal OmnibusHostBuilder(string[] args, string? contentRoot, bool processConfiguration)
    {
        _web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        if (!processConfiguration)
        {
            // An embedded broker (a test's) must not pick up the process's appsettings.json, Kestrel
            // endpoints or environment: everything comes from the options set in code.
            _web.Configuration.Sources.Clear();
        }
    }

    /// <summary>The options the host is built with.</summary>
    public OmnibusHostOptions Options { get; } = new();

    /// <summary>The process configuration (appsettings.json, environment, command line); its <c>Logging</c> section configures logging.</summary>
    public IConfiguration Configuration => _web.Configuration;

    /// <summary>Logging providers and levels.</summary>
    public ILoggingBuilder Logging => _web.Logging;

    /// <summary>
    /// Opens the data directory, provisions the entities file and prepares the listeners (bound by
    /// <see cref="OmnibusHost.StartAsync(CancellationToken)"/>). Bad options throw <see cref="ArgumentException"/>; an unusable
    /// directory or entities file throws <see cref="OmnibusStartupException"/>.
    /// </summary>
    public OmnibusHost Build()
    {
        OmnibusHostOptions options = Options;
        options.Validate();
        EmulatorConfig? entities = LoadEntities(options.EntitiesFile);
        NamespaceRegistry namespaces = OpenNamespaces(options);
        Broker broker = namespaces.Default;
        try
        {
            var endpoints = new HostEndpoints();
            ConfigureServices(namespaces, options, endpoints);
            WebApplication app = _web.Build();
            if (options.Aws.Enabled)
            {
                // First, so that nothing else answers on the AWS listener.
                app.UseOmnibusAws();
            }
            if (options.RabbitMqManagement.Enabled)
            {
                // Before the other surfaces too: the management listener answers this API alone.
                app.UseRabbitMqManagement();
            }
            app.MapOmnibusManagement();
            app.MapServiceBusAdministration();
            ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omnibus.Server");
            if (entities is not null)
            {
                ApplyEntities(broker, entities, options.EntitiesFile!, logger);
            }
            Log.BrokerOpened(logger, broker.DataDirectory, _started.ElapsedMilliseconds, broker.ListQueues().Count, broker.ListTopics().Count, options.Durability.ToString());
            foreach (StorageRepair repair in broker.RepairsAtOpen)
            {
                Log.StorageRepaired(logger, repair.Describe());
            }
            foreach (QuarantinedEntity q in broker.Quarantined)
            {
                Log.EntityQuarantined(logger, q.Kind.ToString().ToLowerInvariant(), q.Name, q.Reason);
            }
            foreach (WaitingTransactionInfo w in broker.WaitingTransactions)
            {
                Log.TransactionWaiting(logger, w.Id, string.Join(", ", w.WaitingFor));
            }
            return new OmnibusHost(app, namespaces, options, endpoints, logger);
        }
        catch
        {
            namespaces.Dispose();
            throw;
        }
    }

    /// <summary>Builds the host and binds its listeners; a host that fails to start is disposed.</summary>
    public async Task<OmnibusHost> StartAsync(CancellationToken cancellationToken = default)
    {
        OmnibusHost host = Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
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
            throw new OmnibusStartupException(OmnibusStartupFailure.Entities, $"'{file}' cannot be used: {e.Message}", e);
        }
    }

    private static void ApplyEntities(Broker broker, EmulatorConfig entities, string file, ILogger logger)
    {
        try
        {
            new EntityProvisioner(broker, logger).Apply(entities);
        }
        catch (MessagingException e)
        {
            throw new OmnibusStartupException(OmnibusStartupFailure.Entities, $"'{file}': {e.Message}", e);
        }
    }

    /// <summary>Opens the data directory's namespaces: the default one, which every protocol reaches, and those made at run time (RabbitMQ vhosts, the admin API's namespaces).</summary>
    private static NamespaceRegistry OpenNamespaces(OmnibusHostOptions options)
    {
        try
        {
            if (options.SegmentFileHandles is { } files)
            {
                Storage.FileHandleCache.ConfigureShared(files.MaxOpen, files.IdleTimeout);
            }
            if (options.SharedFlush is bool sharedFlush)
            {
                Storage.LogWriterPool.Shared.SharedFlush = sharedFlush;
            }
            return NamespaceRegistry.Open(new BrokerOptions
            {
                DataDirectory = options.DataDirectory,
                Store = options.Store ?? Storage.FileLogStore.Instance,
                Durability = options.Durability,
                SegmentSize = options.SegmentSize,
                SweepInterval = options.SweepInterval,
                MinFreeSpaceBytes = options.MinFreeSpaceBytes,
                FreeSpaceProbe = options.FreeSpaceProbe ?? StorageSpace.ProbeVolume,
                TimeProvider = options.TimeProvider,
                Authorization = options.Authorization ?? AllowAllAuthorization.Instance,
                RuleCompiler = ServiceBusRuleCompiler.Instance,
                // Registered even when the AWS endpoint is off, so a data directory with SNS topics always opens.
                ExchangeTypes = [new Aws.Sns.SnsExchangeType(options.TimeProvider)],
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Storage.StorageException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new OmnibusStartupException(OmnibusStartupFailure.Storage, $"'{Path.GetFullPath(options.DataDirectory)}' cannot be opened: {e.Message}", e);
        }
    }

    private void ConfigureServices(NamespaceRegistry namespaces, OmnibusHostOptions options, HostEndpoints endpoints)
    {
        IServiceCollection services = _web.Services;
        services.AddSingleton(namespaces);
        services.AddSingleton(namespaces.Default);
        services.AddSingleton(options.TimeProvider);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        services.AddOmnibusManagement(o => o.RequireAuthorization = options.Http.RequireAuthorization);
        // The Service Bus dialect: the AMQP application and the shared access signatures both AMQP and HTTP check.
        services.AddOmnibusServiceBus(o =>
        {
            o.SharedAccessKeys.Clear();
            foreach (KeyValuePair<string, string> k in OmnibusHost.KeysOf(options))
            {
                o.SharedAccessKeys[k.Key] = k.Value;
            }
        });
        if (options.Amqp.Enabled || options.Kafka.Enabled)
        {
            TransportWiring.AddServices(services, options.Connections);
        }
        if (options.Amqp.Enabled)
        {
            AmqpWiring.AddServices(services, options.Amqp);
        }
        if (options.Aws.Enabled)
        {
            services.AddOmnibusAws(options.Aws.Configure);
        }
        if (options.Kafka.Enabled)
        {
            KafkaWiring.AddServices(services, options.Kafka);
        }
        if (options.RabbitMqManagement.Enabled)
        {
            services.AddOmnibusRabbitMqManagement(options.RabbitMqManagement.Configure);
        }
        // A broker has few, busy connections: read straight into a buffer instead of a zero-byte
        // read to wait for data first, which cost a second receive syscall for most reads under load.
        // Inline I/O runs socket continuations on the socket thread instead of handing each to a
        // queue; the AMQP read loop never blocks, but an HTTP request that computes synchronously
        // (a /metrics scrape of a large broker) delays other sockets meanwhile (docs/server.md).
        _web.WebHost.UseSockets(o =>
        {
            o.WaitForDataBeforeAllocatingBuffer = false;
            o.UnsafePreferInlineScheduling = options.InlineIo;
        });
        _web.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Http.Enabled)
            {
                endpoints.Http = Listen(kestrel, options.Http, l => l.CountConnections("http"));
            }
            if (options.Amqp.Enabled)
            {
                endpoints.Amqp = Listen(kestrel, options.Amqp, l => AmqpWiring.UseAmqp(l.CountConnections("amqp")));
            }
            if (options.Aws.Enabled)
            {
                endpoints.Aws = Listen(kestrel, options.Aws, l => l.CountConnections("aws").UseOmnibusAws());
            }
            if (options.Kafka.Enabled)
            {
                endpoints.Kafka = Listen(kestrel, options.Kafka, l => KafkaWiring.UseKafka(l.CountConnections("kafka")));
            }
            if (options.RabbitMqManagement.Enabled)
            {
                endpoints.RabbitMqManagement = Listen(kestrel, options.RabbitMqManagement, l => l.CountConnections("rabbitmq-management").UseRabbitMqManagement());
            }
        });
    }

    /// <summary>
    /// "Any address" listens on IPv6 and IPv4 both, so clients resolving <c>localhost</c> to ::1 connect at once.
    /// Keeps the endpoint's options, whose address Kestrel replaces with the bound one (the free port for 0).
    /// </summary>
    private static ListenOptions? Listen(KestrelServerOptions kestrel, EndpointOptions endpoint, Action<ListenOptions> configure)
    {
        ListenOptions? bound = null;
        void Keep(ListenOptions l)
        {
            bound = l;
            configure(l);
        }
        if (endpoint.Host.Equals(IPAddress.Any))
        {
            kestrel.ListenAnyIP(endpoint.Port, Keep);
        }
        else
        {
            kestrel.Listen(endpoint.Host, endpoint.Port, Keep);
        }
        return bound;
    }
}

/// <summary>The listeners' options as Kestrel holds them, read for the bound addresses after start.</summary>
internal sealed class HostEndpoints
{
    public ListenOptions? Http { get; set; }

    public ListenOptions? Amqp { get; set; }

    public ListenOptions? Aws { get; set; }
    public ListenOptions? Kafka { get; set; }

    public ListenOptions? RabbitMqManagement { get; set; }
}
