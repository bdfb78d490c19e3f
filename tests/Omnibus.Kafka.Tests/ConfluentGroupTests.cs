using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Omnibus.Kafka.Tests;

public sealed class ConfluentGroupTests
{
    private static async Task ProduceAsync(IProducer<string?, string?> producer, string topic, int from, int count, int? partition = null)
    {
        for (int i = from; i < from + count; i++)
        {
            var message = new Message<string?, string?> { Key = $"k{i}", Value = $"v{i}" };
            if (partition is { } p)
            {
                await producer.ProduceAsync(new TopicPartition(topic, p), message);
            }
            else
            {
                await producer.ProduceAsync(topic, message);
            }
        }
    }

    [Fact]
    public async Task AGroupConsumerCommitsAndAfterABrokerRestartResumesAfterTheCommittedOffset()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-kafka-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var broker = await KafkaBroker.StartAsync(dataDirectory: dir))
            {
                using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
                {
                    await ProduceAsync(producer, "payments", 0, 20);
                }
                using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "billing");
                consumer.Subscribe("payments");
                List<ConsumeResult<string?, string?>> first = KafkaBroker.ConsumeMany(consumer, 12);
                Assert.Equal(Enumerable.Range(0, 12).Select(i => $"v{i}"), first.Select(r => r.Message.Value));
                consumer.Commit(first[^1]);
                List<TopicPartitionOffset> committed = consumer.Committed([new TopicPartition("payments", 0)], TimeSpan.FromSeconds(10));
                Assert.Equal(12, committed[0].Offset.Value);
                consumer.Close();

                await broker.RestartAsync();
                using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
                {
                    await ProduceAsync(producer, "payments", 20, 5);
                }
                using IConsumer<string?, string?> again = KafkaBroker.Consumer(broker, "billing");
                again.Subscribe("payments");
                List<ConsumeResult<string?, string?>> rest = KafkaBroker.ConsumeMany(again, 13);
                Assert.Equal(Enumerable.Range(12, 13).Select(i => $"v{i}"), rest.Select(r => r.Message.Value));
                again.Close();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TwoConsumersOfOneGroupSplitThePartitionsAndTheSurvivorTakesAllAfterOneLeaves()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IAdminClient admin = KafkaBroker.Admin(broker))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "shared", NumPartitions = 4, ReplicationFactor = 1 }]);
        }
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
        {
            for (int p = 0; p < 4; p++)
            {
                await ProduceAsync(producer, "shared", p * 10, 10, p);
            }
        }
        using IConsumer<string?, string?> a = KafkaBroker.Consumer(broker, "split");
        using IConsumer<string?, string?> b = KafkaBroker.Consumer(broker, "split");
        a.Subscribe("shared");
        b.Subscribe("shared");
        var seen = new HashSet<string?>();
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((a.Assignment.Count != 2 || b.Assignment.Count != 2 || seen.Count < 40) && DateTime.UtcNow < end)
        {
            foreach (IConsumer<string?, string?> c in new[] { a, b })
            {
                if (c.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r)
                {
                    seen.Add(r.Message.Value);
                    c.Commit(r);
                }
            }
        }
        Assert.Equal(2, a.Assignment.Count);
        Assert.Equal(2, b.Assignment.Count);
        Assert.Empty(a.Assignment.Intersect(b.Assignment));
        Assert.Equal(40, seen.Count);

        b.Close();
        end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (a.Assignment.Count != 4 && DateTime.UtcNow < end)
        {
            a.Consume(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(4, a.Assignment.Count);
        a.Close();
    }

    [Fact]
    public async Task TheAdminClientCreatesATopicAddsPartitionsAndListsAndDescribesGroups()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using IAdminClient admin = KafkaBroker.Admin(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "inventory", NumPartitions = 2, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "86400000" } }]);
        var exists = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification { Name = "inventory", NumPartitions = 1 }]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, exists.Results[0].Error.Code);
        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "inventory", IncreaseTo = 5 }]);
        Metadata metadata = admin.GetMetadata("inventory", TimeSpan.FromSeconds(10));
        Assert.Equal(5, metadata.Topics.Single().Partitions.Count);
        Assert.Equal(5, broker.Broker.Streams.Get("inventory").PartitionCount);

        using (IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "stock"))
        {
            consumer.Assign(new TopicPartitionOffset("inventory", 0, Offset.Beginning));
            consumer.Commit([new TopicPartitionOffset("inventory", 0, 0)]);
        }
        ListConsumerGroupsResult groups = await admin.ListConsumerGroupsAsync();
        Assert.Contains(groups.Valid, g => g.GroupId == "stock");
        DescribeConsumerGroupsResult described = await admin.DescribeConsumerGroupsAsync(["stock"]);
        Assert.Equal(ConsumerGroupState.Empty, described.ConsumerGroupDescriptions[0].State);

        await admin.DeleteTopicsAsync(["inventory"]);
        Assert.DoesNotContain(broker.Broker.Streams.List(), d => d.Name == "inventory");
    }
}
