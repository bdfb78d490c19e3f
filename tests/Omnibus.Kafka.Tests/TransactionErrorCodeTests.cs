using Omnibus.Kafka.Protocol;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>The transaction APIs' error codes per version, by raw requests (no client hides them).</summary>
public sealed class TransactionErrorCodeTests
{
    [Fact]
    public async Task AnOlderEpochIsInvalidProducerEpochBeforeVersionTwoAndProducerFencedFromIt()
    {
        await using OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        using var connection = await RawKafkaConnection.OpenAsync(broker);
        await connection.CallAsync(ApiKey.Metadata, 1, w => w.ArrayLength(1).String("fenced-topic")); // creates the topic

        (ErrorCode initError, long producerId, short first) = await InitAsync(connection, "raw-id");
        (_, long sameId, short second) = await InitAsync(connection, "raw-id");
        Assert.Equal((ErrorCode.None, producerId, (short)0, (short)1), (initError, sameId, first, second));

        Assert.Equal(ErrorCode.InvalidProducerEpoch, await AddPartitionAsync(connection, 1, "raw-id", producerId, first));
        Assert.Equal(ErrorCode.ProducerFenced, await AddPartitionAsync(connection, 2, "raw-id", producerId, first));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, await EndAsync(connection, 1, "raw-id", producerId, first, commit: true));
        Assert.Equal(ErrorCode.ProducerFenced, await EndAsync(connection, 2, "raw-id", producerId, first, commit: true));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await AddPartitionAsync(connection, 2, "raw-id", producerId + 1, second));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await AddPartitionAsync(connection, 2, "never-initialized", producerId, second));

        Assert.Equal(ErrorCode.None, await AddPartitionAsync(connection, 2, "raw-id", producerId, second));
        Assert.Equal(ErrorCode.None, await EndAsync(connection, 2, "raw-id", producerId, second, commit: false));
        Assert.Equal(ErrorCode.None, await EndAsync(connection, 2, "raw-id", producerId, second, commit: false)); // a retried end
        Assert.Equal(ErrorCode.InvalidTxnState, await EndAsync(connection, 2, "raw-id", producerId, second, commit: true));
    }

    [Fact]
    public async Task AnUnknownPartitionIsRefusedAndTheOthersOfTheRequestAreNotAdded()
    {
        await using OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        using var connection = await RawKafkaConnection.OpenAsync(broker);
        await connection.CallAsync(ApiKey.Metadata, 1, w => w.ArrayLength(1).String("known"));
        (_, long producerId, short epoch) = await InitAsync(connection, "partial");

        KafkaReader answer = await connection.CallAsync(ApiKey.AddPartitionsToTxn, 1, w => w.String("partial").Int64(producerId).Int16(epoch)
            .ArrayLength(1).String("known").Int32Array([0, 5]));

        answer.Int32();
        Assert.Equal(1, answer.ArrayLength());
        Assert.Equal("known", answer.String());
        Assert.Equal(2, answer.ArrayLength());
        Assert.Equal((0, ErrorCode.OperationNotAttempted), (answer.Int32(), (ErrorCode)answer.Int16()));
        Assert.Equal((5, ErrorCode.UnknownTopicOrPartition), (answer.Int32(), (ErrorCode)answer.Int16()));
        Assert.Equal(ErrorCode.None, await EndAsync(connection, 1, "partial", producerId, epoch, commit: true)); // nothing was added
    }

    private static async Task<(ErrorCode, long, short)> InitAsync(RawKafkaConnection connection, string transactionalId)
    {
        KafkaReader r = await connection.CallAsync(ApiKey.InitProducerId, 1, w => w.NullableString(transactionalId).Int32(60_000));
        r.Int32();
        return ((ErrorCode)r.Int16(), r.Int64(), r.Int16());
    }

    private static async Task<ErrorCode> AddPartitionAsync(RawKafkaConnection connection, short version, string transactionalId, long producerId, short epoch)
    {
        KafkaReader r = await connection.CallAsync(ApiKey.AddPartitionsToTxn, version, w => w.String(transactionalId).Int64(producerId).Int16(epoch)
            .ArrayLength(1).String("fenced-topic").Int32Array([0]));
        r.Int32();
        r.ArrayLength();
        r.String();
        r.ArrayLength();
        r.Int32();
        return (ErrorCode)r.Int16();
    }

    private static async Task<ErrorCode> EndAsync(RawKafkaConnection connection, short version, string transactionalId, long producerId, short epoch, bool commit)
    {
        KafkaReader r = await connection.CallAsync(ApiKey.EndTxn, version, w => w.String(transactionalId).Int64(producerId).Int16(epoch).Bool(commit));
        r.Int32();
        return (ErrorCode)r.Int16();
    }
}
