using System.Buffers.Binary;
using System.Text;

namespace Omnibus.Core.Streams;

/// <summary>
/// The stored form of a stream record (one log record each; layout in docs/core.md). Never empty:
/// a log record with an empty body is one compaction removed.
/// <code>
/// u8 version (1) | u8 flags (bit 0 key, bit 1 value, bit 2 timestamp)
/// [i64 timestamp] [varint length, key] [varint length, value]
/// varint header count, (varint length, UTF-8 name, varint length + 1 (0 = none), value)*
/// version 2 only (flags bit 3 transaction, bit 4 marker): [i64 producer id, i16 epoch] [u8 outcome]
/// </code>
/// Records outside transactions keep version 1, so logs without transactions read as before.
/// A reader skips nothing it does not know yet: a newer version is refused.
/// </summary>
internal static class StreamRecordCodec
{
    private const byte Version = 1, TransactionalVersion = 2;
    private const byte HasKey = 1, HasValue = 2, HasTimestamp = 4, HasTransaction = 8, IsMarker = 16;

    public static byte[] Encode(StreamRecord record)
    {
        int size = 2 + 8 + VarBytes(record.Key) + VarBytes(record.Value) + 5 + 11;
        foreach (StreamHeader h in record.Headers)
        {
            size += 10 + Encoding.UTF8.GetMaxByteCount(h.Name.Length) + (h.Value?.Length ?? 0);
        }
        byte[] buffer = new byte[size];
        int at = 2;
        byte flags = 0;
        if (record.Timestamp is long ts)
        {
            flags |= HasTimestamp;
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at), ts);
            at += 8;
        }
        if (record.Key is { } key)
        {
            flags |= HasKey;
            at = WriteBytes(buffer, at, key);
        }
        if (record.Value is { } value)
        {
            flags |= HasValue;
            at = WriteBytes(buffer, at, value);
        }
        at = WriteVarint(buffer, at, (ulong)record.Headers.Count);
        foreach (StreamHeader h in record.Headers)
        {
            int nameLength = Encoding.UTF8.GetBytes(h.Name, buffer.AsSpan(at + 5));
            int written = WriteVarint(buffer, at, (ulong)nameLength) - at;
            if (written < 5)
            {
                buffer.AsSpan(at + 5, nameLength).CopyTo(buffer.AsSpan(at + written));
            }
            at += written + nameLength;
            at = WriteVarint(buffer, at, h.Value is null ? 0 : (ulong)h.Value.Length + 1);
            h.Value?.CopyTo(buffer, at);
            at += h.Value?.Length ?? 0;
        }
        if (record.Transaction is { } transaction)
        {
            flags |= HasTransaction;
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at), transaction.ProducerId);
            BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(at + 8), transaction.ProducerEpoch);
            at += 10;
            if (record.Marker is { } outcome)
            {
                flags |= IsMarker;
                buffer[at++] = (byte)outcome;
            }
        }
        buffer[0] = record.Transaction is null ? Version : TransactionalVersion;
        buffer[1] = flags;
        return buffer.AsSpan(0, at).ToArray();
    }

    public static StreamRecord Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] is not (Version or TransactionalVersion))
        {
            throw new InvalidDataException($"A stream record has version {(data.Length > 0 ? data[0] : 0)}; this Omnibus reads versions {Version} and {TransactionalVersion}.");
        }
        byte flags = data[1];
        int at = 2;
        long? timestamp = null;
        if ((flags & HasTimestamp) != 0)
        {
            timestamp = BinaryPrimitives.ReadInt64LittleEndian(data[at..]);
            at += 8;
        }
        byte[]? key = (flags & HasKey) != 0 ? ReadBytes(data, ref at) : null;
        byte[]? value = (flags & HasValue) != 0 ? ReadBytes(data, ref at) : null;
        int count = checked((int)ReadVarint(data, ref at));
        var headers = new StreamHeader[count];
        for (int i = 0; i < count; i++)
        {
            int nameLength = checked((int)ReadVarint(data, ref at));
            string name = Encoding.UTF8.GetString(data.Slice(at, nameLength));
            at += nameLength;
            ulong valueLength = ReadVarint(data, ref at);
            byte[]? headerValue = null;
            if (valueLength > 0)
            {
                int length = checked((int)(valueLength - 1));
                headerValue = data.Slice(at, length).ToArray();
                at += length;
            }
            headers[i] = new StreamHeader(name, headerValue);
        }
        StreamTransaction? transaction = null;
        StreamTransactionOutcome? marker = null;
        if ((flags & HasTransaction) != 0)
        {
            transaction = new StreamTransaction(BinaryPrimitives.ReadInt64LittleEndian(data[at..]), BinaryPrimitives.ReadInt16LittleEndian(data[(at + 8)..]));
            at += 10;
            if ((flags & IsMarker) != 0)
            {
                marker = (StreamTransactionOutcome)data[at];
            }
        }
        return new StreamRecord { Key = key, Value = value, Timestamp = timestamp, Headers = headers, Transaction = transaction, Marker = marker };
    }

    /// <summary>Whether a stored record belongs to a transaction (or is a marker), without decoding it.</summary>
    public static bool IsTransactional(ReadOnlySpan<byte> data) => data.Length > 0 && data[0] == TransactionalVersion;

    /// <summary>The key and whether the value is absent, without decoding the rest (compaction's scan).</summary>
    public static (ReadOnlyMemory<byte>? Key, bool IsTombstone) KeyOf(ReadOnlyMemory<byte> data)
    {
        ReadOnlySpan<byte> span = data.Span;
        byte flags = span[1];
        int at = (flags & HasTimestamp) != 0 ? 10 : 2;
        bool tombstone = (flags & HasValue) == 0;
        if ((flags & HasKey) == 0)
        {
            return (null, tombstone);
        }
        int length = checked((int)ReadVarint(span, ref at));
        return (data.Slice(at, length), tombstone);
    }

    private static int VarBytes(byte[]? bytes) => bytes is null ? 0 : 5 + bytes.Length;

    private static int WriteBytes(byte[] buffer, int at, byte[] bytes)
    {
        at = WriteVarint(buffer, at, (ulong)bytes.Length);
        bytes.CopyTo(buffer, at);
        return at + bytes.Length;
    }

    private static byte[] ReadBytes(ReadOnlySpan<byte> data, ref int at)
    {
        int length = checked((int)ReadVarint(data, ref at));
        byte[] bytes = data.Slice(at, length).ToArray();
        at += length;
        return bytes;
    }

    private static int WriteVarint(byte[] buffer, int at, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at++] = (byte)value;
        return at;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException("A varint in a stream record is too long.");
    }
}
