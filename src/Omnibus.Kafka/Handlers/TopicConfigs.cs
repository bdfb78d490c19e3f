using System.Globalization;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;

namespace Omnibus.Kafka.Handlers;

/// <summary>Kafka's config value types, as DescribeConfigs v3+ reports them.</summary>
internal enum ConfigType : sbyte
{
    Boolean = 1,
    String = 2,
    Int = 3,
    Long = 5,
    Double = 6,
    List = 7,
}

/// <summary>Where a described config's value comes from (Kafka's ConfigSource).</summary>
internal enum ConfigSource : sbyte
{
    TopicConfig = 1,
    StaticBrokerConfig = 4,
    DefaultConfig = 5,
}

/// <summary>One topic config this broker knows: its type, default, the broker setting it defaults from, and how a value is checked.</summary>
internal sealed record TopicConfig(string Name, ConfigType Type, string? BrokerSynonym, Func<KafkaServices, string> Default, Func<string, string?> Check, bool Applied);

/// <summary>
/// The topic configs accepted at CreateTopics and by AlterConfigs / IncrementalAlterConfigs. Every
/// config set is kept as given in the stream's <see cref="StreamDefinition.Settings"/> (durable with
/// the topic); those the core acts on are also applied to the definition: retention (time and size),
/// compaction, the tombstone retention and the segment size. <c>max.message.bytes</c> is enforced by
/// Produce; <c>message.timestamp.type=LogAppendTime</c> makes Fetch and Produce answer the broker's
/// append time. The rest are accepted and reported without effect (one copy of each log: there are no
/// replicas to count).
/// </summary>
internal static class TopicConfigs
{
    /// <summary>Kafka's default for <c>message.max.bytes</c> / <c>max.message.bytes</c>.</summary>
    public const int DefaultMaxMessageBytes = 1_048_588;

    public const string MaxMessageBytes = "max.message.bytes";

    public static readonly IReadOnlyList<TopicConfig> All =
    [
        new("cleanup.policy", ConfigType.List, "log.cleanup.policy", _ => "delete", CleanupPolicy, true),
        new("compression.type", ConfigType.String, "compression.type", _ => "producer", v => OneOf(v, "producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"), false),
        new("delete.retention.ms", ConfigType.Long, "log.cleaner.delete.retention.ms", _ => "86400000", v => Whole(v, 0), true),
        new(MaxMessageBytes, ConfigType.Int, "message.max.bytes", _ => DefaultMaxMessageBytes.ToString(CultureInfo.InvariantCulture), v => Whole(v, 0, int.MaxValue), true),
        new("message.timestamp.type", ConfigType.String, "log.message.timestamp.type", _ => "CreateTime", v => OneOf(v, "CreateTime", "LogAppendTime"), true),
        new("min.insync.replicas", ConfigType.Int, "min.insync.replicas", _ => "1", v => Whole(v, 1, int.MaxValue), false),
        new("retention.bytes", ConfigType.Long, "log.retention.bytes", _ => "-1", MinusOneOrPositive, true),
        new("retention.ms", ConfigType.Long, "log.retention.ms", _ => "-1", MinusOneOrPositive, true),
        new("segment.bytes", ConfigType.Int, "log.segment.bytes", s => s.Streams.Options.SegmentSize.ToString(CultureInfo.InvariantCulture), v => Whole(v, Storage.LogOptions.MinSegmentSize, int.MaxValue), true),
        new("segment.ms", ConfigType.Long, "log.roll.ms", _ => "604800000", v => Whole(v, 1), false),
        new("min.compaction.lag.ms", ConfigType.Long, "log.cleaner.min.compaction.lag.ms", _ => "0", v => Whole(v, 0), false),
        new("max.compaction.lag.ms", ConfigType.Long, "log.cleaner.max.compaction.lag.ms", _ => "9223372036854775807", v => Whole(v, 1), false),
        new("unclean.leader.election.enable", ConfigType.Boolean, "unclean.leader.election.enable", _ => "false", v => OneOf(v, "true", "false"), false),
    ];

    private static readonly Dictionary<string, TopicConfig> s_byName = All.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TopicConfig? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>Why this name and value cannot be set, or null when they can.</summary>
    public static string? Check(string name, string value) =>
        Find(name) is { } config ? config.Check(value) is { } why ? $"{name}: {why}" : null : $"Unknown topic config name: {name}.";

    /// <summary>
    /// The definition with these settings: every core-mapped field from its setting, or its default
    /// when unset. The settings are checked already (<see cref="Check"/>).
    /// </summary>
    public static StreamDefinition Apply(StreamDefinition d, IReadOnlyDictionary<string, string> settings)
    {
        long? retentionMs = Long(settings, "retention.ms");
        long? retentionBytes = Long(settings, "retention.bytes");
        long? deleteRetention = Long(settings, "delete.retention.ms");
        return d with
        {
            RetentionAge = retentionMs is > 0 ? TimeSpan.FromMilliseconds(retentionMs.Value) : null,
            RetentionBytesPerPartition = retentionBytes is > 0 ? retentionBytes : null,
            Compacted = settings.TryGetValue("cleanup.policy", out string? policy) && Items(policy).Contains("compact"),
            DeleteRetention = deleteRetention is { } ms ? TimeSpan.FromMilliseconds(ms) : new StreamDefinition { Name = d.Name }.DeleteRetention,
            Settings = settings.Count == 0 ? null : new Dictionary<string, string>(settings, StringComparer.Ordinal),
        };
    }

    /// <summary>The segment size the settings ask for; null: the broker's.</summary>
    public static long? SegmentBytes(IReadOnlyDictionary<string, string> settings) => Long(settings, "segment.bytes");

    /// <summary>The largest record batch a produce may carry to this stream.</summary>
    public static int MaxMessageBytesOf(StreamDefinition d) =>
        d.Settings is { } s && s.TryGetValue(MaxMessageBytes, out string? v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : DefaultMaxMessageBytes;

    /// <summary>Whether records of this stream carry the broker's append time (<c>message.timestamp.type=LogAppendTime</c>).</summary>
    public static bool IsLogAppendTime(StreamDefinition d) => d.Settings?.GetValueOrDefault("message.timestamp.type") == "LogAppendTime";

    /// <summary>The items of a list config (cleanup.policy), trimmed, without empty ones.</summary>
    public static List<string> Items(string value) => [.. value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0)];

    private static long? Long(IReadOnlyDictionary<string, string> settings, string name) =>
        settings.TryGetValue(name, out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : null;

    private static string? CleanupPolicy(string value)
    {
        List<string> items = Items(value);
        return items.Count > 0 && items.All(i => i is "delete" or "compact") ? null : $"'{value}' is not a list of 'delete' and 'compact'.";
    }

    private static string? OneOf(string value, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? null : $"'{value}' is not one of {string.Join(", ", allowed)}.";

    private static string? Whole(string value, long min, long max = long.MaxValue) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && n >= min && n <= max
            ? null
            : $"'{value}' is not a whole number from {min} to {max}.";

    // The core has no "delete at once": zero is refused rather than silently kept forever.
    private static string? MinusOneOrPositive(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && (n == -1 || n > 0)
            ? null
            : $"'{value}' must be -1 (no limit) or a positive whole number.";
}
