using System.Buffers;

namespace Omnibus.Core.Messages;

/// <summary>
/// What the broker needs of a stored message without reading its properties or body: enough to
/// build a subscription's in-memory index on start-up.
/// </summary>
internal readonly record struct StoredMessageHeader(
    bool RoutesAll,
    int[]? Routes,
    long EnqueuedTicks,
    string? MessageId,
    string? SessionId,
    string? PartitionKey,
    long TimeToLiveTicks,
    long ScheduledTicks,
    int BodyLength)
{
    public bool IsRoutedTo(int subscriptionId) => RoutesAll || (Routes is not null && Array.IndexOf(Routes, subscriptionId) >= 0);

    public long ExpiresTicks
    {
        get
        {
            if (TimeToLiveTicks <= 0 || TimeToLiveTicks == TimeSpan.MaxValue.Ticks)
            {
                return long.MaxValue;
            }
            long start = Math.Max(EnqueuedTicks, ScheduledTicks);
            return long.MaxValue - start <= TimeToLiveTicks ? long.MaxValue : start + TimeToLiveTicks;
        }
    }
}

/// <summary>
/// The stored form of a message (one log record), documented in docs/core.md:
/// <code>
/// u8 version (1) | u8 flags (bit 0: routed to every subscription)
/// [varint route count, varint subscription ids]   unless routed to all
/// i64 enqueued time (UTC ticks)
/// fields: u8 tag, value … until tag 0
/// u8 body kind | varint length | body
/// </code>
/// Property maps are length-prefixed, so the header can be read without decoding them.
/// </summary>
internal static class MessageCodec
{
    private const byte Version = 1;
    private const byte FlagRoutesAll = 1;

    private enum Field : byte
    {
        End = 0, MessageId = 1, CorrelationId = 2, Subject = 3, ContentType = 4, To = 5, ReplyTo = 6, SessionId = 7,
        ReplyToSessionId = 8, PartitionKey = 9, ViaPartitionKey = 10, TimeToLive = 11, Scheduled = 12,
        DeadLetterSource = 13, ApplicationProperties = 14, Annotations = 15, Transaction = 16,
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
        ValueCodec.WriteByte(w, routes is null ? FlagRoutesAll : (byte)0);
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
            ValueCodec.WriteByte(w, (byte)Field.TimeToLive);
            ValueCodec.WriteFixed(w, (ulong)ttl.Ticks, 8);
        }
        if (m.ScheduledEnqueueTime is DateTimeOffset scheduled)
        {
            ValueCodec.WriteByte(w, (byte)Field.Scheduled);
            ValueCodec.WriteFixed(w, (ulong)scheduled.UtcTicks, 8);
        }
        Str(w, Field.DeadLetterSource, m.DeadLetterSource);
        if (m.HasApplicationProperties)
        {
            Map(w, Field.ApplicationProperties, m.ApplicationProperties);
        }
        if (m.HasAnnotations)
        {
            Map(w, Field.Annotations, m.Annotations);
        }
        if (transaction != Guid.Empty)
        {
            Span<byte> id = stackalloc byte[16];
            transaction.TryWriteBytes(id);
            ValueCodec.WriteByte(w, (byte)Field.Transaction);
            ValueCodec.WriteBytes(w, id);
        }
        ValueCodec.WriteByte(w, (byte)Field.End);
        ValueCodec.WriteByte(w, (byte)m.BodyKind);
        ValueCodec.WriteBytes(w, m.Body.Span);
    }

    private static void Str(IBufferWriter<byte> w, Field field, string? value)
    {
        if (value is not null)
        {
            ValueCodec.WriteByte(w, (byte)field);
            ValueCodec.WriteString(w, value);
        }
    }

    private static void Map(IBufferWriter<byte> w, Field field, IDictionary<string, object?> map)
    {
        ArrayBufferWriter<byte> inner = t_map ??= new ArrayBufferWriter<byte>(1024);
        inner.ResetWrittenCount();
        ValueCodec.WriteVarint(inner, (ulong)map.Count);
        foreach (KeyValuePair<string, object?> kv in map)
        {
            ValueCodec.WriteString(inner, kv.Key);
            ValueCodec.Write(inner, kv.Value);
        }
        ValueCodec.WriteByte(w, (byte)field);
        ValueCodec.WriteBytes(w, inner.WrittenSpan);
        if (inner.Capacity > ScratchLimit)
        {
            t_map = null;
        }
    }

    public static StoredMessageHeader ReadHeader(ReadOnlySpan<byte> record)
    {
        var r = new SpanReader(record);
        (bool all, int[]? routes) = ReadRoutes(ref r);
        long enqueued = (long)r.ReadFixed(8);
        string? messageId = null, sessionId = null, partitionKey = null;
        long ttl = 0, scheduled = 0;
        while (true)
        {
            var field = (Field)r.ReadByte();
            switch (field)
            {
                case Field.End:
                    r.ReadByte();
                    int bodyLength = checked((int)r.ReadVarint());
                    return new StoredMessageHeader(all, routes, enqueued, messageId, sessionId, partitionKey, ttl, scheduled, bodyLength);
                case Field.MessageId: messageId = r.ReadString(); break;
                case Field.SessionId: sessionId = r.ReadString(); break;
                case Field.PartitionKey: partitionKey = r.ReadString(); break;
                case Field.TimeToLive: ttl = (long)r.ReadFixed(8); break;
                case Field.Scheduled: scheduled = (long)r.ReadFixed(8); break;
                case <= Field.DeadLetterSource: r.ReadBytes(); break; // other strings
                case Field.ApplicationProperties or Field.Annotations or Field.Transaction: r.ReadBytes(); break;
                default: throw new InvalidDataException($"Unknown stored message field {(byte)field}.");
            }
        }
    }

    /// <summary>The transaction a stored message was sent in (field 16), or <see cref="Guid.Empty"/>.</summary>
    public static Guid ReadTransaction(ReadOnlySpan<byte> record)
    {
        var r = new SpanReader(record);
        ReadRoutes(ref r);
        r.Skip(8);
        while (true)
        {
            var field = (Field)r.ReadByte();
            switch (field)
            {
                case Field.End:
                    return Guid.Empty;
                case Field.TimeToLive or Field.Scheduled: r.Skip(8); break;
                case Field.Transaction: return new Guid(r.ReadBytes());
                case <= Field.Annotations: r.ReadBytes(); break;
                default: throw new InvalidDataException($"Unknown stored message field {(byte)field}.");
            }
        }
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
        ReadRoutes(ref r);
        var m = new BrokerMessage
        {
            SequenceNumber = sequence,
            EnqueuedTime = new DateTimeOffset((long)r.ReadFixed(8), TimeSpan.Zero),
        };
        while (true)
        {
            var field = (Field)r.ReadByte();
            switch (field)
            {
                case Field.End:
                    m.BodyKind = (BodyKind)r.ReadByte();
                    ReadOnlySpan<byte> body = r.ReadBytes();
                    m.Body = owner is null ? body.ToArray() : owner.AsMemory(r.Position - body.Length, body.Length);
                    return m;
                case Field.MessageId: m.MessageId = r.ReadString(); break;
                case Field.CorrelationId: m.CorrelationId = r.ReadString(); break;
                case Field.Subject: m.Subject = r.ReadString(); break;
                case Field.ContentType: m.ContentType = r.ReadString(); break;
                case Field.To: m.To = r.ReadString(); break;
                case Field.ReplyTo: m.ReplyTo = r.ReadString(); break;
                case Field.SessionId: m.SessionId = r.ReadString(); break;
                case Field.ReplyToSessionId: m.ReplyToSessionId = r.ReadString(); break;
                case Field.PartitionKey: m.PartitionKey = r.ReadString(); break;
                case Field.ViaPartitionKey: m.ViaPartitionKey = r.ReadString(); break;
                case Field.TimeToLive: m.TimeToLive = new TimeSpan((long)r.ReadFixed(8)); break;
                case Field.Scheduled: m.ScheduledEnqueueTime = new DateTimeOffset((long)r.ReadFixed(8), TimeSpan.Zero); break;
                case Field.DeadLetterSource: m.DeadLetterSource = r.ReadString(); break;
                case Field.ApplicationProperties: ReadMap(r.ReadBytes(), m.ApplicationProperties); break;
                case Field.Annotations: ReadMap(r.ReadBytes(), m.Annotations); break;
                case Field.Transaction: r.ReadBytes(); break;
                default: throw new InvalidDataException($"Unknown stored message field {(byte)field}.");
            }
        }
    }

    private static void ReadMap(ReadOnlySpan<byte> bytes, IDictionary<string, object?> map)
    {
        var r = new SpanReader(bytes);
        ulong count = r.ReadVarint();
        for (ulong i = 0; i < count; i++)
        {
            string key = r.ReadString();
            map[key] = ValueCodec.Read(ref r);
        }
    }

    private static (bool All, int[]? Routes) ReadRoutes(ref SpanReader r)
    {
        byte version = r.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"Stored message version {version} is not understood (expected {Version}).");
        }
        byte flags = r.ReadByte();
        if ((flags & FlagRoutesAll) != 0)
        {
            return (true, null);
        }
        var routes = new int[checked((int)r.ReadVarint())];
        for (int i = 0; i < routes.Length; i++)
        {
            routes[i] = checked((int)r.ReadVarint());
        }
        return (false, routes);
    }
}
