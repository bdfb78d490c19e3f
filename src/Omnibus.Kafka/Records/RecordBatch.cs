using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Omnibus.Kafka.Records;

/// <summary>
/// A record batch v2 (magic 2) as a producer sends it: the 61-byte header and its records, decompressed.
/// Layout: base offset i64 | batch length i32 (bytes after it) | partition leader epoch i32 | magic i8 |
/// CRC-32C u32 (of attributes through the end) | attributes i16 | last offset delta i32 | base timestamp
/// i64 | max timestamp i64 | producer id i64 | producer epoch i16 | base sequence i32 | record count i32.
/// </summary>
internal sealed record RecordBatch(
    long BaseOffset,
    short Attributes,
    int LastOffsetDelta,
    long BaseTimestamp,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    IReadOnlyList<KafkaRecord> Records)
{
    public const int HeaderSize = 61;
    private const int CrcStart = 21;

    public Compression Compression => (Compression)(Attributes & 0x7);

    public bool IsTransactional => (Attributes & 0x10) != 0;

    public bool IsControl => (Attributes & 0x20) != 0;

    public bool LogAppendTime => (Attributes & 0x08) != 0;

    /// <summary>The sequence number of the batch's last record (idempotent producers).</summary>
    public int LastSequence => BaseSequence + Records.Count - 1;

    /// <summary>
    /// Splits a partition's records field into its batches. Anything that is not a whole, well-formed
    /// v2 batch with a matching CRC is <see cref="InvalidDataException"/> (Kafka's CORRUPT_MESSAGE);
    /// other magics are <see cref="NotSupportedException"/>.
    /// </summary>
    public static List<RecordBatch> ReadAll(ReadOnlyMemory<byte> data, int maxDecompressedBytes)
    {
        var batches = new List<RecordBatch>();
        ReadOnlySpan<byte> span = data.Span;
        int position = 0;
        while (position < span.Length)
        {
            if (span.Length - position < HeaderSize)
            {
                throw new InvalidDataException("A record batch is shorter than its header.");
            }
            ReadOnlySpan<byte> head = span[position..];
            int batchLength = BinaryPrimitives.ReadInt32BigEndian(head[8..]);
            sbyte magic = (sbyte)head[16];
            if (magic != 2)
            {
                throw new NotSupportedException($"Record batches of magic {magic} are not served; only v2.");
            }
            if (batchLength < HeaderSize - 12 || batchLength > span.Length - position - 12)
            {
                throw new InvalidDataException($"A record batch says {batchLength} bytes, which the request does not hold.");
            }
            int total = 12 + batchLength;
            batches.Add(Read(data.Slice(position, total), maxDecompressedBytes));
            position += total;
        }
        return batches;
    }

    private static RecordBatch Read(ReadOnlyMemory<byte> batch, int maxDecompressedBytes)
    {
        ReadOnlySpan<byte> b = batch.Span;
        uint crc = BinaryPrimitives.ReadUInt32BigEndian(b[17..]);
        if (Crc32C.Compute(b[CrcStart..]) != crc)
        {
            throw new InvalidDataException("The record batch's CRC does not match its bytes.");
        }
        short attributes = BinaryPrimitives.ReadInt16BigEndian(b[21..]);
        int lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(b[23..]);
        long baseTimestamp = BinaryPrimitives.ReadInt64BigEndian(b[27..]);
        long maxTimestamp = BinaryPrimitives.ReadInt64BigEndian(b[35..]);
        long producerId = BinaryPrimitives.ReadInt64BigEndian(b[43..]);
        short producerEpoch = BinaryPrimitives.ReadInt16BigEndian(b[51..]);
        int baseSequence = BinaryPrimitives.ReadInt32BigEndian(b[53..]);
        int count = BinaryPrimitives.ReadInt32BigEndian(b[57..]);
        if (count < 0 || count > maxDecompressedBytes / 7)
        {
            throw new InvalidDataException($"A record batch says it holds {count} records.");
        }
        var codec = (Compression)(attributes & 0x7);
        if (codec > Compression.Zstd)
        {
            throw new UnsupportedCompressionException($"Compression {(int)codec} is not one of Kafka's.");
        }
        byte[] body = CompressionCodec.Decompress(codec, batch[HeaderSize..], maxDecompressedBytes);
        var records = new List<KafkaRecord>(count);
        int position = 0;
        for (int i = 0; i < count; i++)
        {
            records.Add(ReadRecord(body, ref position, baseTimestamp));
        }
        if (position != body.Length)
        {
            throw new InvalidDataException("A record batch has bytes after its last record.");
        }
        return new RecordBatch(BinaryPrimitives.ReadInt64BigEndian(b), attributes, lastOffsetDelta, baseTimestamp, maxTimestamp, producerId, producerEpoch, baseSequence, records);
    }

    private static KafkaRecord ReadRecord(ReadOnlySpan<byte> data, ref int position, long baseTimestamp)
    {
        int length = Varint.ReadInt(data, ref position);
        if (length < 0 || length > data.Length - position)
        {
            throw new InvalidDataException("A record is longer than its batch.");
        }
        int end = position + length;
        ReadOnlySpan<byte> r = data[..end];
        position++; // attributes: unused in v2
        long timestampDelta = Varint.ReadLong(r, ref position);
        int offsetDelta = Varint.ReadInt(r, ref position);
        byte[]? key = ReadBytes(r, ref position);
        byte[]? value = ReadBytes(r, ref position);
        int headerCount = Varint.ReadInt(r, ref position);
        if (headerCount < 0 || headerCount > length)
        {
            throw new InvalidDataException("A record has a bad header count.");
        }
        var headers = new List<KafkaHeader>(headerCount);
        for (int i = 0; i < headerCount; i++)
        {
            byte[] name = ReadBytes(r, ref position) ?? throw new InvalidDataException("A record header has a null key.");
            headers.Add(new KafkaHeader(Encoding.UTF8.GetString(name), ReadBytes(r, ref position)));
        }
        if (position != end)
        {
            throw new InvalidDataException("A record's length does not match its fields.");
        }
        return new KafkaRecord(offsetDelta, baseTimestamp + timestampDelta, key, value, headers);
    }

    private static byte[]? ReadBytes(ReadOnlySpan<byte> data, ref int position)
    {
        int length = Varint.ReadInt(data, ref position);
        if (length < 0)
        {
            return null;
        }
        if (length > data.Length - position)
        {
            throw new InvalidDataException("A record field is longer than its record.");
        }
        byte[] bytes = data.Slice(position, length).ToArray();
        position += length;
        return bytes;
    }

    /// <summary>
    /// Writes one batch of records whose offsets (absolute) ascend from <paramref name="baseOffset"/>,
    /// gaps allowed (a compacted log's), in CreateTime or LogAppendTime (attributes bit 3: clients take
    /// the batch's max timestamp for every record), compressed as asked; a transactional batch
    /// (attributes bit 4) or a control batch (bits 4 and 5, a transaction marker) carries its producer.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, long baseOffset, IReadOnlyList<(long Offset, KafkaRecord Record)> records, Compression codec = Compression.None, long producerId = -1, short producerEpoch = -1, int baseSequence = -1, bool transactional = false, bool control = false, bool logAppendTime = false)
    {
        short attributes = (short)((int)codec | (logAppendTime ? 0x08 : 0) | (transactional || control ? 0x10 : 0) | (control ? 0x20 : 0));
        var body = new ArrayBufferWriter<byte>();
        long baseTimestamp = records.Count > 0 ? records[0].Record.Timestamp : -1;
        long maxTimestamp = baseTimestamp;
        foreach ((long offset, KafkaRecord record) in records)
        {
            maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
            WriteRecord(body, offset - baseOffset, record.Timestamp - baseTimestamp, record);
        }
        byte[] payload = codec == Compression.None ? body.WrittenSpan.ToArray() : CompressionCodec.Compress(codec, body.WrittenSpan);
        int total = HeaderSize + payload.Length;
        Span<byte> b = output.GetSpan(total)[..total];
        BinaryPrimitives.WriteInt64BigEndian(b, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(b[8..], total - 12);
        BinaryPrimitives.WriteInt32BigEndian(b[12..], -1); // partition leader epoch: none (no replication)
        b[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(b[21..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(b[23..], records.Count > 0 ? (int)(records[^1].Offset - baseOffset) : 0);
        BinaryPrimitives.WriteInt64BigEndian(b[27..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(b[35..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(b[43..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(b[51..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(b[53..], baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(b[57..], records.Count);
        payload.CopyTo(b[HeaderSize..]);
        BinaryPrimitives.WriteUInt32BigEndian(b[17..], Crc32C.Compute(b[CrcStart..]));
        output.Advance(total);
    }

    private static void WriteRecord(ArrayBufferWriter<byte> output, long offsetDelta, long timestampDelta, KafkaRecord record)
    {
        int bodyLength = 1 + Varint.Size(timestampDelta) + Varint.Size(offsetDelta) + FieldSize(record.Key) + FieldSize(record.Value) + Varint.Size(record.Headers.Count);
        foreach (KafkaHeader h in record.Headers)
        {
            bodyLength += FieldSize(Encoding.UTF8.GetByteCount(h.Key)) + FieldSize(h.Value);
        }
        int total = Varint.Size(bodyLength) + bodyLength;
        Span<byte> s = output.GetSpan(total);
        int p = Varint.Write(s, bodyLength);
        s[p++] = 0;
        p += Varint.Write(s[p..], timestampDelta);
        p += Varint.Write(s[p..], offsetDelta);
        p += WriteField(s[p..], record.Key);
        p += WriteField(s[p..], record.Value);
        p += Varint.Write(s[p..], record.Headers.Count);
        foreach (KafkaHeader h in record.Headers)
        {
            int n = Encoding.UTF8.GetByteCount(h.Key);
            p += Varint.Write(s[p..], n);
            p += Encoding.UTF8.GetBytes(h.Key, s[p..]);
            p += WriteField(s[p..], h.Value);
        }
        output.Advance(p);
    }

    private static int FieldSize(byte[]? value) => value is null ? 1 : Varint.Size(value.Length) + value.Length;

    private static int FieldSize(int length) => Varint.Size(length) + length;

    private static int WriteField(Span<byte> s, byte[]? value)
    {
        if (value is null)
        {
            return Varint.Write(s, -1);
        }
        int p = Varint.Write(s, value.Length);
        value.CopyTo(s[p..]);
        return p + value.Length;
    }
}
