using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Omnibus.Core.Engine;

namespace Omnibus.Hosting;

/// <summary>
/// A running broker: the opened <see cref="Broker"/> and one Kestrel server with an endpoint per front-end
/// (AMQP 1.0 for Service Bus clients, HTTP for management). Once started it reports the endpoints it bound
/// (the free port when 0 was asked) and the connection strings that reach them. Shutdown order: listeners
/// stop (in-flight work gets <see cref="OmnibusHostOptions.ShutdownTimeout"/>), then the broker is
/// disposed, which flushes every log.
/// </summary>
public sealed class OmnibusHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HostEndpoints _endpoints;
    private readonly ILogger _logger;
    private bool _disposed;

    internal OmnibusHost(WebApplication app, NamespaceRegistry namespaces, OmnibusHostOptions options, HostEndpoints endpoints, ILogger logger)
    {
        _app = app;
        Namespaces = namespaces;
        Broker broker = namespaces.Default;
        Broker = broker;
        Options = options;
        _endpoints = endpoints;
        _logger = logger;
        broker.Space.Changed += LogSpaceChange;
        if (broker.Space.State is { IsFull: true } full)
        {
            LogSpaceChange(full); // already below the floor when the broker opened
        }
    }

    private void LogSpaceChange(StorageSpaceState state)
    {
        if (state.IsFull)
        {
            Log.StorageFull(_logger, state.FreeBytes, state.FloorBytes, state.Reason ?? "the disk is full");
        }
        else
        {
            Log.StorageSpaceReturned(_logger, state.FreeBytes, state.FloorBytes);
        }
    }

    /// <summary>A builder whose <see cref="OmnibusHostBuilder.Configuration"/> reads <paramref name="args"/>, the environment and appsettings.json under <paramref name="contentRoot"/>.</summary>
    public static OmnibusHostBuilder CreateBuilder(string[]? args = null, string? contentRoot = null) => new(args ?? [], contentRoot, processConfiguration: true);

    /// <summary>A builder that reads no configuration at all (no appsettings.json, environment or arguments): for a broker embedded in another process, such as a test's.</summary>
    public static OmnibusHostBuilder CreateIsolatedBuilder() => new([], null, processConfiguration: false);

    /// <summary>Builds (with <see cref="CreateIsolatedBuilder"/>) and starts a host with the options <paramref name="configure"/> sets.</summary>
    public static Task<OmnibusHost> StartAsync(Action<OmnibusHostOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        OmnibusHostBuilder builder = CreateIsolatedBuilder();
        configure?.Invoke(builder.Options);
        return builder.StartAsync(cancellationToken);
    }
    /// <summary>The default namespace, which every front-end reaches (RabbitMQ's vhost <c>/</c>, AWS account 000000000000, the Service Bus namespace, the Kafka cluster).</summary>
    public Broker Broker { get; }

    /// <summary>Every namespace of the data directory: the default one and those created at run time (for example as RabbitMQ vhosts).</summary>
    public NamespaceRegistry Namespaces { get; }

    /// <summary>The options the host was built with.</summary>
    public OmnibusHostOptions Options { get; }

    /// <summary>The host's services (the broker, the front-ends' services, logging).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Whether <see cref="StartAsync(CancellationToken)"/> has bound the listeners.</summary>
    public bool IsStarted { get; private set; }

    /// <summary>The bound AMQP 1.0 endpoint; null when AMQP is disabled. Its port is the real one after <see cref="StartAsync(CancellationToken)"/>.</summary>
    public IPEndPoint? AmqpEndpoint => _endpoints.Amqp?.IPEndPoint;

    /// <summary>The bound Kafka endpoint; null when Kafka is disabled.</summary>
    public IPEndPoint? KafkaEndpoint => _endpoints.Kafka?.IPEndPoint;

    /// <summary>The Kafka <c>bootstrap.servers</c> value for the Kafka listener; null when Kafka is disabled.</summary>
    public string? KafkaBootstrapServers => KafkaEndpoint is { } kafka ? $"{ClientHost(kafka)}:{kafka.Port.ToString(CultureInfo.InvariantCulture)}" : null;

    /// <summary>The bound endpoint of RabbitMQ's management HTTP API; null when it is disabled.</summary>
    public IPEndPoint? RabbitMqManagementEndpoint => _endpoints.RabbitMqManagement?.IPEndPoint;

    /// <summary>The base address of RabbitMQ's management HTTP API (basic auth, <c>guest</c> / <c>guest</c> from loopback by default); null when disabled.</summary>
    public Uri? RabbitMqManagementUrl => RabbitMqManagementEndpoint is { } m ? new Uri($"http://{ClientHost(m)}:{m.Port}/") : null;

    /// <summary>The bound management HTTP endpoint; null when HTTP is disabled.</summary>
    public IPEndPoint? HttpEndpoint => _endpoints.Http?.IPEndPoint;

    /// <summary>The bound Amazon SQS endpoint; null when it is disabled.</summary>
    public IPEndPoint? AwsEndpoint => _endpoints.Aws?.IPEndPoint;

    /// <summary>The SQS endpoint URL for the AWS SDKs' <c>ServiceURL</c> / <c>endpoint</c> (access key <c>test</c>, secret <c>test</c> by default); null when disabled.</summary>
    public Uri? SqsServiceUrl => AwsEndpoint is { } aws ? new Uri($"http://{ClientHost(aws)}:{aws.Port}/") : null;

    /// <summary>The management HTTP base address (administration API, /api, /health, /metrics).</summary>
    public Uri? AdminEndpoint => HttpEndpoint is { } http ? new Uri($"http://{ClientHost(http)}:{http.Port}/") : null;

    /// <summary>
    /// An emulator-style Service Bus connection string for the AMQP listener with the first shared access key
    /// (for <c>ServiceBusClient</c>); null when AMQP is disabled.
    /// </summary>
    public string? ServiceBusConnectionString => AmqpEndpoint is { } amqp ? ConnectionString(amqp) : null;

    /// <summary>The same connection string pointed at the HTTP listener (for <c>ServiceBusAdministrationClient</c>); null when HTTP is disabled.</summary>
    public string? AdminConnectionString => HttpEndpoint is { } http ? ConnectionString(http) : null;

    /// <summary>A Service Bus connection string for the AMQP listener signed with the named key (or any key value, to test refusals).</summary>
    public string ServiceBusConnectionStringWith(string keyName, string key)
    {
        IPEndPoint amqp = AmqpEndpoint ?? throw new InvalidOperationException("AMQP is disabled on this host.");
        return ConnectionString(amqp, keyName, key);
    }

    /// <summary>Binds the listeners. An endpoint that cannot be bound throws <see cref="OmnibusStartupException"/> naming the listener.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            string listener = Options.Amqp.Enabled && Options.Amqp.Port != 0 && e.Message.Contains($":{Options.Amqp.Port}", StringComparison.Ordinal) ? "amqp"
                : Options.Aws.Enabled && Options.Aws.Port != 0 && e.Message.Contains($":{Options.Aws.Port}", StringComparison.Ordinal) ? "aws"
                : Options.Kafka.Enabled && Options.Kafka.Port != 0 && e.Message.Contains($":{Options.Kafka.Port}", StringComparison.Ordinal) ? "kafka"
                : Options.RabbitMqManagement.Enabled && Options.RabbitMqManagement.Port != 0 && e.Message.Contains($":{Options.RabbitMqManagement.Port}", StringComparison.Ordinal) ? "rabbitmq-management" : "http";
            throw new OmnibusStartupException(OmnibusStartupFailure.Listen, $"the {listener} listener cannot be bound: {e.Message}", e) { Listener = listener };
        }
        IsStarted = true;
        string amqp = AmqpEndpoint is { } a ? Endpoint(a, "amqp") : "disabled";
        Log.Listening(_logger, HttpEndpoint is { } h ? Endpoint(h, "http") : "disabled", amqp);
        if (AwsEndpoint is { } aws)
        {
            Log.ListeningAws(_logger, Endpoint(aws, "http"));
        }
        if (KafkaEndpoint is { } kafka)
        {
            Log.ListeningKafka(_logger, Endpoint(kafka, "kafka"));
        }
        if (RabbitMqManagementEndpoint is { } management)
        {
            Log.ListeningRabbitMqManagement(_logger, Endpoint(management, "http"));
        }
        if (!Options.Amqp.Enabled)
        {
            Log.AmqpDisabled(_logger);
        }
        Log.Ready(_logger, (long)(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds);
    }

    /// <summary>Waits for SIGTERM / Ctrl+C (or <paramref name="cancellationToken"/>), then stops gracefully.</summary>
    public async Task RunUntilStoppedAsync(CancellationToken cancellationToken = default)
    {
        await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
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
        if (IsStarted)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        await Namespaces.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops without the graceful log lines if <see cref="StopAsync"/> did not run, and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (IsStarted)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        await Namespaces.DisposeAsync().ConfigureAwait(false);
    }

    internal static IEnumerable<KeyValuePair<string, string>> KeysOf(OmnibusHostOptions options) =>
        options.SharedAccessKeys.Count > 0
            ? options.SharedAccessKeys
            : [new KeyValuePair<string, string>(OmnibusHostOptions.DefaultKeyName, OmnibusHostOptions.DefaultKey)];

    private string ConnectionString(IPEndPoint endpoint)
    {
        KeyValuePair<string, string> key = KeysOf(Options).OrderBy(k => k.Key == OmnibusHostOptions.DefaultKeyName ? 0 : 1).First();
        return ConnectionString(endpoint, key.Key, key.Value);
    }

    private static string ConnectionString(IPEndPoint endpoint, string keyName, string key) =>
        $"Endpoint=sb://{ClientHost(endpoint)}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)};SharedAccessKeyName={keyName};SharedAccessKey={key};UseDevelopmentEmulator=true;";

    /// <summary>The host name a client on this machine uses to reach <paramref name="endpoint"/>: "any address" is reached as localhost.</summary>
    private static string ClientHost(IPEndPoint endpoint) => endpoint.Address switch
    {
        { } a when a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) => "localhost",
        { AddressFamily: AddressFamily.InterNetworkV6 } a => $"[{a}]",
        { } a => a.ToString(),
    };

    private static string Endpoint(IPEndPoint endpoint, string scheme) =>
        $"{scheme}://{(endpoint.Address.Equals(IPAddress.IPv6Any) ? "0.0.0.0" : endpoint.Address.ToString())}:{endpoint.Port}";
}
