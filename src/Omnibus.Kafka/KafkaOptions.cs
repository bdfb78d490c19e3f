namespace Omnibus.Kafka;

/// <summary>
/// The Kafka front-end's settings (defaults are Kafka's where Kafka has one). The host fills them from
/// <c>OmnibusHostOptions.Kafka</c> (configuration section <c>Omnibus:Kafka</c>).
/// </summary>
public sealed class KafkaOptions
{
    /// <summary>The host name clients are told to connect to (Metadata, FindCoordinator); null: the address the client reached.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The port clients are told to connect to; null: the port the client reached.</summary>
    public int? AdvertisedPort { get; set; }

    /// <summary>Whether Metadata for an unknown topic creates it (Kafka's <c>auto.create.topics.enable</c>, on by default).</summary>
    public bool AutoCreateTopics { get; set; } = true;

    /// <summary>Partitions of an auto-created topic, or of CreateTopics asking for the default (Kafka's <c>num.partitions</c>).</summary>
    public int DefaultPartitions { get; set; } = 1;

    /// <summary>The largest request accepted (Kafka's <c>socket.request.max.bytes</c>); a larger size closes the connection.</summary>
    public int MaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>The most bytes a produced batch may decompress to.</summary>
    public int MaxBatchBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long a new group waits for more members before its first generation (Kafka's <c>group.initial.rebalance.delay.ms</c>).</summary>
    public TimeSpan InitialRebalanceDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The shortest session time-out a member may ask for (Kafka's <c>group.min.session.timeout.ms</c>).</summary>
    public TimeSpan MinSessionTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>The longest session time-out a member may ask for (Kafka's <c>group.max.session.timeout.ms</c>).</summary>
    public TimeSpan MaxSessionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Requests of one connection handled at once before reading stops (answers still go out in order).</summary>
    public int MaxInFlightPerConnection { get; set; } = 64;

    /// <summary>The cluster id Metadata reports.</summary>
    public string ClusterId { get; set; } = "omnibus";

    /// <summary>This broker's node id (a cluster of one).</summary>
    public int NodeId { get; set; } = 1;

    /// <summary>SASL mechanisms and users; none enabled: a PLAINTEXT listener, as Kafka's default.</summary>
    public Security.KafkaSaslOptions Sasl { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        Sasl.Validate();
        if (DefaultPartitions is < 1 or > Core.Streams.StreamDefinition.MaxPartitions)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultPartitions), DefaultPartitions, "Kafka.DefaultPartitions must be from 1 to 10,000.");
        }
        if (AdvertisedPort is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(AdvertisedPort), AdvertisedPort, "Kafka.AdvertisedPort must be from 1 to 65535.");
        }
        if (MaxRequestBytes < 1024 || MaxBatchBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), "Kafka.MaxRequestBytes and MaxBatchBytes must be at least 1 KiB.");
        }
        if (MinSessionTimeout <= TimeSpan.Zero || MaxSessionTimeout < MinSessionTimeout || InitialRebalanceDelay < TimeSpan.Zero || MaxInFlightPerConnection < 1)
        {
            throw new ArgumentException("Kafka session time-outs, the initial rebalance delay and MaxInFlightPerConnection must be positive, the maximum session time-out at least the minimum.");
        }
    }
}
