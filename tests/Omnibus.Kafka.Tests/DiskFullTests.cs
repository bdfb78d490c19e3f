using Omnibus.Tests.Shared;
using Confluent.Kafka;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>Confluent.Kafka while the data directory's volume is below the free-space floor: produce gets KAFKA_STORAGE_ERROR, fetches go on, produce works again once space returns.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly SimulatedFreeSpace _disk = new();
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync()
    {
        KafkaBroker.LoadLibrdkafka();
        _broker = await OmnibusTestBroker.StartAsync(o =>
        {
            o.EnableHttp = false;
            o.Host = _disk.Apply;
        });
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_produce_below_the_floor_gets_KAFKA_STORAGE_ERROR_and_produce_resumes_when_space_returns()
    {
        using IProducer<string?, string?> producer = KafkaBroker.Producer(_broker, c => c.MessageSendMaxRetries = 0);
        await producer.ProduceAsync("disk-full", new Message<string?, string?> { Value = "before" });

        _disk.RunLow(_broker.Broker);

        ProduceException<string?, string?> refused = await Assert.ThrowsAsync<ProduceException<string?, string?>>(
            () => producer.ProduceAsync("disk-full", new Message<string?, string?> { Value = "refused" }));
        Assert.Equal(ErrorCode.KafkaStorageError, refused.Error.Code);

        _disk.Recover(_broker.Broker);

        await producer.ProduceAsync("disk-full", new Message<string?, string?> { Value = "after" });
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(_broker, "disk-full-reader");
        consumer.Subscribe("disk-full");
        Assert.Equal(["before", "after"], KafkaBroker.ConsumeMany(consumer, 2).Select(r => r.Message.Value));
    }
}
