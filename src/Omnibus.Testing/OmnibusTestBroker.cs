using System.Net;
using Microsoft.Extensions.Logging;
using Omnibus.Core.Engine;
using Omnibus.Hosting;

namespace Omnibus.Testing;

/// <summary>
/// A whole Omnibus broker inside the test process, started through the same <see cref="OmnibusHost"/> as the
/// <c>omnibus</c> executable: every listener on 127.0.0.1 at a free port, a temporary data directory, the
/// connection strings of each protocol the broker serves. Dispose it to stop the broker and delete the
/// directory. Brokers started side by side share nothing.
/// </summary>
/// <example>
/// <code>
/// await using var broker = await OmnibusTestBroker.StartAsync();
/// broker.Broker.CreateQueue(new QueueDescription { Name = "orders" });
/// await using var client = new ServiceBusClient(broker.ServiceBusConnectionString);
/// </code>
/// </example>
public sealed class OmnibusTestBroker : IAsyncDisposable
{
    private readonly OmnibusTestBrokerOptions _options;
    private readonly bool _ownsDirectory;
    private OmnibusHost? _host;
    private int _amqpPort;
    private int _httpPort;
    private int _awsPort;
    private int _kafkaPort;
    private int _managementPort;
    private bool _disposed;
    private readonly Storage.Memory.MemoryLogStore? _memory;

    private OmnibusTestBroker(OmnibusTestBrokerOptions options)
    {
        _options = options;
        _ownsDirectory = options.DataDirectory is null;
        _memory = options.InMemory ? new Storage.Memory.MemoryLogStore() : null;
        DataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "omnibus-test-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Starts a broker with the options <paramref name="configure"/> sets.</summary>
    public static async Task<OmnibusTestBroker> StartAsync(Action<OmnibusTestBrokerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new OmnibusTestBrokerOptions();
        configure?.Invoke(options);
        var broker = new OmnibusTestBroker(options);
        try
        {
            await broker.StartHostAsync(cancellationToken).ConfigureAwait(false);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The running host (its endpoints, services and options).</summary>
    public OmnibusHost Host => _host ?? throw new ObjectDisposedException(nameof(OmnibusTestBroker));

    /// <summary>The broker itself, to create entities or look at messages without a client.</summary>
    public Broker Broker => Host.Broker;

    /// <summary>The data directory the broker runs on.</summary>
    public string DataDirectory { get; }

    /// <summary>The Azure Service Bus connection string (AMQP 1.0 listener, emulator style) for <c>ServiceBusClient</c>.</summary>
    public string ServiceBusConnectionString => Host.ServiceBusConnectionString!;

    /// <summary>The Azure Service Bus connection string for <c>ServiceBusAdministrationClient</c> (the HTTP listener).</summary>
    public string ServiceBusAdministrationConnectionString =>
        Host.AdminConnectionString ?? throw new InvalidOperationException("HTTP is disabled (OmnibusTestBrokerOptions.EnableHttp).");

    /// <summary>The management HTTP base address: the administration API, /api, /health and /metrics.</summary>
    public Uri AdminEndpoint => Host.AdminEndpoint ?? throw new InvalidOperationException("HTTP is disabled (OmnibusTestBrokerOptions.EnableHttp).");

    /// <summary>The AMQP port: AMQP 1.0 (Service Bus) and AMQP 0-9-1 (RabbitMQ), told apart by their protocol header.</summary>
    public int AmqpPort => Host.AmqpEndpoint!.Port;

    /// <summary>The RabbitMQ URI (AMQP 0-9-1, user <c>guest</c>, vhost <c>/</c>) for <c>ConnectionFactory.Uri</c> or amqplib.</summary>
    public string RabbitMqUri => $"amqp://guest:guest@127.0.0.1:{AmqpPort}/";

    /// <summary>The Amazon SQS endpoint (<c>ServiceURL</c> of AmazonSQSConfig, <c>endpoint</c> of @aws-sdk/client-sqs), signed with access key <c>test</c> / secret <c>test</c>, any region.</summary>
    public Uri SqsServiceUrl => Host.SqsServiceUrl ?? throw new InvalidOperationException("SQS is disabled (OmnibusTestBrokerOptions.EnableAws).");
    /// <summary>The Kafka <c>bootstrap.servers</c> (Confluent.Kafka, kafkajs): <c>127.0.0.1:port</c>.</summary>
    public string KafkaBootstrapServers =>
        Host.KafkaEndpoint is { } kafka ? $"127.0.0.1:{kafka.Port}" : throw new InvalidOperationException("Kafka is disabled (OmnibusTestBrokerOptions.EnableKafka).");

    /// <summary>The base address of RabbitMQ's management HTTP API (<c>http://127.0.0.1:port/</c>, basic auth <c>guest</c> / <c>guest</c>).</summary>
    public Uri RabbitMqManagementUrl =>
        Host.RabbitMqManagementEndpoint is { } m ? new Uri($"http://127.0.0.1:{m.Port}/") : throw new InvalidOperationException("The RabbitMQ management API is disabled (OmnibusTestBrokerOptions.EnableRabbitMqManagement).");

    /// <summary>
    /// The connection string of every protocol this broker serves, by <see cref="OmnibusProtocols"/> name: a listener
    /// turned off is left out.
    /// </summary>
    public IReadOnlyDictionary<string, string> ConnectionStrings
    {
        get
        {
            var all = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [OmnibusProtocols.ServiceBus] = ServiceBusConnectionString,
                [OmnibusProtocols.RabbitMq] = RabbitMqUri,
            };
            if (Host.SqsServiceUrl is { } sqs)
            {
                all[OmnibusProtocols.Sqs] = sqs.ToString();
            }
            if (Host.KafkaEndpoint is not null)
            {
                all[OmnibusProtocols.Kafka] = KafkaBootstrapServers;
            }
            return all;
        }
    }

    /// <summary>
    /// Stops the broker gracefully and starts it again on the same data directory and the same ports, so
    /// connection strings stay valid: what was stored before is there after, as after a process restart.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        OmnibusHost old = Host;
        _host = null;
        await old.StopAsync().ConfigureAwait(false);
        await StartHostAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StartHostAsync(CancellationToken cancellationToken)
    {
        OmnibusHostBuilder builder = OmnibusHost.CreateIsolatedBuilder();
        builder.Logging.ClearProviders();
        _options.Logging?.Invoke(builder.Logging);
        OmnibusHostOptions o = builder.Options;
        o.DataDirectory = DataDirectory;
        o.Store = _memory;
        o.Durability = _options.Durability;
        o.TimeProvider = _options.TimeProvider;
        o.Authorization = _options.Authorization;
        o.EntitiesFile = _options.EntitiesFile;
        foreach (KeyValuePair<string, string> k in _options.SharedAccessKeys)
        {
            o.SharedAccessKeys[k.Key] = k.Value;
        }
        o.ShutdownTimeout = TimeSpan.FromSeconds(1);
        // Kestrel's default socket scheduling: the broker shares the process with the test's own clients.
        o.InlineIo = false;
        o.Amqp.Configure = _options.Amqp;
        o.Http.Enabled = _options.EnableHttp;
        o.Http.RequireAuthorization = _options.RequireHttpAuthorization;
        o.Aws.Enabled = _options.EnableAws;
        o.Aws.Configure = _options.Aws;
        o.Kafka.Enabled = _options.EnableKafka;
        o.RabbitMqManagement.Enabled = _options.EnableRabbitMqManagement;
        _options.Host?.Invoke(o);
        // Loopback on a free port, then the same port again after a restart.
        (o.Amqp.Host, o.Amqp.Port) = (IPAddress.Loopback, _amqpPort);
        (o.Http.Host, o.Http.Port) = (IPAddress.Loopback, _httpPort);
        (o.Aws.Host, o.Aws.Port) = (IPAddress.Loopback, _awsPort);
        (o.Kafka.Host, o.Kafka.Port) = (IPAddress.Loopback, _kafkaPort);
        (o.RabbitMqManagement.Host, o.RabbitMqManagement.Port) = (IPAddress.Loopback, _managementPort);
        _host = await builder.StartAsync(cancellationToken).ConfigureAwait(false);
        _amqpPort = _host.AmqpEndpoint?.Port ?? 0;
        _httpPort = _host.HttpEndpoint?.Port ?? 0;
        _awsPort = _host.AwsEndpoint?.Port ?? 0;
        _kafkaPort = _host.KafkaEndpoint?.Port ?? 0;
        _managementPort = _host.RabbitMqManagementEndpoint?.Port ?? 0;
    }

    /// <summary>Stops the broker and deletes the temporary data directory (unless kept or given).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_host is not null)
        {
            await _host.StopAsync().ConfigureAwait(false);
            _host = null;
        }
        if (_ownsDirectory && !_options.KeepDataDirectory)
        {
            await DeleteDirectoryAsync(DataDirectory).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the directory, retrying briefly while a file is still held; a directory that stays is left for the OS's temp cleanup rather than failing the test.</summary>
    private static async Task DeleteDirectoryAsync(string directory)
    {
        for (int attempt = 0; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < 3)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return;
            }
        }
    }
}

/// <summary>The protocol names <see cref="OmnibusTestBroker.ConnectionStrings"/> uses.</summary>
public static class OmnibusProtocols
{
    /// <summary>Azure Service Bus over AMQP 1.0 (Azure.Messaging.ServiceBus, @azure/service-bus).</summary>
    public const string ServiceBus = "servicebus";

    /// <summary>RabbitMQ's AMQP 0-9-1 (RabbitMQ.Client, amqplib).</summary>
    public const string RabbitMq = "rabbitmq";

    /// <summary>Amazon SQS over HTTP (AWSSDK.SQS, @aws-sdk/client-sqs): the endpoint URL.</summary>
    public const string Sqs = "sqs";
    /// <summary>The Kafka wire protocol (Confluent.Kafka, kafkajs): the bootstrap servers.</summary>
    public const string Kafka = "kafka";
}
