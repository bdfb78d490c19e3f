using Confluent.Kafka;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>A topic whose stream is quarantined (its stored data damaged) is answered KAFKA_STORAGE_ERROR, and the broker serves the other topics.</summary>
public sealed class QuarantinedTopicTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "omnibus-kafka-quarantine", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task A_topic_with_a_damaged_partition_is_refused_with_KAFKA_STORAGE_ERROR_while_another_topic_serves_and_it_produces_again_once_recovered()
    {
        await using (OmnibusTestBroker first = await KafkaBroker.StartAsync(dataDirectory: _data))
        {
            using IProducer<string?, string?> producer = KafkaBroker.Producer(first);
            for (int i = 0; i < 200; i++)
            {
                await producer.ProduceAsync("damaged", new Message<string?, string?> { Value = $"r{i}-" + new string('x', 1000) });
            }
            await producer.ProduceAsync("healthy", new Message<string?, string?> { Value = "fine" });
        }
        string segment = Directory.GetFiles(Path.Combine(_data, "streams"), "*.seg", SearchOption.AllDirectories)
            .Single(p => p.Contains($"{Path.DirectorySeparatorChar}damaged", StringComparison.Ordinal));
        using (var f = new FileStream(segment, FileMode.Open))
        {
            f.Position = f.Length / 2;
            int b = f.ReadByte();
            f.Position--;
            f.WriteByte((byte)(b ^ 0xFF));
        }

        await using OmnibusTestBroker second = await KafkaBroker.StartAsync(dataDirectory: _data);
        Assert.Equal("damaged", Assert.Single(second.Broker.Quarantined).Name);
        using IProducer<string?, string?> again = KafkaBroker.Producer(second, c => c.MessageSendMaxRetries = 0);
        await again.ProduceAsync("healthy", new Message<string?, string?> { Value = "still fine" });
        ProduceException<string?, string?> refused = await Assert.ThrowsAsync<ProduceException<string?, string?>>(
            () => again.ProduceAsync("damaged", new Message<string?, string?> { Value = "refused" }));
        Assert.Equal(ErrorCode.KafkaStorageError, refused.Error.Code);

        await second.Broker.RecoverQuarantinedAsync("damaged", Storage.SalvageMode.SkipDamagedBatches);
        using IProducer<string?, string?> third = KafkaBroker.Producer(second);
        await third.ProduceAsync("damaged", new Message<string?, string?> { Value = "after recovery" });
    }
}
