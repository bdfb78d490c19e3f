using System.Buffers;
using System.Buffers.Binary;
using Omnibus.Kafka.Protocol;
using Omnibus.Kafka.Records;

namespace Omnibus.Kafka.Tests;

public sealed class CodecTests
{
    internal static byte[] Request(short key, short version, int correlationId, string? clientId, Action<KafkaWriter> body)
    {
        var payload = new ArrayBufferWriter<byte>();
        var header = new KafkaWriter(payload, flexible: false);
        header.Int16(key).Int16(version).Int32(correlationId).NullableString(clientId);
        bool flexible = ApiVersionTable.IsFlexible(key, version);
        if (flexible)
        {
            header.UVarint(1).UVarint(7).UVarint(2).Int16(0x0102); // one unknown tagged field in the header
        }
        body(new KafkaWriter(payload, flexible));
        byte[] frame = new byte[4 + payload.WrittenCount];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.WrittenCount);
        payload.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }

    private static byte[] TwoRequests() =>
    [
        .. Request((short)ApiKey.ApiVersions, 3, 1, "librdkafka", w => w.String("confluent-kafka-dotnet").String("2.16.0").Tags()),
        .. Request((short)ApiKey.Metadata, 1, 2, null, w => w.ArrayLength(1).String("orders")),
    ];

    private static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var first = new Segment(bytes.AsMemory(0, at));
        Segment last = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    [Fact]
    public void RequestsSplitAtEveryByteAreReadWholeAndNothingIsConsumedOfAnIncompleteOne()
    {
        byte[] bytes = TwoRequests();
        int firstLength = BinaryPrimitives.ReadInt32BigEndian(bytes) + 4;
        for (int at = 0; at <= bytes.Length; at++)
        {
            var frames = new List<RequestFrame>();
            // What has arrived so far: only whole requests are taken.
            var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes.AsMemory(0, at)));
            while (RequestFrame.TryRead(ref partial, 1 << 20, out RequestFrame? f))
            {
                frames.Add(f!);
            }
            long consumed = partial.Consumed;
            Assert.Equal(at >= bytes.Length ? bytes.Length : at >= firstLength ? firstLength : 0, consumed);
            // The rest arrives, in two segments split at the same point.
            var all = new SequenceReader<byte>(Split(bytes, at).Slice(consumed));
            while (RequestFrame.TryRead(ref all, 1 << 20, out RequestFrame? f))
            {
                frames.Add(f!);
            }
            Assert.Equal(0, all.Remaining);
            Assert.Equal(2, frames.Count);
            Assert.Equal((18, 3, 1, "librdkafka"), (frames[0].ApiKey, frames[0].ApiVersion, frames[0].CorrelationId, frames[0].ClientId));
            Assert.True(frames[0].Flexible);
            KafkaReader body = frames[0].BodyReader();
            Assert.Equal(("confluent-kafka-dotnet", "2.16.0"), (body.String(), body.String()));
            Assert.Equal((3, 2, (string?)null), (frames[1].ApiKey, frames[1].CorrelationId, frames[1].ClientId));
            Assert.Equal("orders", frames[1].BodyReader().Array(r => r.String()).Single());
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(2_000_000)]
    public void ARequestSizeOutsideTheLimitsIsAProtocolError(int size)
    {
        byte[] bytes = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(bytes, size);
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            RequestFrame.TryRead(ref reader, 1 << 20, out _);
        });
    }

    [Fact]
    public void EveryTruncationOfARequestBodyIsAProtocolErrorNotAWrongValue()
    {
        var body = new ArrayBufferWriter<byte>();
        new KafkaWriter(body, flexible: true).ArrayLength(2)
            .Uuid(KafkaUuid.ForTopic("a")).NullableString("a").Tags()
            .Uuid(KafkaUuid.Zero).NullableString("bb").Tags()
            .Bool(true).Bool(false).Tags();
        byte[] bytes = body.WrittenSpan.ToArray();
        for (int length = 0; length < bytes.Length; length++)
        {
            var r = new KafkaReader(bytes.AsMemory(0, length), flexible: true);
            Assert.Throws<KafkaProtocolException>(() =>
            {
                r.Array(r => (r.Uuid(), r.NullableString()));
                r.Bool();
                r.Bool();
                r.SkipTags();
            });
        }
        var whole = new KafkaReader(bytes, flexible: true);
        Assert.Equal(["a", "bb"], whole.Array(r => (r.Uuid(), r.NullableString())).Select(t => t.Item2));
    }

    [Fact]
    public void CompactAndClassicEncodingsReadBackWhatWasWritten()
    {
        foreach (bool flexible in new[] { false, true })
        {
            var output = new ArrayBufferWriter<byte>();
            new KafkaWriter(output, flexible).NullableString(null).String("é").NullableBytes([], isNull: true).Bytes([1, 2, 3]).Int32Array([5, 6]).UVarint(300).Int64(-2);
            var r = new KafkaReader(output.WrittenMemory, flexible);
            Assert.Null(r.NullableString());
            Assert.Equal("é", r.String());
            Assert.Null(r.NullableBytes());
            Assert.Equal([1, 2, 3], r.Bytes().ToArray());
            Assert.Equal([5, 6], r.Int32Array());
            Assert.Equal(300u, r.UVarint());
            Assert.Equal(-2, r.Int64());
            Assert.Equal(0, r.Remaining);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ARecordBatchRoundTripsWithEachCodecAndGapsInItsOffsets(int codecBits)
    {
        var codec = (Compression)codecBits;
        var records = new List<(long, KafkaRecord)>
        {
            (10, new KafkaRecord(0, 1_700_000_000_000, [1], [2, 3], [new KafkaHeader("h", [9]), new KafkaHeader("h", null)])),
            (12, new KafkaRecord(0, 1_700_000_000_005, null, null, [])),
            (13, new KafkaRecord(0, 1_699_999_999_999, [7], new byte[5000], [])),
        };
        var output = new ArrayBufferWriter<byte>();
        RecordBatch.Write(output, 10, records, codec, producerId: 42, producerEpoch: 1, baseSequence: 7);
        RecordBatch batch = Assert.Single(RecordBatch.ReadAll(output.WrittenMemory, 1 << 20));
        Assert.Equal((10L, codec, 3, 42L, (short)1, 7), (batch.BaseOffset, batch.Compression, batch.LastOffsetDelta, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence));
        Assert.Equal([0L, 2, 3], batch.Records.Select(r => r.OffsetDelta));
        Assert.Equal(1_700_000_000_005, batch.MaxTimestamp);
        Assert.Equal([2, 3], batch.Records[0].Value);
        Assert.Equal(["h", "h"], batch.Records[0].Headers.Select(h => h.Key));
        Assert.Null(batch.Records[0].Headers[1].Value);
        Assert.Null(batch.Records[1].Key);
        Assert.Null(batch.Records[1].Value);
        Assert.Equal(5000, batch.Records[2].Value!.Length);
    }

    [Fact]
    public void ABatchWhoseBytesDoNotMatchItsCrcIsRefused()
    {
        var output = new ArrayBufferWriter<byte>();
        RecordBatch.Write(output, 0, [(0, new KafkaRecord(0, 1, null, [1, 2, 3], []))]);
        byte[] bytes = output.WrittenSpan.ToArray();
        bytes[^1] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => RecordBatch.ReadAll(bytes, 1 << 20));
        // The base offset and leader epoch are outside the CRC: the broker may rewrite them.
        bytes[^1] ^= 0xFF;
        bytes[3] = 99;
        bytes[12] = 5;
        Assert.Single(RecordBatch.ReadAll(bytes, 1 << 20));
    }

    [Fact]
    public void EveryTruncationOfARecordBatchIsRefusedAsCorrupt()
    {
        var output = new ArrayBufferWriter<byte>();
        RecordBatch.Write(output, 0, [(0, new KafkaRecord(0, 1, [1], [1, 2, 3], [new KafkaHeader("a", [1])])), (1, new KafkaRecord(0, 2, null, [4], []))]);
        byte[] bytes = output.WrittenSpan.ToArray();
        for (int length = 1; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => RecordBatch.ReadAll(bytes.AsMemory(0, length), 1 << 20));
        }
    }

    [Fact]
    public void Crc32CMatchesTheStandardCheckValue() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
