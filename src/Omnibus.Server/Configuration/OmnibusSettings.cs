using System.Net;
using Microsoft.Extensions.Configuration;
using Omnibus.Hosting;
using Omnibus.Storage;
using Omnibus.Storage.Memory;

namespace Omnibus.Server.Configuration;

/// <summary>
/// Every setting of the server, one class per area, read from .NET configuration (appsettings.json,
/// OMNIBUS__Area__Key environment variables, --Omnibus:Area:Key=value arguments) under the <c>Omnibus</c>
/// section. Defaults live here and in docs/server.md.
/// </summary>
internal sealed record OmnibusSettings(StorageSettings Storage, HttpSettings Http, AmqpSettings Amqp, AuthSettings Auth, EntitiesSettings Entities, ShutdownSettings Shutdown, ConnectionSettings Connections, AwsSettings Aws, KafkaSettings Kafka, RabbitMqManagementSettings RabbitMqManagement)
{
    public const string Section = "Omnibus";

    /// <summary>Reads and validates everything; <paramref name="errors"/> gets one line per bad setting.</summary>
    public static OmnibusSettings Load(IConfiguration configuration, out IReadOnlyList<string> errors)
    {
        var all = new List<string>();
        StorageSettings storage = StorageSettings.Load(configuration, all);
        HttpSettings http = HttpSettings.Load(configuration, all);
        AmqpSettings amqp = AmqpSettings.Load(configuration, all);
        AuthSettings auth = AuthSettings.Load(configuration, all);
        EntitiesSettings entities = EntitiesSettings.Load(configuration, all);
        ShutdownSettings shutdown = ShutdownSettings.Load(configuration, all);
        ConnectionSettings connections = ConnectionSettings.Load(configuration, all);
        AwsSettings aws = AwsSettings.Load(configuration, all);
        if (aws.Enabled && (aws.Port == http.Port || amqp.Enabled && aws.Port == amqp.Port))
        {
            all.Add($"{Section}:Aws:Port {aws.Port} is taken by another listener: they must differ.");
        }
        if (amqp.Enabled && amqp.Port == http.Port)
        {
            all.Add($"{Section}:Amqp:Port and {Section}:Http:Port are both {http.Port}: they must differ.");
        }
        KafkaSettings kafka = KafkaSettings.Load(configuration, all);
        if (kafka.Enabled && ((amqp.Enabled && kafka.Port == amqp.Port) || (aws.Enabled && kafka.Port == aws.Port) || kafka.Port == http.Port))
        {
            all.Add($"{Section}:Kafka:Port {kafka.Port} is taken by another listener: ports must differ.");
        }
        RabbitMqManagementSettings management = RabbitMqManagementSettings.Load(configuration, all);
        if (management.Enabled && (management.Port == http.Port || (amqp.Enabled && management.Port == amqp.Port) || (aws.Enabled && management.Port == aws.Port) || (kafka.Enabled && management.Port == kafka.Port)))
        {
            all.Add($"{Section}:RabbitMqManagement:Port {management.Port} is taken by another listener: ports must differ.");
        }
        errors = all;
        return new OmnibusSettings(storage, http, amqp, auth, entities, shutdown, connections, aws, kafka, management);
    }

    /// <summary>Sets the host's options from these settings; the host adds nothing of its own but defaults.</summary>
    public void ApplyTo(OmnibusHostOptions options)
    {
        options.DataDirectory = Storage.DataDirectory;
        options.Store = Storage.InMemory ? new MemoryLogStore() : null;
        options.Durability = Storage.Durability;
        options.SegmentSize = Storage.SegmentSizeBytes;
        options.SweepInterval = Storage.SweepInterval;
        options.MinFreeSpaceBytes = Storage.MinFreeSpaceBytes;
        options.SegmentFileHandles = new SegmentFileHandleOptions(Storage.MaxOpenSegmentFiles, Storage.SegmentFileIdleTimeout);
        options.SharedFlush = Storage.SharedFlush;
        options.EntitiesFile = Entities.ConfigFile;
        options.ShutdownTimeout = Shutdown.Timeout;
        options.InlineIo = Amqp.InlineIo;
        options.SharedAccessKeys.Clear();
        foreach (KeyValuePair<string, string> k in Auth.SharedAccessKeys)
        {
            options.SharedAccessKeys[k.Key] = k.Value;
        }
        options.Http.Host = Http.Host;
        options.Http.Port = Http.Port;
        options.Http.RequireAuthorization = Http.RequireAuthorization;
        options.Connections.MaxConnections = Connections.MaxConnections;
        options.Connections.MaxConnectionsPerAddress = Connections.MaxConnectionsPerAddress;
        options.Connections.MaxUnauthenticated = Connections.MaxUnauthenticated;
        options.Connections.AuthenticationTimeout = Connections.AuthenticationTimeout;
        options.Connections.SessionsBeforeAuthentication = Connections.SessionsBeforeAuthentication;
        options.Connections.LinksPerSessionBeforeAuthentication = Connections.LinksPerSessionBeforeAuthentication;
        options.Connections.Sessions = Connections.Sessions;
        options.Connections.LinksPerSession = Connections.LinksPerSession;
        options.Connections.RaiseFileHandleLimit = true;
        options.Amqp.Enabled = Amqp.Enabled;
        options.Amqp.Host = Amqp.Host;
        options.Amqp.Port = Amqp.Port;
        Kafka.ApplyTo(options.Kafka);
        options.RabbitMqManagement.Enabled = RabbitMqManagement.Enabled;
        options.RabbitMqManagement.Host = RabbitMqManagement.Host;
        options.RabbitMqManagement.Port = RabbitMqManagement.Port;
        AmqpSettings amqp = Amqp;
        options.Amqp.Configure = o =>
        {
            o.MaxFrameSize = (uint)amqp.MaxFrameSize;
            o.MaxMessageSize = (ulong)amqp.MaxMessageSizeKiB * 1024;
            o.IdleTimeout = amqp.IdleTimeout;
        };
        options.Aws.Enabled = Aws.Enabled;
        options.Aws.Host = Aws.Host;
        options.Aws.Port = Aws.Port;
        AwsSettings aws = Aws;
        options.Aws.Configure = o =>
        {
            o.Credentials.Clear();
            foreach (KeyValuePair<string, string> k in aws.Credentials)
            {
                o.Credentials[k.Key] = k.Value;
            }
            o.MaxClockSkew = aws.MaxClockSkew;
        };
    }

    internal static SettingsReader Reader(IConfiguration configuration, string area) => new(configuration, $"{Section}:{area}");

    internal static IPAddress Address(SettingsReader r, string fallback)
    {
        string raw = r.String("Host", fallback);
        if (raw is "*" or "0.0.0.0")
        {
            return IPAddress.Any;
        }
        if (raw.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        if (IPAddress.TryParse(raw, out IPAddress? ip))
        {
            return ip;
        }
        r.Fail("Host", $"'{raw}' is not an IP address (use 0.0.0.0, *, localhost or an address).");
        return IPAddress.Any;
    }
}

/// <summary><c>Omnibus:Storage</c> — where and how messages are stored.</summary>
internal sealed record StorageSettings(string DataDirectory, bool InMemory, DurabilityPolicy Durability, long SegmentSizeBytes, TimeSpan SweepInterval, int MaxOpenSegmentFiles, TimeSpan SegmentFileIdleTimeout, long MinFreeSpaceBytes, bool SharedFlush)
{
    public static StorageSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Storage");
        string dir = r.String("DataDirectory", "data");
        string store = r.String("Store", "file");
        if (store is not ("file" or "memory"))
        {
            r.Fail("Store", $"'{store}' is not allowed: use file (durable, under DataDirectory) or memory (nothing kept on disk).");
        }
        string durabilityText = r.String("Durability", "always");
        DurabilityPolicy durability = DurabilityPolicy.Always;
        try
        {
            durability = DurabilityPolicy.Parse(durabilityText);
        }
        catch (FormatException)
        {
            r.Fail("Durability", $"'{durabilityText}' is not allowed: use always, none, or interval:<ms> with ms from 1 to 60000.");
        }
        long segmentMiB = r.Long("SegmentSizeMiB", 64, 1, 4096);
        int sweepMs = r.Int("SweepIntervalMs", 100, 1, 60_000);
        int maxOpenFiles = r.Int("MaxOpenSegmentFiles", Storage.FileHandleCache.DefaultMaxOpen, 16, 1_000_000);
        int idleFileSeconds = r.Int("SegmentFileIdleSeconds", (int)Storage.FileHandleCache.DefaultIdleTimeout.TotalSeconds, 1, 3600);
        // Up to 1 TiB; 0 turns the floor off (a write that finds the disk full still refuses sends until space returns).
        long minFreeMiB = r.Long("MinFreeSpaceMiB", 64, 0, 1_048_576);
        bool sharedFlush = r.Bool("SharedFlush", true);
        errors.AddRange(r.Errors);
        return new StorageSettings(dir, store == "memory", durability, segmentMiB * 1024 * 1024, TimeSpan.FromMilliseconds(sweepMs), maxOpenFiles, TimeSpan.FromSeconds(idleFileSeconds), minFreeMiB * 1024 * 1024, sharedFlush);
    }
}

/// <summary><c>Omnibus:Http</c> — the HTTP listener (administration API, /api, health, metrics).</summary>
internal sealed record HttpSettings(IPAddress Host, int Port, bool RequireAuthorization)
{
    public static HttpSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Http");
        var s = new HttpSettings(OmnibusSettings.Address(r, "0.0.0.0"), r.Int("Port", 5300, 1, 65535), r.Bool("RequireAuthorization", true));
        errors.AddRange(r.Errors);
        return s;
    }
}

/// <summary><c>Omnibus:Amqp</c> — the AMQP 1.0 listener.</summary>
internal sealed record AmqpSettings(bool Enabled, IPAddress Host, int Port, int MaxFrameSize, int MaxMessageSizeKiB, TimeSpan IdleTimeout, bool InlineIo)
{
    public static AmqpSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Amqp");
        var s = new AmqpSettings(
            r.Bool("Enabled", true),
            OmnibusSettings.Address(r, "0.0.0.0"),
            r.Int("Port", 5672, 1, 65535),
            r.Int("MaxFrameSize", 65536, 512, 16 * 1024 * 1024),
            r.Int("MaxMessageSizeKiB", 4096, 1, 102_400),
            r.Duration("IdleTimeout", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)),
            r.Bool("InlineIo", true));
        errors.AddRange(r.Errors);
        return s;
    }
}

/// <summary><c>Omnibus:Aws</c> — the Amazon SQS listener (LocalStack's port) and the SigV4 access keys it accepts.</summary>
internal sealed record AwsSettings(bool Enabled, IPAddress Host, int Port, IReadOnlyDictionary<string, string> Credentials, TimeSpan MaxClockSkew)
{
    public static AwsSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Aws");
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IConfigurationSection k in c.GetSection($"{OmnibusSettings.Section}:Aws:AccessKeys").GetChildren())
        {
            if (string.IsNullOrEmpty(k.Value))
            {
                errors.Add($"{OmnibusSettings.Section}:Aws:AccessKeys:{k.Key} is empty: give the access key its secret.");
            }
            else
            {
                keys[k.Key] = k.Value;
            }
        }
        if (keys.Count == 0)
        {
            keys[Omnibus.Aws.AwsOptions.DefaultAccessKeyId] = Omnibus.Aws.AwsOptions.DefaultSecretKey;
        }
        var s = new AwsSettings(
            r.Bool("Enabled", true),
            OmnibusSettings.Address(r, "0.0.0.0"),
            r.Int("Port", 4566, 1, 65535),
            keys,
            r.Duration("MaxClockSkew", TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)));
        errors.AddRange(r.Errors);
        return s;
    }
}

/// <summary><c>Omnibus:Auth</c> — shared access keys accepted on every listener.</summary>
internal sealed record AuthSettings(IReadOnlyDictionary<string, string> SharedAccessKeys)
{
    public const string DefaultKeyName = "RootManageSharedAccessKey";
    public const string DefaultKey = "SAS_KEY_VALUE";

    public static AuthSettings Load(IConfiguration c, List<string> errors)
    {
        IConfigurationSection keys = c.GetSection($"{OmnibusSettings.Section}:Auth:SharedAccessKeys");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IConfigurationSection k in keys.GetChildren())
        {
            if (string.IsNullOrEmpty(k.Value))
            {
                errors.Add($"{OmnibusSettings.Section}:Auth:SharedAccessKeys:{k.Key} is empty: give the key a value.");
            }
            else
            {
                map[k.Key] = k.Value;
            }
        }
        if (map.Count == 0)
        {
            map[DefaultKeyName] = DefaultKey;
        }
        return new AuthSettings(map);
    }
}

/// <summary><c>Omnibus:Entities</c> — entities to create at start-up from a Service Bus emulator Config.json.</summary>
internal sealed record EntitiesSettings(string? ConfigFile)
{
    public static EntitiesSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Entities");
        string? file = r.OptionalString("ConfigFile");
        if (file is not null && !File.Exists(file))
        {
            r.Fail("ConfigFile", $"'{Path.GetFullPath(file)}' does not exist.");
        }
        errors.AddRange(r.Errors);
        return new EntitiesSettings(file);
    }
}

/// <summary><c>Omnibus:Shutdown</c> — how long in-flight work may take after SIGTERM before the host stops anyway.</summary>
internal sealed record ShutdownSettings(TimeSpan Timeout)
{
    public static ShutdownSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Shutdown");
        var s = new ShutdownSettings(r.Duration("Timeout", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromMinutes(10)));
        errors.AddRange(r.Errors);
        return s;
    }
}

/// <summary>
/// <c>Omnibus:Kafka</c> — the Kafka listener: Enabled (true), Host, Port (9092), AdvertisedHost and
/// AdvertisedPort (what clients are told to reconnect to; default the address they reached),
/// AutoCreateTopics (true), DefaultPartitions (1), Sasl:Mechanisms (none: PLAINTEXT; a comma-separated list of
/// PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and Sasl:Users:&lt;name&gt; (passwords).
/// </summary>
internal sealed record KafkaSettings(bool Enabled, IPAddress Host, int Port, string? AdvertisedHost, int? AdvertisedPort, bool AutoCreateTopics, int DefaultPartitions)
{
    /// <summary>SASL mechanisms enabled on the listener; empty: PLAINTEXT.</summary>
    public IReadOnlyList<string> SaslMechanisms { get; init; } = [];

    /// <summary>SASL users and their passwords.</summary>
    public IReadOnlyDictionary<string, string> SaslUsers { get; init; } = new Dictionary<string, string>();

    public static KafkaSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Kafka");
        int advertisedPort = r.Int("AdvertisedPort", 0, 0, 65535);
        var s = new KafkaSettings(
            r.Bool("Enabled", true),
            OmnibusSettings.Address(r, "0.0.0.0"),
            r.Int("Port", 9092, 1, 65535),
            r.OptionalString("AdvertisedHost") is { Length: > 0 } host ? host : null,
            advertisedPort == 0 ? null : advertisedPort,
            r.Bool("AutoCreateTopics", true),
            r.Int("DefaultPartitions", 1, 1, 10_000))
        {
            SaslMechanisms = (r.OptionalString("Sasl:Mechanisms") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            SaslUsers = c.GetSection($"{OmnibusSettings.Section}:Kafka:Sasl:Users").GetChildren().ToDictionary(u => u.Key, u => u.Value ?? "", StringComparer.Ordinal),
        };
        foreach (string m in s.SaslMechanisms.Where(m => m is not (Kafka.Security.KafkaSaslOptions.Plain or Kafka.Security.KafkaSaslOptions.ScramSha256 or Kafka.Security.KafkaSaslOptions.ScramSha512)))
        {
            r.Fail("Sasl:Mechanisms", $"'{m}' is not served (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 are).");
        }
        if (s.SaslMechanisms.Count > 0 && s.SaslUsers.Count == 0)
        {
            r.Fail("Sasl:Users", "name at least one user (Sasl:Users:<name>=<password>) when a SASL mechanism is enabled.");
        }
        errors.AddRange(r.Errors);
        return s;
    }

    public void ApplyTo(KafkaEndpointOptions options)
    {
        options.Enabled = Enabled;
        options.Host = Host;
        options.Port = Port;
        options.AdvertisedHost = AdvertisedHost;
        options.AdvertisedPort = AdvertisedPort;
        options.AutoCreateTopics = AutoCreateTopics;
        options.DefaultPartitions = DefaultPartitions;
        options.SaslMechanisms.AddRange(SaslMechanisms);
        foreach (KeyValuePair<string, string> u in SaslUsers)
        {
            options.SaslUsers[u.Key] = u.Value;
        }
    }
}

/// <summary>
/// <c>Omnibus:RabbitMqManagement</c> — RabbitMQ's management HTTP API (KEDA, rabbitmqadmin, Grafana): Enabled (true),
/// Host (0.0.0.0), Port (15672). Its users are the AMQP 0-9-1 users (guest / guest, guest from loopback only).
/// </summary>
internal sealed record RabbitMqManagementSettings(bool Enabled, IPAddress Host, int Port)
{
    public static RabbitMqManagementSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "RabbitMqManagement");
        var s = new RabbitMqManagementSettings(r.Bool("Enabled", true), OmnibusSettings.Address(r, "0.0.0.0"), r.Int("Port", 15672, 1, 65535));
        errors.AddRange(r.Errors);
        return s;
    }
}
