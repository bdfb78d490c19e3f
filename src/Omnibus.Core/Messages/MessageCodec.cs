using System.Buffers;

namespace Omnibus.Core.Messages;

/// <summary>
/// The stored form of a message (one log record), documented in docs/core.md. Version 2:
/// <code>
/// u8 version (2) | u8 flags (bit 0: routed to every subscription, bit 1: no body)
/// [varint route count, varint subscription ids]   unless routed to all
/// i64 enqueued time (UTC ticks)
/// fields: varint tag, varint length, value … until tag 0 (no length)
/// varint body length | body
/// </code>
/// Every field carries its length, so a reader skips a tag it does not know: a later version can
/// add fields without breaking this one. Version 1 records are still read (MessageCodec.V1.cs).
/// </summary>
internal static partial class MessageCodec
{
    private const byte Version1 = 1;
    private const byte Version = 2;
    private const byte FlagRoutesAll = 1;
    private const byte FlagNoBody = 2;

    private enum Field : byte
    {
        End = 0, MessageId = 1, CorrelationId = 2, Subject = 3, ContentType = 4, To = 5, ReplyTo = 6, SessionId = 7,
        ReplyToSessionId = 8, PartitionKey = 9, ViaPartitionKey = 10, TimeToLive = 11, Scheduled = 12,
        DeadLetterSource = 13, Headers = 14, NativeFields = 15, Transaction = 16, Key = 17, ProducerTimestamp = 18,
        ContentEncoding = 19, Priority = 20, Durable = 21, UserId = 22, AppId = 23, DeduplicationId = 24,
    }

    /// <summary>
    /// Encodes a message. <paramref name="transaction"/>, when not empty, is stored as field 16 so
    /// that recovery can tell whether a committed transaction's send reached the log; readers skip it.
    /// </summary>
    public static byte[] Encode(BrokerMessage m, IReadOnlyList<int>? routes, Guid transaction = default)
    {
        // One scratch writer per thread, so a message costs one exact-size array, not a growing
        // writer plus the copy out (which was ~4 KiB of garbage per 1 KiB message).
        ArrayBufferWriter<byte> w = t_record ??= new ArrayBufferWriter<byte>(4096);
        w.ResetWrittenCount();
        try
        {
            Write(w, m, routes, transaction);
            return w.WrittenSpan.ToArray();
        }
        finally
        {
            // A very large message must not keep its scratch space alive on the thread.
            if (w.Capacity > ScratchLimit)
            {
                t_record = null;
            }
        }
    }

    private const int ScratchLimit = 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_record;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_map;

    private static void Write(ArrayBufferWriter<byte> w, BrokerMessage m, IReadOnlyList<int>? routes, Guid transaction)
    {
        ValueCodec.WriteByte(w, Version);
        ValueCodec.WriteByte(w, (byte)((routes is null ? FlagRoutesAll : 0) | (m.HasBody ? 0 : FlagNoBody)));
        if (routes is not null)
        {
            ValueCodec.WriteVarint(w, (ulong)routes.Count);
            foreach (int id in routes)
            {
                ValueCodec.WriteVarint(w, (ulong)id);
            }
        }
        ValueCodec.WriteFixed(w, (ulong)m.EnqueuedTime.UtcTicks, 8);
        Str(w, Field.MessageId, m.MessageId);
        Str(w, Field.CorrelationId, m.CorrelationId);
        Str(w, Field.Subject, m.Subject);
        Str(w, Field.ContentType, m.ContentType);
        Str(w, Field.To, m.To);
        Str(w, Field.ReplyTo, m.ReplyTo);
        Str(w, Field.SessionId, m.SessionId);
        Str(w, Field.ReplyToSessionId, m.ReplyToSessionId);
        Str(w, Field.PartitionKey, m.PartitionKey);
        Str(w, Field.ViaPartitionKey, m.ViaPartitionKey);
        if (m.TimeToLive is TimeSpan ttl)
        {
            Fixed(w, Field.TimeToLive, (ulong)ttl.Ticks, 8);
        }
        if (m.ScheduledEnqueueTime is DateTimeOffset scheduled)
        {
            Fixed(w, Field.Scheduled, (ulong)scheduled.UtcTicks, 8);
        }
        Str(w, Field.DeadLetterSource, m.DeadLetterSource);
        if (m.HasApplicationProperties)
        {
            Headers(w, Field.Headers, m.ApplicationProperties);
        }
        if (m.HasNativeFields)
        {
            Headers(w, Field.NativeFields, m.NativeFields);
        }
        if (transaction != Guid.Empty)
        {
            Span<byte> id = stackalloc byte[16];
            transaction.TryWriteBytes(id);
            Bytes(w, Field.Transaction, id);
        }
        if (m.Key is ReadOnlyMemory<byte> key)
        {
            Bytes(w, Field.Key, key.Span);
        }
        if (m.ProducerTimestamp is DateTimeOffset produced)
        {
            ValueCodec.WriteVarint(w, (byte)Field.ProducerTimestamp);
            ValueCodec.WriteVarint(w, 10);
            ValueCodec.WriteFixed(w, (ulong)produced.UtcTicks, 8);
            ValueCodec.WriteFixed(w, (ulong)(ushort)(short)produced.Offset.TotalMinutes, 2);
        }
        Str(w, Field.ContentEncoding, m.ContentEncoding);
        if (m.Priority is byte priority)
        {
            Fixed(w, Field.Priority, priority, 1);
        }
        if (m.Durable is bool durable)
        {
            Fixed(w, Field.Durable, durable ? 1UL : 0UL, 1);
        }
        if (m.UserId is { } userId)
        {
            Bytes(w, Field.UserId, userId);
        }
        Str(w, Field.AppId, m.AppId);
        Str(w, Field.DeduplicationId, m.DeduplicationId);
        ValueCodec.WriteVarint(w, (byte)Field.End);
        ValueCodec.WriteBytes(w, m.Body.Span);
    }

    private static void Str(IBufferWriter<byte> w, Field field, string? value)
    {
        if (value is not null)
        {
            ValueCodec.WriteVarint(w, (byte)field);
            ValueCodec.WriteString(w, value);
        }
    }

    private static void Fixed(IBufferWriter<byte> w, Field field, ulong value, int size)
    {
        ValueCodec.WriteVarint(w, (byte)field);
        ValueCodec.WriteVarint(w, (ulong)size);
        ValueCodec.WriteFixed(w, value, size);
    }

    private static void Bytes(IBufferWriter<byte> w, Field field, ReadOnlySpan<byte> value)
    {
        ValueCodec.WriteVarint(w, (byte)field);
        ValueCodec.WriteBytes(w, value);
    }

    private static void Headers(IBufferWriter<byte> w, Field field, MessageHeaders headers)
    {
        ArrayBufferWriter<byte> inner = t_map ??= new ArrayBufferWriter<byte>(1024);
        inner.ResetWrittenCount();
        ValueCodec.WriteVarint(inner, (ulong)headers.Count);
        foreach (KeyValuePair<string, object?> kv in headers)
        {
            ValueCodec.WriteString(inner, kv.Key);
            ValueCodec.Write(inner, kv.Value);
        }
        Bytes(w, field, inner.WrittenSpan);
        if (inner.Capacity > ScratchLimit)
        {
            t_map = null;
        }
    }

    public static StoredMessageHeader ReadHeader(ReadOnlySpan<byte> record)
    {
        var r = new SpanReader(record);
        (byte version, _, bool all, int[]? routes) = ReadStart(ref r);
        if (version == Version1)
        {
            return ReadHeaderV1(ref r, all, routes);
        }
        long enqueued = (long)r.ReadFixed(8);
        string? messageId = null, sessionId = null, partitionKey = null;
        long ttl = 0, scheduled = 0;
        byte? priority = null;
        while (NextField(ref r, out Field field, out ReadOnlySpan<byte> value))
        {
            switch (field)
            {
                case Field.Priority: priority = value.Length == 1 ? value[0] : throw Corrupt(field); break;
                case Field.MessageId: messageId = Text(value); break;
                case Field.SessionId: sessionId = Text(value); break;
                case Field.PartitionKey: partitionKey = Text(value); break;
                case Field.TimeToLive: ttl = Int64(value); break;
                case Field.Scheduled: scheduled = Int64(value); break;
            }
        }
        int bodyLength = checked((int)r.ReadVarint());
        return new StoredMessageHeader(all, routes, enqueued, messageId, sessionId, partitionKey, ttl, scheduled, bodyLength, priority);
    }

    /// <summary>The transaction a stored message was sent in (field 16), or <see cref="Guid.Empty"/>.</summary>
    public static Guid ReadTransaction(ReadOnlySpan<byte> record)
    {
        var r = new SpanReader(record);
        (byte version, _, _, _) = ReadStart(ref r);
        if (version == Version1)
        {
            return ReadTransactionV1(ref r);
        }
        r.Skip(8);
        while (NextField(ref r, out Field field, out ReadOnlySpan<byte> value))
        {
            if (field == Field.Transaction)
            {
                return new Guid(value);
            }
        }
        return Guid.Empty;
    }

    /// <summary>Decodes a message whose body stays a slice of <paramref name="record"/> (not copied): the record must not change.</summary>
    public static BrokerMessage Decode(byte[] record, long sequence)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Decode(record, sequence, record);
    }

    public static BrokerMessage Decode(ReadOnlySpan<byte> record, long sequence) => Decode(record, sequence, null);

    /// <summary>With <paramref name="owner"/> (the array <paramref name="record"/> is), the body is sliced from it, else copied.</summary>
    private static BrokerMessage Decode(ReadOnlySpan<byte> record, long sequence, byte[]? owner)
    {
        var r = new SpanReader(record);
        (byte version, byte flags, _, _) = ReadStart(ref r);
        if (version == Version1)
        {
            return DecodeV1(ref r, sequence, owner);
        }
        var m = new BrokerMessage
        {
            SequenceNumber = sequence,
            EnqueuedTime = new DateTimeOffset((long)r.ReadFixed(8), TimeSpan.Zero),
        };
        while (NextField(ref r, out Field field, out ReadOnlySpan<byte> value))
        {
            switch (field)
            {
                case Field.MessageId: m.MessageId = Text(value); break;
                case Field.CorrelationId: m.CorrelationId = Text(value); break;
                case Field.Subject: m.Subject = Text(value); break;
                case Field.ContentType: m.ContentType = Text(value); break;
                case Field.To: m.To = Text(value); break;
                case Field.ReplyTo: m.ReplyTo = Text(value); break;
                case Field.SessionId: m.SessionId = Text(value); break;
                case Field.ReplyToSessionId: m.ReplyToSessionId = Text(value); break;
                case Field.PartitionKey: m.PartitionKey = Text(value); break;
                case Field.ViaPartitionKey: m.ViaPartitionKey = Text(value); break;
                case Field.TimeToLive: m.TimeToLive = new TimeSpan(Int64(value)); break;
                case Field.Scheduled: m.ScheduledEnqueueTime = new DateTimeOffset(Int64(value), TimeSpan.Zero); break;
                case Field.DeadLetterSource: m.DeadLetterSource = Text(value); break;
                case Field.Headers: ReadHeaders(value, m.ApplicationProperties, null); break;
                case Field.NativeFields: ReadHeaders(value, m.NativeFields, null); break;
                case Field.Key: m.Key = value.ToArray(); break;
                case Field.ProducerTimestamp: m.ProducerTimestamp = ReadTimestamp(value); break;
                case Field.ContentEncoding: m.ContentEncoding = Text(value); break;
                case Field.Priority: m.Priority = value.Length == 1 ? value[0] : throw Corrupt(field); break;
                case Field.Durable: m.Durable = value.Length == 1 ? value[0] != 0 : throw Corrupt(field); break;
                case Field.UserId: m.UserId = value.ToArray(); break;
                case Field.AppId: m.AppId = Text(value); break;
                case Field.DeduplicationId: m.DeduplicationId = Text(value); break;
                default: break; // the transaction id, or a field of a later version
            }
        }
        ReadOnlySpan<byte> body = r.ReadBytes();
        if ((flags & FlagNoBody) != 0)
        {
            m.HasBody = false;
        }
        else
        {
            m.Body = owner is null ? body.ToArray() : owner.AsMemory(r.Position - body.Length, body.Length);
        }
        return m;
    }

    /// <summary>Reads the next field of a version 2 record; false at the end tag.</summary>
    private static bool NextField(ref SpanReader r, out Field field, out ReadOnlySpan<byte> value)
    {
        ulong tag = r.ReadVarint();
        if (tag == 0)
        {
            field = Field.End;
            value = default;
            return false;
        }
        // A tag past byte range is a later version's: it maps to no known field and is skipped.
        field = tag <= byte.MaxValue ? (Field)(byte)tag : (Field)byte.MaxValue;
        value = r.ReadBytes();
        return true;
    }

    private static string Text(ReadOnlySpan<byte> value) => System.Text.Encoding.UTF8.GetString(value);

    private static long Int64(ReadOnlySpan<byte> value) => value.Length == 8
        ? System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(value)
        : throw new InvalidDataException($"A stored time field has {value.Length} bytes, not 8.");

    private static DateTimeOffset ReadTimestamp(ReadOnlySpan<byte> value)
    {
        var r = new SpanReader(value);
        long utcTicks = (long)r.ReadFixed(8);
        var offset = TimeSpan.FromMinutes((short)r.ReadFixed(2));
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    private static InvalidDataException Corrupt(Field field) => new($"Stored message field {(byte)field} has the wrong length.");

    private static void ReadHeaders(ReadOnlySpan<byte> bytes, MessageHeaders headers, string? prefix)
    {
        var r = new SpanReader(bytes);
        ulong count = r.ReadVarint();
        for (ulong i = 0; i < count; i++)
        {
            string name = r.ReadString();
            headers.Add(prefix is null ? name : prefix + name, ValueCodec.Read(ref r));
        }
    }

    private static (byte Version, byte Flags, bool All, int[]? Routes) ReadStart(ref SpanReader r)
    {
        byte version = r.ReadByte();
        if (version is not (Version1 or Version))
        {
            throw new InvalidDataException($"Stored message version {version} is not understood (expected {Version1} or {Version}).");
        }
        byte flags = r.ReadByte();
        if ((flags & FlagRoutesAll) != 0)
        {
            return (version, flags, true, null);
        }
        var routes = new int[checked((int)r.ReadVarint())];
        for (int i = 0; i < routes.Length; i++)
        {
            routes[i] = checked((int)r.ReadVarint());
        }
        return (version, flags, false, routes);
    }
}
