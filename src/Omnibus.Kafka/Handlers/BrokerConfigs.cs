using System.Globalization;
using Omnibus.Kafka.Connection;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// The broker resource's configs as DescribeConfigs reports them: read-only, from the settings the
/// broker started with, under Kafka's names, so that tools showing a broker's configs see true values.
/// </summary>
internal static class BrokerConfigs
{
    public sealed record BrokerConfig(string Name, string Value, ConfigType Type);

    public static IReadOnlyList<BrokerConfig> Of(KafkaServices services)
    {
        KafkaOptions o = services.Options;
        return
        [
            new("node.id", Text(o.NodeId), ConfigType.Int),
            new("broker.id", Text(o.NodeId), ConfigType.Int),
            new("num.partitions", Text(o.DefaultPartitions), ConfigType.Int),
            new("auto.create.topics.enable", o.AutoCreateTopics ? "true" : "false", ConfigType.Boolean),
            new("default.replication.factor", "1", ConfigType.Int),
            new("offsets.topic.replication.factor", "1", ConfigType.Int),
            new("transaction.state.log.replication.factor", "1", ConfigType.Int),
            new("min.insync.replicas", "1", ConfigType.Int),
            new("message.max.bytes", Text(TopicConfigs.DefaultMaxMessageBytes), ConfigType.Int),
            new("socket.request.max.bytes", Text(o.MaxRequestBytes), ConfigType.Int),
            new("log.retention.ms", "-1", ConfigType.Long),
            new("log.retention.bytes", "-1", ConfigType.Long),
            new("log.cleanup.policy", "delete", ConfigType.List),
            new("log.segment.bytes", Text(services.Streams.Options.SegmentSize), ConfigType.Int),
            new("log.cleaner.delete.retention.ms", "86400000", ConfigType.Long),
            new("log.message.timestamp.type", "CreateTime", ConfigType.String),
            new("group.initial.rebalance.delay.ms", Text((long)o.InitialRebalanceDelay.TotalMilliseconds), ConfigType.Int),
            new("group.min.session.timeout.ms", Text((long)o.MinSessionTimeout.TotalMilliseconds), ConfigType.Int),
            new("group.max.session.timeout.ms", Text((long)o.MaxSessionTimeout.TotalMilliseconds), ConfigType.Int),
            new("transaction.max.timeout.ms", Text((long)Transactions.TransactionCoordinator.MaxTimeout.TotalMilliseconds), ConfigType.Int),
        ];
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
