namespace Omnibus.Kafka.Protocol;

/// <summary>The request kinds this front-end knows, by Kafka's API key.</summary>
internal enum ApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    DescribeGroups = 15,
    ListGroups = 16,
    SaslHandshake = 17,
    ApiVersions = 18,
    CreateTopics = 19,
    DeleteTopics = 20,
    DeleteRecords = 21,
    InitProducerId = 22,
    OffsetForLeaderEpoch = 23,
    AddPartitionsToTxn = 24,
    AddOffsetsToTxn = 25,
    EndTxn = 26,
    TxnOffsetCommit = 28,
    SaslAuthenticate = 36,
    DescribeConfigs = 32,
    AlterConfigs = 33,
    CreatePartitions = 37,
    DeleteGroups = 42,
    IncrementalAlterConfigs = 44,
    DescribeCluster = 60,
}

/// <summary>
/// What the broker serves: per API key the version range it advertises in ApiVersions (every
/// version in it is implemented) and the first flexible version of that API in Kafka's message
/// definitions, which decides the request and response header versions.
/// </summary>
internal static class ApiVersionTable
{
    public readonly record struct Range(ApiKey Key, short Min, short Max, short FlexibleFrom);

    // Ranges include the maximum kafkajs 2.2.4 uses of each (it takes min(its max, ours) and ignores
    // our minimum) and stop where this broker stops implementing; librdkafka takes the highest common.
    public static readonly IReadOnlyList<Range> Supported =
    [
        new(ApiKey.Produce, 3, 9, 9),
        new(ApiKey.Fetch, 4, 17, 12),
        new(ApiKey.ListOffsets, 1, 6, 6),
        new(ApiKey.Metadata, 0, 12, 9),
        new(ApiKey.OffsetCommit, 2, 8, 8),
        new(ApiKey.OffsetFetch, 1, 7, 6),
        new(ApiKey.FindCoordinator, 0, 4, 3),
        new(ApiKey.JoinGroup, 0, 9, 6),
        new(ApiKey.Heartbeat, 0, 4, 4),
        new(ApiKey.LeaveGroup, 0, 5, 4),
        new(ApiKey.SyncGroup, 0, 5, 4),
        new(ApiKey.DescribeGroups, 0, 5, 5),
        new(ApiKey.ListGroups, 0, 4, 3),
        new(ApiKey.SaslHandshake, 1, 1, short.MaxValue), // v0 (raw tokens without a header afterwards) only clients before Kafka 1.0 send
        new(ApiKey.ApiVersions, 0, 3, 3),
        new(ApiKey.CreateTopics, 0, 7, 5),
        new(ApiKey.DeleteTopics, 0, 6, 4),
        new(ApiKey.InitProducerId, 0, 4, 2),
        new(ApiKey.AddPartitionsToTxn, 0, 3, 3), // v4+ are broker-to-broker
        new(ApiKey.AddOffsetsToTxn, 0, 3, 3),
        new(ApiKey.EndTxn, 0, 3, 3),
        new(ApiKey.TxnOffsetCommit, 0, 3, 3),
        new(ApiKey.SaslAuthenticate, 0, 2, 2),
        new(ApiKey.CreatePartitions, 0, 3, 2),
        new(ApiKey.DescribeConfigs, 0, 4, 4),
        new(ApiKey.AlterConfigs, 0, 2, 2),
        new(ApiKey.IncrementalAlterConfigs, 0, 1, 1),
        new(ApiKey.DescribeCluster, 0, 1, 0),
        new(ApiKey.DeleteGroups, 0, 2, 2),
        new(ApiKey.DeleteRecords, 0, 2, 2),
        new(ApiKey.OffsetForLeaderEpoch, 0, 4, 4),
    ];

    private static readonly Dictionary<short, Range> s_byKey = Supported.ToDictionary(r => (short)r.Key);

    public static bool TryGet(short key, out Range range) => s_byKey.TryGetValue(key, out range);

    public static bool IsSupported(short key, short version) => TryGet(key, out Range r) && version >= r.Min && version <= r.Max;

    /// <summary>Whether a known API's version uses the flexible encoding (request header v2, compact fields).</summary>
    public static bool IsFlexible(short key, short version) => TryGet(key, out Range r) && version >= r.FlexibleFrom;

    /// <summary>Response header v1 (with tagged fields) for flexible versions, except ApiVersions, which always answers with v0.</summary>
    public static bool ResponseHeaderHasTags(short key, short version) => key != (short)ApiKey.ApiVersions && IsFlexible(key, version);
}
