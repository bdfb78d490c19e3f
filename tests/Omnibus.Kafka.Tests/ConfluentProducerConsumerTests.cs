using System.Text;
using Confluent.Kafka;

namespace Omnibus.Kafka.Tests;

public sealed class ConfluentProducerConsumerTests
{
    [Fact]
    public async Task RecordsProducedWithAcksAllAreReadBackInOrderWithKeysHeadersAndNulls()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
        {
            for (int i = 0; i < 50; i++)
            {
                var headers = new Headers { { "n", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) }, { "n", [] } };
                DeliveryResult<string?, string?> delivered = await producer.ProduceAsync("orders", new Message<string?, string?> { Key = i % 5 == 0 ? null : $"k{i}", Value = i == 7 ? null : $"v{i}", Headers = headers });
                Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
                Assert.Equal(i, delivered.Offset.Value);
            }
        }
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "assign-only");
        consumer.Assign(new TopicPartitionOffset("orders", 0, Offset.Beginning));
        List<ConsumeResult<string?, string?>> got = KafkaBroker.ConsumeMany(consumer, 50);
        Assert.Equal(50, got.Count);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(i, got[i].Offset.Value);
            Assert.Equal(i % 5 == 0 ? null : $"k{i}", got[i].Message.Key);
            Assert.Equal(i == 7 ? null : $"v{i}", got[i].Message.Value);
            Assert.Equal(2, got[i].Message.Headers.Count);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(got[i].Message.Headers[0].GetValueBytes()));
        }
    }
}
