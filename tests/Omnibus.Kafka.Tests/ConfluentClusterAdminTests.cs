using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Omnibus.Kafka.Protocol;
using Omnibus.Testing;
using ErrorCode = Confluent.Kafka.ErrorCode;
using KafkaErrorCode = Omnibus.Kafka.Protocol.ErrorCode;

namespace Omnibus.Kafka.Tests;

/// <summary>DeleteRecords, DeleteGroups, DescribeCluster and OffsetForLeaderEpoch, through Confluent.Kafka and by raw requests.</summary>
public class ConfluentClusterAdminTests
{
    private static async Task ProduceAsync(OmnibusTestBroker broker, string topic, int count)
    {
        using IProducer<string?, string?> producer = KafkaBroker.Producer(broker);
        for (int i = 0; i < count; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string?, string?> { Key = $"k{i}", Value = $"v{i}" });
        }
    }

    [Fact]
    public async Task DeleteRecordsMovesTheLogStartOffsetWhichListOffsetsAndConsumersFollowAcrossARestart()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-kafka-delete-records", Guid.NewGuid().ToString("N"));
        try
        {
            await using var broker = await KafkaBroker.StartAsync(dataDirectory: dir);
            using (IAdminClient admin = KafkaBroker.Admin(broker))
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = "ledger", NumPartitions = 1, ReplicationFactor = 1 }]);
                await ProduceAsync(broker, "ledger", 10);
                List<DeleteRecordsResult> deleted = await admin.DeleteRecordsAsync([new TopicPartitionOffset("ledger", 0, 4)]);
                Assert.Equal(4, deleted.Single().Offset.Value);
                var beyond = await Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset("ledger", 0, 11)]));
                Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.Results[0].Error.Code);
            }
            using (IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "after-delete"))
            {
                WatermarkOffsets marks = consumer.QueryWatermarkOffsets(new TopicPartition("ledger", 0), TimeSpan.FromSeconds(10));
                Assert.Equal((4, 10), (marks.Low.Value, marks.High.Value));
                consumer.Subscribe("ledger");
                List<ConsumeResult<string?, string?>> read = KafkaBroker.ConsumeMany(consumer, 6);
                Assert.Equal(Enumerable.Range(4, 6).Select(i => $"v{i}"), read.Select(r => r.Message.Value));
            }

            await broker.RestartAsync();
            using IConsumer<string?, string?> again = KafkaBroker.Consumer(broker, "after-restart");
            Assert.Equal(4, again.QueryWatermarkOffsets(new TopicPartition("ledger", 0), TimeSpan.FromSeconds(10)).Low.Value);
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
    public async Task DeleteGroupsRemovesAnEmptyGroupsOffsetsAndRefusesAGroupWithMembersOrNone()
    {
        await using var broker = await KafkaBroker.StartAsync();
        await ProduceAsync(broker, "work", 3);
        using IAdminClient admin = KafkaBroker.Admin(broker);
        using (IConsumer<string?, string?> done = KafkaBroker.Consumer(broker, "finished"))
        {
            done.Assign(new TopicPartitionOffset("work", 0, Offset.Beginning));
            done.Commit([new TopicPartitionOffset("work", 0, 3)]);
        }
        using IConsumer<string?, string?> busy = KafkaBroker.Consumer(broker, "busy");
        busy.Subscribe("work");
        Assert.Equal(3, KafkaBroker.ConsumeMany(busy, 3).Count);

        var refused = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync(["finished", "busy", "never-was"]));
        Dictionary<string, ErrorCode> errors = refused.Results.ToDictionary(r => r.Group, r => r.Error.Code);
        Assert.Equal(ErrorCode.NoError, errors["finished"]);
        Assert.Equal(ErrorCode.NonEmptyGroup, errors["busy"]);
        Assert.Equal(ErrorCode.GroupIdNotFound, errors["never-was"]);
        Assert.Null(broker.Broker.Streams.FetchOffset("finished", "work", 0));
        Assert.DoesNotContain("finished", broker.Broker.Streams.ListGroups());
    }

    [Fact]
    public async Task DescribeClusterNamesThisBrokerAsTheOnlyNodeAndItsController()
    {
        await using var broker = await KafkaBroker.StartAsync(k => k.ClusterId = "described");
        using (IAdminClient admin = KafkaBroker.Admin(broker))
        {
            DescribeClusterResult cluster = await admin.DescribeClusterAsync();
            Assert.Equal("described", cluster.ClusterId);
            Assert.Equal(1, Assert.Single(cluster.Nodes).Id);
        }

        using var connection = await RawKafkaConnection.OpenAsync(broker);
        foreach (short version in new short[] { 0, 1 })
        {
            KafkaReader r = await connection.CallAsync(ApiKey.DescribeCluster, version, w =>
            {
                w.Bool(true);
                if (version >= 1)
                {
                    w.Int8(1);
                }
                w.Tags();
            });
            r.Int32();
            Assert.Equal(KafkaErrorCode.None, (KafkaErrorCode)r.Int16());
            Assert.Null(r.NullableString());
            if (version >= 1)
            {
                Assert.Equal(1, r.Int8());
            }
            Assert.Equal(("described", 1), (r.String(), r.Int32()));
            Assert.Equal(1, r.ArrayLength());
            Assert.Equal(1, r.Int32());
            string[] hostPort = broker.KafkaBootstrapServers.Split(':');
            Assert.Equal("127.0.0.1", r.String());
            Assert.Equal(int.Parse(hostPort[1], System.Globalization.CultureInfo.InvariantCulture), r.Int32());
        }
    }

    private static void SkipTags(KafkaReader r)
    {
        if (r.Flexible)
        {
            r.SkipTags();
        }
    }

    [Fact]
    public async Task OffsetForLeaderEpochAnswersEpochZeroEndingAtTheLogEndOffset()
    {
        await using var broker = await KafkaBroker.StartAsync();
        await ProduceAsync(broker, "epochs", 5);
        using var connection = await RawKafkaConnection.OpenAsync(broker);
        foreach (short version in new short[] { 2, 3, 4 })
        {
            KafkaReader r = await connection.CallAsync(ApiKey.OffsetForLeaderEpoch, version, w =>
            {
                if (version >= 3)
                {
                    w.Int32(-1);
                }
                w.ArrayLength(1).String("epochs").ArrayLength(3);
                w.Int32(0).Int32(-1).Int32(0).Tags(); // known partition, epoch 0
                w.Int32(0).Int32(3).Int32(0).Tags(); // a current leader epoch this broker never had
                w.Int32(9).Int32(-1).Int32(0).Tags(); // no such partition
                w.Tags().Tags();
            });
            r.Int32();
            Assert.Equal(1, r.ArrayLength());
            Assert.Equal("epochs", r.String());
            Assert.Equal(3, r.ArrayLength());
            Assert.Equal((KafkaErrorCode.None, 0, 0, 5L), ((KafkaErrorCode)r.Int16(), r.Int32(), r.Int32(), r.Int64()));
            SkipTags(r);
            Assert.Equal((KafkaErrorCode.UnknownLeaderEpoch, 0, -1, -1L), ((KafkaErrorCode)r.Int16(), r.Int32(), r.Int32(), r.Int64()));
            SkipTags(r);
            Assert.Equal((KafkaErrorCode.UnknownTopicOrPartition, 9, -1, -1L), ((KafkaErrorCode)r.Int16(), r.Int32(), r.Int32(), r.Int64()));
        }
    }

    [Fact]
    public async Task TheFlexibleVersionsOfTheConfigAndDeletionApisAreAnsweredInTheirExactShape()
    {
        await using var broker = await KafkaBroker.StartAsync();
        await ProduceAsync(broker, "shaped", 3);
        using var connection = await RawKafkaConnection.OpenAsync(broker);

        KafkaReader described = await connection.CallAsync(ApiKey.DescribeConfigs, 4, w =>
            w.ArrayLength(1).Int8(2).String("shaped").StringArray(["retention.ms"]).Tags().Bool(true).Bool(false).Tags());
        described.Int32();
        Assert.Equal(1, described.ArrayLength());
        Assert.Equal((KafkaErrorCode.None, (string?)null, (sbyte)2, "shaped"), ((KafkaErrorCode)described.Int16(), described.NullableString(), described.Int8(), described.String()));
        Assert.Equal(1, described.ArrayLength());
        Assert.Equal(("retention.ms", "-1", false, (sbyte)5, false), (described.String(), described.NullableString(), described.Bool(), described.Int8(), described.Bool()));
        Assert.Equal(1, described.ArrayLength());
        Assert.Equal(("log.retention.ms", "-1", (sbyte)5), (described.String(), described.NullableString(), described.Int8()));
        described.SkipTags();
        Assert.Equal((sbyte)5, described.Int8());
        Assert.Null(described.NullableString());
        described.SkipTags();
        described.SkipTags();
        described.SkipTags();
        Assert.Equal(0, described.Remaining);

        KafkaReader altered = await connection.CallAsync(ApiKey.IncrementalAlterConfigs, 1, w =>
            w.ArrayLength(1).Int8(2).String("shaped").ArrayLength(1).String("retention.ms").Int8(0).NullableString("5000").Tags().Tags().Bool(false).Tags());
        altered.Int32();
        Assert.Equal(1, altered.ArrayLength());
        Assert.Equal((KafkaErrorCode.None, (string?)null, (sbyte)2, "shaped"), ((KafkaErrorCode)altered.Int16(), altered.NullableString(), altered.Int8(), altered.String()));
        altered.SkipTags();
        altered.SkipTags();
        Assert.Equal(0, altered.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(5), broker.Broker.Streams.Get("shaped").Definition.RetentionAge);

        KafkaReader records = await connection.CallAsync(ApiKey.DeleteRecords, 2, w =>
            w.ArrayLength(1).String("shaped").ArrayLength(1).Int32(0).Int64(-1).Tags().Tags().Int32(1000).Tags());
        records.Int32();
        Assert.Equal(1, records.ArrayLength());
        Assert.Equal("shaped", records.String());
        Assert.Equal(1, records.ArrayLength());
        Assert.Equal((0, 3L, KafkaErrorCode.None), (records.Int32(), records.Int64(), (KafkaErrorCode)records.Int16()));
        records.SkipTags();
        records.SkipTags();
        records.SkipTags();
        Assert.Equal(0, records.Remaining);

        KafkaReader groups = await connection.CallAsync(ApiKey.DeleteGroups, 2, w => w.StringArray(["nobody"]).Tags());
        groups.Int32();
        Assert.Equal(1, groups.ArrayLength());
        Assert.Equal(("nobody", KafkaErrorCode.GroupIdNotFound), (groups.String(), (KafkaErrorCode)groups.Int16()));
        groups.SkipTags();
        groups.SkipTags();
        Assert.Equal(0, groups.Remaining);
    }
}
