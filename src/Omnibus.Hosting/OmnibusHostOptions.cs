using System.Net;
using Omnibus.Amqp.Listener;
using Omnibus.Core.Security;
using Omnibus.Storage;

namespace Omnibus.Hosting;

/// <summary>
/// Everything a host needs: where data lives, how durable it is, the listeners of each front-end, the keys
/// they accept, the entities to provision and the clock. Defaults are those of the <c>omnibus</c>
/// executable (docs/server.md); <see cref="Validate"/> runs when the host is built.
/// </summary>
public sealed class OmnibusHostOptions
{
    /// <summary>The key name of the default shared access key, as the Service Bus emulator has it.</summary>
    public const string DefaultKeyName = "RootManageSharedAccessKey";

    /// <summary>The default shared access key's value, as the Service Bus emulator has it.</summary>
    public const string DefaultKey = "SAS_KEY_VALUE";

    /// <summary>The data directory; created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Where messages are kept: null (the default) for files under <see cref="DataDirectory"/>, or a
    /// <see cref="Storage.Memory.MemoryLogStore"/> to keep nothing on disk (everything is gone when the
    /// process ends; a host restarted in the same process on the same store instance finds it again).
    /// </summary>
    public Storage.ILogStore? Store { get; set; }

    /// <summary>When an append is confirmed: after fsync (<c>always</c>), on an interval, or never synced (<c>none</c>).</summary>
    public DurabilityPolicy Durability { get; set; } = DurabilityPolicy.Always;

    /// <summary>The size at which a partition log starts a new segment file.</summary>
    public long SegmentSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Budget and idle timeout of the process-wide cache of open segment files
    /// (<see cref="Storage.FileHandleCache.Shared"/>), set before the broker opens; null leaves it as
    /// it is (several hosts in one process share it). The server sets it from its settings.
    /// </summary>
    public SegmentFileHandleOptions? SegmentFileHandles { get; set; }

    /// <summary>
    /// Whether durable appends of all entities share flushes (<see cref="Storage.LogWriterPool.SharedFlush"/>
    /// of the process-wide writer pool), set when the broker opens; null leaves it as it is (on by
    /// default). The server sets it from <c>Omnibus:Storage:SharedFlush</c>.
    /// </summary>
    public bool? SharedFlush { get; set; }

    /// <summary>
    /// Free bytes the data directory's volume must keep; below it new messages are refused (Service
    /// Bus: QuotaExceeded) while receives and settlements go on, until space is freed. 0 turns the floor off.
    /// </summary>
    public long MinFreeSpaceBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gives the free bytes of the volume holding a directory; null probes the real volume (tests inject their own).</summary>
    public Func<string, long>? FreeSpaceProbe { get; set; }

    /// <summary>How often expired locks, TTLs and schedules are swept.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The broker's clock (locks, TTL, schedules, token expiry).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Decides every call's access; allow-all when null.</summary>
    public IAuthorizationHook? Authorization { get; set; }

    /// <summary>Shared access keys (name to key) accepted on every listener; the emulator's default key when empty.</summary>
    public IDictionary<string, string> SharedAccessKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A Service Bus emulator <c>Config.json</c> whose entities are created or updated when the host is built.</summary>
    public string? EntitiesFile { get; set; }

    /// <summary>The management HTTP listener: the Service Bus administration (ATOM) API, /api, /health, /metrics.</summary>
    public HttpEndpointOptions Http { get; } = new();

    /// <summary>The AMQP 1.0 listener (Azure Service Bus clients).</summary>
    public AmqpEndpointOptions Amqp { get; } = new();

    /// <summary>The Amazon SQS listener (AWS SDKs over HTTP, SigV4): LocalStack's port 4566 by default.</summary>
    public AwsEndpointOptions Aws { get; } = new();
    /// <summary>The Kafka listener (Confluent.Kafka, kafkajs and every other Kafka client).</summary>
    public KafkaEndpointOptions Kafka { get; } = new();

    /// <summary>RabbitMQ's management HTTP API (KEDA, rabbitmqadmin, Grafana): port 15672, off unless asked for.</summary>
    public RabbitMqManagementEndpointOptions RabbitMqManagement { get; } = new();

    /// <summary>Caps the shared transport applies to every protocol listener.</summary>
    public ConnectionLimitOptions Connections { get; } = new();

    /// <summary>How long in-flight work may take when the host stops before it stops anyway.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether socket continuations run on the socket thread instead of being queued: more messages a second
    /// for the AMQP read loop, at the price of a synchronously computing HTTP request delaying other sockets.
    /// </summary>
    public bool InlineIo { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("DataDirectory must be set.", nameof(DataDirectory));
        }
        ArgumentNullException.ThrowIfNull(TimeProvider);
        Http.Validate("Http");
        Amqp.Validate("Amqp");
        Aws.Validate("Aws");
        if (Aws.Enabled && Aws.Port != 0 && (Http.Enabled && Aws.Port == Http.Port || Amqp.Enabled && Aws.Port == Amqp.Port))
        {
            throw new ArgumentException($"Aws.Port {Aws.Port} is taken by another listener: they must differ.", nameof(Aws));
        }
        if (Http.Enabled && Amqp.Enabled && Http.Port != 0 && Http.Port == Amqp.Port)
        {
            throw new ArgumentException($"Http.Port and Amqp.Port are both {Http.Port}: they must differ.", nameof(Amqp));
        }
        Kafka.Validate("Kafka");
        if (Kafka.Enabled && Kafka.Port != 0 && ((Http.Enabled && Http.Port == Kafka.Port) || (Amqp.Enabled && Amqp.Port == Kafka.Port)))
        {
            throw new ArgumentException($"Kafka.Port {Kafka.Port} is taken by another listener: ports must differ.", nameof(Kafka));
        }
        RabbitMqManagement.Validate("RabbitMqManagement");
        if (RabbitMqManagement.Enabled && RabbitMqManagement.Port != 0
            && ((Http.Enabled && Http.Port == RabbitMqManagement.Port) || (Amqp.Enabled && Amqp.Port == RabbitMqManagement.Port)
                || (Aws.Enabled && Aws.Port == RabbitMqManagement.Port) || (Kafka.Enabled && Kafka.Port == RabbitMqManagement.Port)))
        {
            throw new ArgumentException($"RabbitMqManagement.Port {RabbitMqManagement.Port} is taken by another listener: ports must differ.", nameof(RabbitMqManagement));
        }
        if (MinFreeSpaceBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinFreeSpaceBytes), MinFreeSpaceBytes, "MinFreeSpaceBytes must not be negative (0 turns the floor off).");
        }
        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "ShutdownTimeout must not be negative.");
        }
        foreach (KeyValuePair<string, string> k in SharedAccessKeys)
        {
            if (string.IsNullOrEmpty(k.Key) || string.IsNullOrEmpty(k.Value))
            {
                throw new ArgumentException("A shared access key needs a name and a value.", nameof(SharedAccessKeys));
            }
        }
    }
}

/// <summary>One listener: whether it runs, the address it binds and its port (0: a free port the OS picks).</summary>
public abstract class EndpointOptions(int defaultPort)
{
    /// <summary>Whether this listener is served.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The address to bind; <see cref="IPAddress.Any"/> listens on IPv6 and IPv4 both.</summary>
    public IPAddress Host { get; set; } = IPAddress.Any;

    /// <summary>The port; 0 binds a free port, which <see cref="OmnibusHost"/> reports once started.</summary>
    public int Port { get; set; } = defaultPort;

    internal void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(Host, name + ".Host");
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(name + ".Port", Port, $"{name}.Port must be from 0 (a free port) to 65535.");
        }
    }
}

/// <summary>The management HTTP listener.</summary>
public sealed class HttpEndpointOptions() : EndpointOptions(5300)
{
    /// <summary>Whether the administration API and /api ask for a shared access signature.</summary>
    public bool RequireAuthorization { get; set; } = true;
}

/// <summary>The AMQP 1.0 listener.</summary>
public sealed class AmqpEndpointOptions() : EndpointOptions(5672)
{
    /// <summary>Frame size, message size, idle timeout and the other engine settings (validated when the host is built).</summary>
    public Action<AmqpListenerOptions>? Configure { get; set; }
}

/// <summary>The Amazon SQS listener.</summary>
public sealed class AwsEndpointOptions() : EndpointOptions(4566)
{
    /// <summary>Access keys, account id, clock skew and the other front-end settings (validated when the host is built).</summary>
    public Action<Aws.AwsOptions>? Configure { get; set; }
}

/// <summary>The Kafka listener: its port (9092), the address clients are told to reconnect to, topic auto-creation.</summary>
public sealed class KafkaEndpointOptions : EndpointOptions
{
    /// <summary>Off unless asked for, so embedded hosts (tests side by side) do not all reach for 9092; the server's settings turn it on.</summary>
    public KafkaEndpointOptions()
        : base(9092) => Enabled = false;

    /// <summary>The host name Metadata and FindCoordinator give clients; null: the address each client reached.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The port Metadata and FindCoordinator give clients; null: the port each client reached.</summary>
    public int? AdvertisedPort { get; set; }

    /// <summary>Whether Metadata for an unknown topic creates it (Kafka's default: on).</summary>
    public bool AutoCreateTopics { get; set; } = true;

    /// <summary>Partitions of an auto-created topic (Kafka's <c>num.partitions</c>, 1).</summary>
    public int DefaultPartitions { get; set; } = 1;

    /// <summary>SASL mechanisms the listener requires (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512); empty: PLAINTEXT, Kafka's default.</summary>
    public List<string> SaslMechanisms { get; } = [];

    /// <summary>SASL users: name → password.</summary>
    public Dictionary<string, string> SaslUsers { get; } = new(StringComparer.Ordinal);

    /// <summary>The other front-end settings (group time-outs, request size), validated when the host is built.</summary>
    public Action<Omnibus.Kafka.KafkaOptions>? Configure { get; set; }

    internal void Apply(Omnibus.Kafka.KafkaOptions o)
    {
        o.AdvertisedHost = AdvertisedHost;
        o.AdvertisedPort = AdvertisedPort;
        o.AutoCreateTopics = AutoCreateTopics;
        o.DefaultPartitions = DefaultPartitions;
        o.Sasl.Mechanisms.AddRange(SaslMechanisms);
        foreach (KeyValuePair<string, string> u in SaslUsers)
        {
            o.Sasl.Users[u.Key] = u.Value;
        }
        Configure?.Invoke(o);
    }
}

/// <summary>RabbitMQ's management HTTP API listener (Omnibus.Amqp091.Management): its port (15672) and the API's settings.</summary>
public sealed class RabbitMqManagementEndpointOptions : EndpointOptions
{
    /// <summary>Off unless asked for, so embedded hosts side by side do not all reach for 15672; the server's settings and the test broker turn it on.</summary>
    public RabbitMqManagementEndpointOptions()
        : base(15672) => Enabled = false;

    /// <summary>Statistics interval, cluster and node names (validated when the host is built). Users are the AMQP 0-9-1 front-end's.</summary>
    public Action<Amqp091.Management.RabbitMqManagementOptions>? Configure { get; set; }
}

/// <summary>
/// Connection caps of the shared transport (every protocol listener): open connections in total, per
/// source address and not yet authenticated, the time a connection has to authenticate, and sessions /
/// links per connection before and after authentication. Defaults in docs/server.md.
/// </summary>
public sealed class ConnectionLimitOptions
{
    public int MaxConnections { get; set; } = 10_000;
    public int MaxConnectionsPerAddress { get; set; } = 1_000;
    public int MaxUnauthenticated { get; set; } = 1_000;
    public TimeSpan AuthenticationTimeout { get; set; } = TimeSpan.FromSeconds(15);
    public int SessionsBeforeAuthentication { get; set; } = 64;
    public int LinksPerSessionBeforeAuthentication { get; set; } = 4;
    public int Sessions { get; set; } = 1024;
    public int LinksPerSession { get; set; } = 1024;

    /// <summary>
    /// Raise the process's soft file-handle limit to the hard one at start and keep the caps below it.
    /// The server executable does; an in-process test broker leaves its host process alone by default.
    /// </summary>
    public bool RaiseFileHandleLimit { get; set; }
}
