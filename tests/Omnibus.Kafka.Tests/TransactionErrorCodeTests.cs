using System.Buffers.Binary;
using System.Net.Sockets;
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
        using var connection = await RawConnection.OpenAsync(broker);
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
        using var connection = await RawConnection.OpenAsync(broker);
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

    private static async Task<(ErrorCode, long, short)> InitAsync(RawConnection connection, string transactionalId)
    {
        KafkaReader r = await connection.CallAsync(ApiKey.InitProducerId, 1, w => w.NullableString(transactionalId).Int32(60_000));
        r.Int32();
        return ((ErrorCode)r.Int16(), r.Int64(), r.Int16());
    }

    private static async Task<ErrorCode> AddPartitionAsync(RawConnection connection, short version, string transactionalId, long producerId, short epoch)
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

    private static async Task<ErrorCode> EndAsync(RawConnection connection, short version, string transactionalId, long producerId, short epoch, bool commit)
    {
        KafkaReader r = await connection.CallAsync(ApiKey.EndTxn, version, w => w.String(transactionalId).Int64(producerId).Int16(epoch).Bool(commit));
        r.Int32();
        return (ErrorCode)r.Int16();
    }

    /// <summary>One socket to the broker; requests in non-flexible versions, answers read whole.</summary>
    private sealed class RawConnection : IDisposable
    {
        private readonly TcpClient _client;
        private readonly NetworkStream _stream;
        private int _correlation;

        private RawConnection(TcpClient client)
        {
            _client = client;
            _stream = client.GetStream();
        }

        public static async Task<RawConnection> OpenAsync(OmnibusTestBroker broker)
        {
            string[] hostPort = broker.KafkaBootstrapServers.Split(':');
            var client = new TcpClient();
            await client.ConnectAsync(hostPort[0], int.Parse(hostPort[1], System.Globalization.CultureInfo.InvariantCulture));
            return new RawConnection(client);
        }

        public async Task<KafkaReader> CallAsync(ApiKey key, short version, Action<KafkaWriter> body)
        {
            Assert.False(ApiVersionTable.IsFlexible((short)key, version));
            int correlation = ++_correlation;
            await _stream.WriteAsync(CodecTests.Request((short)key, version, correlation, "raw", body));
            byte[] size = new byte[4];
            await _stream.ReadExactlyAsync(size);
            byte[] answer = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
            await _stream.ReadExactlyAsync(answer);
            Assert.Equal(correlation, BinaryPrimitives.ReadInt32BigEndian(answer));
            return new KafkaReader(answer.AsMemory(4), flexible: false);
        }

        public void Dispose()
        {
            _stream.Dispose();
            _client.Dispose();
        }
    }
}
