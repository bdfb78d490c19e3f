using Confluent.Kafka;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>Confluent.Kafka while the data directory's volume is below the free-space floor: produce gets KAFKA_STORAGE_ERROR, fetches go on, produce works again once space returns.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private const long Floor = 64L * 1024 * 1024;
    private long _free = 10 * Floor;
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync()
    {
        KafkaBroker.LoadLibrdkafka();
        _broker = await OmnibusTestBroker.StartAsync(o =>
        {
            o.EnableHttp = false;
            o.Host = h =>
            {
                h.MinFreeSpaceBytes = Floor;
                h.FreeSpaceProbe = _ => Interlocked.Read(ref _free);
            };
        });
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_produce_below_the_floor_gets_KAFKA_STORAGE_ERROR_and_produce_resumes_when_space_returns()
    {
        using IProducer<string?, string?> producer = KafkaBroker.Producer(_broker, c => c.MessageSendMaxRetries = 0);
        await producer.ProduceAsync("disk-full", new Message<string?, string?> { Value = "before" });

        Interlocked.Exchange(ref _free, Floor / 2);
        _broker.Broker.Space.Probe();

        ProduceException<string?, string?> refused = await Assert.ThrowsAsync<ProduceException<string?, string?>>(
            () => producer.ProduceAsync("disk-full", new Message<string?, string?> { Value = "refused" }));
        Assert.Equal(ErrorCode.KafkaStorageError, refused.Error.Code);

        Interlocked.Exchange(ref _free, 10 * Floor);
        _broker.Broker.Space.Probe();

        await producer.ProduceAsync("disk-full", new Message<string?, string?> { Value = "after" });
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(_broker, "disk-full-reader");
        consumer.Subscribe("disk-full");
        Assert.Equal(["before", "after"], KafkaBroker.ConsumeMany(consumer, 2).Select(r => r.Message.Value));
    }
}

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
