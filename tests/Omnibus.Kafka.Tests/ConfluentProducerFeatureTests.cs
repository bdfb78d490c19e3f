using Confluent.Kafka;

namespace Omnibus.Kafka.Tests;

public sealed class ConfluentProducerFeatureTests
{
    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task BatchesCompressedWithEachCodecAreStoredAndReadBack(CompressionType codec)
    {
        await using var broker = await KafkaBroker.StartAsync();
        string topic = "compressed-" + codec.ToString().ToLowerInvariant();
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker, c => { c.CompressionType = codec; c.LingerMs = 50; }))
        {
            for (int i = 0; i < 200; i++)
            {
                producer.Produce(topic, new Message<string?, string?> { Key = $"k{i}", Value = new string('x', 100) + i });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        }
        Assert.Equal(200, broker.Broker.Streams.Get(topic).HighWatermark(0));
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "c-" + topic);
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        List<ConsumeResult<string?, string?>> got = KafkaBroker.ConsumeMany(consumer, 200);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => new string('x', 100) + i), got.Select(r => r.Message.Value));
    }

    [Fact]
    public async Task AnIdempotentProducerStoresEveryRecordOnceAndInOrder()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker, c => { c.EnableIdempotence = true; c.LingerMs = 2; }))
        {
            for (int i = 0; i < 500; i++)
            {
                producer.Produce("ledger", new Message<string?, string?> { Key = "account", Value = $"entry-{i}" });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        }
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "auditor");
        consumer.Assign(new TopicPartitionOffset("ledger", 0, Offset.Beginning));
        List<ConsumeResult<string?, string?>> got = KafkaBroker.ConsumeMany(consumer, 500);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"entry-{i}"), got.Select(r => r.Message.Value));
        Assert.Equal(500, broker.Broker.Streams.Get("ledger").HighWatermark(0));
    }

    [Fact]
    public async Task OffsetsForTimesFindTheFirstRecordAppendedAtOrAfterATime()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using IProducer<string?, string?> producer = KafkaBroker.Producer(broker);
        await producer.ProduceAsync("clock", new Message<string?, string?> { Value = "before" });
        await Task.Delay(50);
        DateTime middle = DateTime.UtcNow;
        await Task.Delay(50);
        await producer.ProduceAsync("clock", new Message<string?, string?> { Value = "after" });
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "time");
        List<TopicPartitionOffset> found = consumer.OffsetsForTimes([new TopicPartitionTimestamp("clock", 0, new Timestamp(middle))], TimeSpan.FromSeconds(10));
        Assert.Equal(1, found[0].Offset.Value);
        WatermarkOffsets marks = consumer.QueryWatermarkOffsets(new TopicPartition("clock", 0), TimeSpan.FromSeconds(10));
        Assert.Equal((0, 2), (marks.Low.Value, marks.High.Value));
    }
}
