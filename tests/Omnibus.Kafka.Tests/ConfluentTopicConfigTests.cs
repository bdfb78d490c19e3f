using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Omnibus.Core.Streams;

namespace Omnibus.Kafka.Tests;

/// <summary>Topic configs through Confluent.Kafka's admin client: set at creation, altered, described, durable, applied.</summary>
public class ConfluentTopicConfigTests
{
    private static ConfigResource Topic(string name) => new() { Type = ResourceType.Topic, Name = name };

    private static async Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(IAdminClient admin, ConfigResource resource) =>
        (await admin.DescribeConfigsAsync([resource])).Single().Entries;

    [Fact]
    public async Task ConfigsGivenAtCreationAreDescribedAsTopicConfigsAndTheOthersAsDefaults()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using IAdminClient admin = KafkaBroker.Admin(broker);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "orders", NumPartitions = 1, ReplicationFactor = 1,
            Configs = new() { ["retention.ms"] = "3600000", ["cleanup.policy"] = "compact", ["min.insync.replicas"] = "2", ["message.timestamp.type"] = "CreateTime", ["delete.retention.ms"] = "1000" },
        }]);

        Dictionary<string, ConfigEntryResult> configs = await DescribeAsync(admin, Topic("orders"));
        Assert.Equal("3600000", configs["retention.ms"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, configs["retention.ms"].Source);
        Assert.False(configs["retention.ms"].IsDefault);
        Assert.Equal("compact", configs["cleanup.policy"].Value);
        Assert.Equal("2", configs["min.insync.replicas"].Value);
        Assert.Equal("1048588", configs["max.message.bytes"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, configs["max.message.bytes"].Source);
        Assert.True(configs["max.message.bytes"].IsDefault);
        Assert.Equal("-1", configs["retention.bytes"].Value);
        Assert.False(configs["retention.ms"].IsReadOnly);

        StreamDefinition stream = broker.Broker.Streams.Get("orders").Definition;
        Assert.Equal(TimeSpan.FromHours(1), stream.RetentionAge);
        Assert.True(stream.Compacted);
        Assert.Equal(TimeSpan.FromSeconds(1), stream.DeleteRetention);
    }

    [Fact]
    public async Task IncrementalAndFullAltersChangeTheAppliedSettingsAndSurviveARestart()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-kafka-configs", Guid.NewGuid().ToString("N"));
        try
        {
            await using var broker = await KafkaBroker.StartAsync(dataDirectory: dir);
            using (IAdminClient admin = KafkaBroker.Admin(broker))
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = "metrics", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "60000" } }]);
                await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
                {
                    [Topic("metrics")] =
                    [
                        new ConfigEntry { Name = "retention.bytes", Value = "1000000", IncrementalOperation = AlterConfigOpType.Set },
                        new ConfigEntry { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
                        new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append },
                    ],
                });
                StreamDefinition altered = broker.Broker.Streams.Get("metrics").Definition;
                Assert.Null(altered.RetentionAge);
                Assert.Equal(1_000_000, altered.RetentionBytesPerPartition);
                Assert.True(altered.Compacted);
                Dictionary<string, ConfigEntryResult> configs = await DescribeAsync(admin, Topic("metrics"));
                Assert.Equal("delete,compact", configs["cleanup.policy"].Value);
                Assert.True(configs["retention.ms"].IsDefault);

                // AlterConfigs replaces the whole set: what it leaves out returns to its default.
                await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
                {
                    [Topic("metrics")] = [new ConfigEntry { Name = "max.message.bytes", Value = "4096" }],
                });
                Assert.False(broker.Broker.Streams.Get("metrics").Definition.Compacted);
            }

            await broker.RestartAsync();
            using (IAdminClient admin = KafkaBroker.Admin(broker))
            {
                Dictionary<string, ConfigEntryResult> configs = await DescribeAsync(admin, Topic("metrics"));
                Assert.Equal("4096", configs["max.message.bytes"].Value);
                Assert.Equal(ConfigSource.DynamicTopicConfig, configs["max.message.bytes"].Source);
                Assert.True(configs["retention.bytes"].IsDefault);
                Assert.Null(broker.Broker.Streams.Get("metrics").Definition.RetentionBytesPerPartition);
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task AProducedBatchLargerThanTheTopicsMaxMessageBytesIsRefusedAsTooLarge()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IAdminClient admin = KafkaBroker.Admin(broker))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "small", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["max.message.bytes"] = "2048" } }]);
        }
        using IProducer<string?, string?> producer = KafkaBroker.Producer(broker);
        await producer.ProduceAsync("small", new Message<string?, string?> { Value = "fits" });
        var tooLarge = await Assert.ThrowsAsync<ProduceException<string?, string?>>(() => producer.ProduceAsync("small", new Message<string?, string?> { Value = new string('x', 5000) }));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, tooLarge.Error.Code);
        Assert.Equal(1, broker.Broker.Streams.Get("small").HighWatermark(0));
    }

    [Fact]
    public async Task UnknownNamesBadValuesAndAChangedSegmentSizeAreInvalidConfigsAndChangeNothing()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using IAdminClient admin = KafkaBroker.Admin(broker);
        var unknown = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification { Name = "typo", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.msec"] = "1" } }]));
        Assert.Equal(ErrorCode.InvalidConfig, unknown.Results[0].Error.Code);
        Assert.Null(broker.Broker.Streams.Find("typo"));

        await admin.CreateTopicsAsync([new TopicSpecification { Name = "fixed", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["segment.bytes"] = "1048576" } }]);
        var segment = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Topic("fixed")] =
            [
                new ConfigEntry { Name = "retention.ms", Value = "1000", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "segment.bytes", Value = "2097152", IncrementalOperation = AlterConfigOpType.Set },
            ],
        }));
        Assert.Equal(ErrorCode.InvalidConfig, segment.Results[0].Error.Code);
        var policy = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Topic("fixed")] = [new ConfigEntry { Name = "cleanup.policy", Value = "shred", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.Equal(ErrorCode.InvalidConfig, policy.Results[0].Error.Code);
        StreamDefinition stream = broker.Broker.Streams.Get("fixed").Definition;
        Assert.Null(stream.RetentionAge);
        Assert.Equal(1_048_576, stream.SegmentBytes);
        Assert.Equal("1048576", (await DescribeAsync(admin, Topic("fixed")))["segment.bytes"].Value);
    }

    [Fact]
    public async Task TheBrokerResourceIsDescribedReadOnlyAndRefusesChanges()
    {
        await using var broker = await KafkaBroker.StartAsync(k => k.DefaultPartitions = 3);
        using IAdminClient admin = KafkaBroker.Admin(broker);
        var resource = new ConfigResource { Type = ResourceType.Broker, Name = "1" };
        Dictionary<string, ConfigEntryResult> configs = await DescribeAsync(admin, resource);
        Assert.Equal("3", configs["num.partitions"].Value);
        Assert.Equal("1", configs["default.replication.factor"].Value);
        Assert.All(configs.Values, c => Assert.True(c.IsReadOnly));
        Assert.Equal(ConfigSource.StaticBrokerConfig, configs["num.partitions"].Source);

        var refused = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "num.partitions", Value = "5", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.Equal(ErrorCode.InvalidConfig, refused.Results[0].Error.Code);
    }

    [Fact]
    public async Task ALogAppendTimeTopicAnswersTheBrokersAppendTimeToTheProducerAndTheConsumer()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IAdminClient admin = KafkaBroker.Admin(broker))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "stamped", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["message.timestamp.type"] = "LogAppendTime" } }]);
        }
        var old = new Timestamp(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000;
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
        {
            DeliveryResult<string?, string?> delivered = await producer.ProduceAsync("stamped", new Message<string?, string?> { Value = "v", Timestamp = old });
            Assert.Equal(TimestampType.LogAppendTime, delivered.Timestamp.Type);
            Assert.True(delivered.Timestamp.UnixTimestampMs >= before);
        }
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "stamps");
        consumer.Subscribe("stamped");
        ConsumeResult<string?, string?> read = Assert.Single(KafkaBroker.ConsumeMany(consumer, 1));
        Assert.Equal(TimestampType.LogAppendTime, read.Message.Timestamp.Type);
        Assert.True(read.Message.Timestamp.UnixTimestampMs >= before);
    }
}
