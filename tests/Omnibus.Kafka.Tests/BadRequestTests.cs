using System.Buffers;
using System.Buffers.Binary;
using Confluent.Kafka;
using Omnibus.Kafka.Protocol;
using Omnibus.Kafka.Records;
using Omnibus.Testing;
using ErrorCode = Omnibus.Kafka.Protocol.ErrorCode;

namespace Omnibus.Kafka.Tests;

/// <summary>
/// Raw requests a client library would never send: Kafka's own error code where the protocol has one, a closed
/// connection where Kafka closes it, and in every case a broker that goes on serving with nothing lost.
/// </summary>
public sealed class BadRequestTests
{
    private const string Topic = "raw-input";

    private static async Task<OmnibusTestBroker> StartWithRecordsAsync()
    {
        OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        using IProducer<string?, string?> producer = KafkaBroker.Producer(broker);
        for (int i = 0; i < 3; i++)
        {
            await producer.ProduceAsync(Topic, new Message<string?, string?> { Value = "kept-" + i });
        }
        return broker;
    }

    /// <summary>The broker still answers, and the records stored before are all there.</summary>
    private static void AssertStillServing(OmnibusTestBroker broker)
    {
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "raw-check-" + Guid.NewGuid().ToString("N"));
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        Assert.Equal(["kept-0", "kept-1", "kept-2"], KafkaBroker.ConsumeMany(consumer, 3).Select(r => r.Message.Value));
    }

    private static byte[] ProduceRequest(int correlationId, byte[] batch) =>
        CodecTests.Request((short)ApiKey.Produce, 3, correlationId, "raw", w => w
            .NullableString(null).Int16(-1).Int32(5_000)
            .ArrayLength(1).String(Topic).ArrayLength(1).Int32(0).Bytes(batch));

    private static byte[] Batch(long producerId = -1, short epoch = -1, int sequence = -1)
    {
        var output = new ArrayBufferWriter<byte>();
        RecordBatch.Write(output, 0, [(0, new KafkaRecord(0, 1_700_000_000_000, null, "raw"u8.ToArray(), []))], Compression.None, producerId, epoch, sequence);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The error code of the one partition in a Produce v3 answer.</summary>
    private static ErrorCode ProducePartitionError(byte[] response)
    {
        var r = new KafkaReader(response, flexible: false);
        r.Int32(); // correlation id
        r.ArrayLength();
        r.String();
        r.ArrayLength();
        r.Int32();
        return (ErrorCode)r.Int16();
    }

    [Fact]
    public async Task An_unknown_api_key_closes_that_connection_and_the_broker_serves_the_next()
    {
        await using OmnibusTestBroker broker = await StartWithRecordsAsync();
        using RawKafkaConnection raw = await RawKafkaConnection.OpenAsync(broker);
        await raw.SendBytesAsync(CodecTests.Request(999, 0, 1, "raw", _ => { }));
        Assert.Null(await raw.ReadFrameOrCloseAsync());
        AssertStillServing(broker);
    }

    [Fact]
    public async Task ApiVersions_in_a_newer_version_than_served_is_answered_unsupported_version_in_the_v0_format_with_the_served_ranges()
    {
        await using OmnibusTestBroker broker = await StartWithRecordsAsync();
        using RawKafkaConnection raw = await RawKafkaConnection.OpenAsync(broker);
        // A newer client than this broker asks for ApiVersions v4 (flexible, as every version from 3).
        await raw.SendBytesAsync(CodecTests.Request((short)ApiKey.ApiVersions, 4, 1, "raw", w => w.String("newer-client").String("9.0").Tags()));
        byte[] response = (await raw.ReadFrameOrCloseAsync())!;
        var r = new KafkaReader(response, flexible: false);
        Assert.Equal(1, r.Int32());
        Assert.Equal(ErrorCode.UnsupportedVersion, (ErrorCode)r.Int16());
        Assert.Contains(r.Array(r => (Key: r.Int16(), Min: r.Int16(), Max: r.Int16())), a => a.Key == (short)ApiKey.ApiVersions && a.Min == 0 && a.Max >= 3);
        AssertStillServing(broker);
    }

    [Fact]
    public async Task A_truncated_request_body_closes_the_connection_and_loses_nothing()
    {
        await using OmnibusTestBroker broker = await StartWithRecordsAsync();
        using RawKafkaConnection raw = await RawKafkaConnection.OpenAsync(broker);
        byte[] metadata = CodecTests.Request((short)ApiKey.Metadata, 1, 1, "raw", w => w.ArrayLength(2).String(Topic));
        BinaryPrimitives.WriteInt32BigEndian(metadata, metadata.Length - 4); // the size is honest; the array says two names and holds one
        await raw.SendBytesAsync(metadata);
        Assert.Null(await raw.ReadFrameOrCloseAsync());
        AssertStillServing(broker);
    }

    [Fact]
    public async Task A_request_larger_than_the_limit_closes_the_connection_before_it_is_read()
    {
        await using OmnibusTestBroker broker = await StartWithRecordsAsync();
        using RawKafkaConnection raw = await RawKafkaConnection.OpenAsync(broker);
        byte[] size = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, int.MaxValue);
        await raw.SendBytesAsync(size);
        Assert.Null(await raw.ReadFrameOrCloseAsync());
        AssertStillServing(broker);
    }

    [Fact]
    public async Task A_batch_with_a_bad_crc_is_refused_corrupt_message_and_not_stored()
    {
        await using OmnibusTestBroker broker = await StartWithRecordsAsync();
        using RawKafkaConnection raw = await RawKafkaConnection.OpenAsync(broker);
        byte[] batch = Batch();
        batch[^1] ^= 0xFF; // a flipped byte in the last record: the CRC-32C no longer matches
        await raw.SendBytesAsync(ProduceRequest(7, batch));
        byte[] response = (await raw.ReadFrameOrCloseAsync())!;
        Assert.Equal(ErrorCode.CorruptMessage, ProducePartitionError(response));

        await raw.SendBytesAsync(ProduceRequest(8, Batch()));
        Assert.Equal(ErrorCode.None, ProducePartitionError((await raw.ReadFrameOrCloseAsync())!));
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "raw-crc");
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        Assert.Equal(["kept-0", "kept-1", "kept-2", "raw"], KafkaBroker.ConsumeMany(consumer, 4, TimeSpan.FromSeconds(10)).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_produce_with_an_older_producer_epoch_is_refused_invalid_producer_epoch()
    {
        await using OmnibusTestBroker broker = await StartWithRecordsAsync();
        using RawKafkaConnection raw = await RawKafkaConnection.OpenAsync(broker);
        await raw.SendBytesAsync(CodecTests.Request((short)ApiKey.InitProducerId, 1, 1, "raw", w => w.NullableString(null).Int32(60_000)));
        var init = new KafkaReader((await raw.ReadFrameOrCloseAsync())!, flexible: false);
        init.Int32();
        init.Int32(); // throttle
        Assert.Equal(ErrorCode.None, (ErrorCode)init.Int16());
        long producerId = init.Int64();

        await raw.SendBytesAsync(ProduceRequest(2, Batch(producerId, epoch: 1, sequence: 0)));
        Assert.Equal(ErrorCode.None, ProducePartitionError((await raw.ReadFrameOrCloseAsync())!));
        await raw.SendBytesAsync(ProduceRequest(3, Batch(producerId, epoch: 0, sequence: 1)));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, ProducePartitionError((await raw.ReadFrameOrCloseAsync())!));
        AssertStillServing(broker);
    }

    [Fact]
    public async Task Random_frames_never_take_the_broker_down()
    {
        await using OmnibusTestBroker broker = await StartWithRecordsAsync();
        var random = new Random(20261204);
        for (int round = 0; round < 50; round++)
        {
            using RawKafkaConnection raw = await RawKafkaConnection.OpenAsync(broker);
            byte[] body = new byte[random.Next(0, 200)];
            random.NextBytes(body);
            if (body.Length >= 4 && round % 2 == 0)
            {
                // Half the frames name a real API and version, so the fuzz reaches the handlers' readers.
                BinaryPrimitives.WriteInt16BigEndian(body, (short)random.Next(0, 70));
                BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(2), (short)random.Next(0, 13));
            }
            byte[] frame = new byte[4 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
            body.CopyTo(frame, 4);
            await raw.SendBytesAsync(frame);
            try
            {
                await raw.ReadFrameOrCloseAsync(seconds: 0.5); // an answer or a close: either is fine, a crash is not
            }
            catch (OperationCanceledException)
            {
                // A request that parsed as a long poll (a Fetch) is still waiting: also fine.
            }
        }
        AssertStillServing(broker);
    }
}
