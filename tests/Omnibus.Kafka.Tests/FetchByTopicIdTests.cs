using Confluent.Kafka;
using Omnibus.Kafka.Protocol;
using Omnibus.Testing;
using KafkaErrorCode = Omnibus.Kafka.Protocol.ErrorCode;

namespace Omnibus.Kafka.Tests;

/// <summary>Fetch v13+ names topics by id (raw requests: the answer's exact shape).</summary>
public class FetchByTopicIdTests
{
    [Fact]
    public async Task AFetchByTopicIdReadsTheTopicsRecordsAndAnUnknownIdIsUnknownTopicId()
    {
        await using OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
        {
            for (int i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(new TopicPartition("by-id", 0), new Message<string?, string?> { Value = $"v{i}" });
            }
        }
        using var connection = await RawKafkaConnection.OpenAsync(broker);
        KafkaUuid known = KafkaUuid.ForTopic("by-id");
        var unknown = new KafkaUuid(7, 7);
        foreach (short version in new short[] { 13, 15, 17 })
        {
            KafkaReader r = await connection.CallAsync(ApiKey.Fetch, version, w =>
            {
                if (version <= 14)
                {
                    w.Int32(-1);
                }
                w.Int32(0).Int32(0).Int32(1 << 20).Int8(0).Int32(0).Int32(-1);
                w.ArrayLength(2);
                foreach (KafkaUuid id in new[] { known, unknown })
                {
                    w.Uuid(id).ArrayLength(1).Int32(0).Int32(-1).Int64(0).Int32(-1).Int64(-1).Int32(1 << 20).Tags().Tags();
                }
                w.ArrayLength(0).String(string.Empty).Tags();
            });
            r.Int32();
            Assert.Equal((KafkaErrorCode.None, 0), ((KafkaErrorCode)r.Int16(), r.Int32()));
            Assert.Equal(2, r.ArrayLength());
            Assert.Equal(known, r.Uuid());
            Assert.Equal(1, r.ArrayLength());
            Assert.Equal((0, KafkaErrorCode.None, 3L), (r.Int32(), (KafkaErrorCode)r.Int16(), r.Int64()));
            r.Int64();
            r.Int64();
            Assert.Equal(0, r.ArrayLength());
            Assert.Equal(-1, r.Int32());
            Assert.True(r.Bytes().Length > 0);
            r.SkipTags();
            r.SkipTags();
            Assert.Equal(unknown, r.Uuid());
            Assert.Equal(1, r.ArrayLength());
            Assert.Equal((0, KafkaErrorCode.UnknownTopicId), (r.Int32(), (KafkaErrorCode)r.Int16()));
            r.Int64();
            r.Int64();
            r.Int64();
            r.ArrayLength();
            r.Int32();
            Assert.Equal(0, r.Bytes().Length);
            r.SkipTags();
            r.SkipTags();
            r.SkipTags();
            Assert.Equal(0, r.Remaining);
        }
    }
}
