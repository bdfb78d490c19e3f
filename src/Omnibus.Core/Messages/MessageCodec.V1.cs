namespace Omnibus.Core.Messages;

/// <summary>
/// Reading records of version 1, the format before the protocol-neutral envelope (docs/core.md,
/// "Stored record versions"): fields were a tag byte then a value whose length the tag implied,
/// so an unknown tag could not be skipped; the body was preceded by a body kind byte. What had no
/// neutral slot is kept under <see cref="V1NativeFields"/> names for the front-end that wrote it.
/// </summary>
internal static partial class MessageCodec
{
    private enum V1Field : byte
    {
        End = 0, MessageId = 1, CorrelationId = 2, Subject = 3, ContentType = 4, To = 5, ReplyTo = 6, SessionId = 7,
        ReplyToSessionId = 8, PartitionKey = 9, ViaPartitionKey = 10, TimeToLive = 11, Scheduled = 12,
        DeadLetterSource = 13, ApplicationProperties = 14, Annotations = 15, Transaction = 16,
    }

    private static StoredMessageHeader ReadHeaderV1(ref SpanReader r, bool all, int[]? routes)
    {
        long enqueued = (long)r.ReadFixed(8);
        string? messageId = null, sessionId = null, partitionKey = null;
        long ttl = 0, scheduled = 0;
        while (true)
        {
            var field = (V1Field)r.ReadByte();
            switch (field)
            {
                case V1Field.End:
                    r.ReadByte();
                    int bodyLength = checked((int)r.ReadVarint());
                    return new StoredMessageHeader(all, routes, enqueued, messageId, sessionId, partitionKey, ttl, scheduled, bodyLength);
                case V1Field.MessageId: messageId = r.ReadString(); break;
                case V1Field.SessionId: sessionId = r.ReadString(); break;
                case V1Field.PartitionKey: partitionKey = r.ReadString(); break;
                case V1Field.TimeToLive: ttl = (long)r.ReadFixed(8); break;
                case V1Field.Scheduled: scheduled = (long)r.ReadFixed(8); break;
                case <= V1Field.Transaction: r.ReadBytes(); break; // other strings, maps, transaction id
                default: throw new InvalidDataException($"Unknown stored message field {(byte)field}.");
            }
        }
    }

    private static Guid ReadTransactionV1(ref SpanReader r)
    {
        r.Skip(8);
        while (true)
        {
            var field = (V1Field)r.ReadByte();
            switch (field)
            {
                case V1Field.End:
                    return Guid.Empty;
                case V1Field.TimeToLive or V1Field.Scheduled: r.Skip(8); break;
                case V1Field.Transaction: return new Guid(r.ReadBytes());
                case <= V1Field.Annotations: r.ReadBytes(); break;
                default: throw new InvalidDataException($"Unknown stored message field {(byte)field}.");
            }
        }
    }

    private static BrokerMessage DecodeV1(ref SpanReader r, long sequence, byte[]? owner)
    {
        var m = new BrokerMessage
        {
            SequenceNumber = sequence,
            EnqueuedTime = new DateTimeOffset((long)r.ReadFixed(8), TimeSpan.Zero),
        };
        while (true)
        {
            var field = (V1Field)r.ReadByte();
            switch (field)
            {
                case V1Field.End:
                    byte bodyKind = r.ReadByte();
                    if (bodyKind != 0)
                    {
                        m.NativeFields[V1NativeFields.BodyKind] = bodyKind;
                    }
                    ReadOnlySpan<byte> body = r.ReadBytes();
                    m.Body = owner is null ? body.ToArray() : owner.AsMemory(r.Position - body.Length, body.Length);
                    return m;
                case V1Field.MessageId: m.MessageId = r.ReadString(); break;
                case V1Field.CorrelationId: m.CorrelationId = r.ReadString(); break;
                case V1Field.Subject: m.Subject = r.ReadString(); break;
                case V1Field.ContentType: m.ContentType = r.ReadString(); break;
                case V1Field.To: m.To = r.ReadString(); break;
                case V1Field.ReplyTo: m.ReplyTo = r.ReadString(); break;
                case V1Field.SessionId: m.SessionId = r.ReadString(); break;
                case V1Field.ReplyToSessionId: m.ReplyToSessionId = r.ReadString(); break;
                case V1Field.PartitionKey: m.PartitionKey = r.ReadString(); break;
                case V1Field.ViaPartitionKey: m.ViaPartitionKey = r.ReadString(); break;
                case V1Field.TimeToLive: m.TimeToLive = new TimeSpan((long)r.ReadFixed(8)); break;
                case V1Field.Scheduled: m.ScheduledEnqueueTime = new DateTimeOffset((long)r.ReadFixed(8), TimeSpan.Zero); break;
                case V1Field.DeadLetterSource: m.DeadLetterSource = r.ReadString(); break;
                case V1Field.ApplicationProperties: ReadHeaders(r.ReadBytes(), m.ApplicationProperties, null); break;
                case V1Field.Annotations: ReadHeaders(r.ReadBytes(), m.NativeFields, V1NativeFields.AnnotationPrefix); break;
                case V1Field.Transaction: r.ReadBytes(); break;
                default: throw new InvalidDataException($"Unknown stored message field {(byte)field}.");
            }
        }
    }
}

/// <summary>
/// Native field names under which a version 1 record's front-end specific parts read back: its
/// protocol annotations map (each key prefixed) and its body kind byte (absent for opaque bytes,
/// else the value the front-end stored). The front-end that wrote them interprets them.
/// </summary>
public static class V1NativeFields
{
    /// <summary>Prefix of each entry of a version 1 record's annotations map.</summary>
    public const string AnnotationPrefix = "v1:annotation:";

    /// <summary>A version 1 record's body kind byte, when it was not 0 (opaque bytes).</summary>
    public const string BodyKind = "v1:body-kind";
}
