namespace Omnibus.Core.Messages;

/// <summary>How the body bytes are to be read. Front-ends map their own body forms onto these.</summary>
public enum BodyKind : byte
{
    /// <summary>Opaque bytes (AMQP data section(s), Kafka value, SQS body, RabbitMQ payload).</summary>
    Data = 0,

    /// <summary>An AMQP 1.0 amqp-value section, stored AMQP-encoded.</summary>
    AmqpValue = 1,

    /// <summary>AMQP 1.0 amqp-sequence section(s), stored AMQP-encoded.</summary>
    AmqpSequence = 2,
}

/// <summary>
/// The protocol-neutral message: body bytes, system properties, typed application properties,
/// protocol annotations, and the broker's own annotations (sequence number, enqueued time).
/// Application property and annotation values are simple types: null, bool, integers of every
/// width, float, double, decimal, char, string, Guid, DateTime, DateTimeOffset, TimeSpan, Uri, byte[].
/// </summary>
public sealed class BrokerMessage
{
    private Dictionary<string, object?>? _properties;
    private Dictionary<string, object?>? _annotations;

    /// <summary>Body bytes (see <see cref="BodyKind"/>).</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>How to read <see cref="Body"/>.</summary>
    public BodyKind BodyKind { get; set; }

    public string? MessageId { get; set; }
    public string? CorrelationId { get; set; }
    public string? Subject { get; set; }
    public string? ContentType { get; set; }
    public string? To { get; set; }
    public string? ReplyTo { get; set; }
    public string? SessionId { get; set; }
    public string? ReplyToSessionId { get; set; }
    public string? PartitionKey { get; set; }
    public string? ViaPartitionKey { get; set; }

    /// <summary>Time to live set by the sender; null means the entity's default.</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>When the message becomes visible; null or past means now.</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; set; }

    /// <summary>Application properties (case-sensitive keys as sent; filters look them up case-insensitively).</summary>
    public IDictionary<string, object?> ApplicationProperties => _properties ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Protocol annotations kept verbatim (e.g. AMQP message annotations other than the broker's own).</summary>
    public IDictionary<string, object?> Annotations => _annotations ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>True when the message has application properties, without allocating the dictionary.</summary>
    public bool HasApplicationProperties => _properties is { Count: > 0 };

    /// <summary>True when the message has annotations, without allocating the dictionary.</summary>
    public bool HasAnnotations => _annotations is { Count: > 0 };

    // ---- Broker-assigned ----

    /// <summary>Sequence number in its entity (assigned on enqueue).</summary>
    public long SequenceNumber { get; set; } = -1;

    /// <summary>When the broker accepted it.</summary>
    public DateTimeOffset EnqueuedTime { get; set; }

    /// <summary>For a dead-lettered message: the entity it came from.</summary>
    public string? DeadLetterSource { get; set; }

    /// <summary>Delivery attempts before this one (AMQP header.delivery-count).</summary>
    public int DeliveryCount { get; set; }

    /// <summary>Lock token of this delivery (peek-lock), else empty.</summary>
    public Guid LockToken { get; set; }

    /// <summary>Lock expiry of this delivery (peek-lock).</summary>
    public DateTimeOffset LockedUntil { get; set; }

    /// <summary>State as Service Bus reports it on peek.</summary>
    public MessageState State { get; set; }

    /// <summary>Expiry = enqueued (or scheduled) time + TTL; DateTimeOffset.MaxValue when it never expires.</summary>
    public DateTimeOffset ExpiresAt
    {
        get
        {
            if (TimeToLive is not TimeSpan ttl || ttl == TimeSpan.MaxValue)
            {
                return DateTimeOffset.MaxValue;
            }
            DateTimeOffset start = ScheduledEnqueueTime is { } s && s > EnqueuedTime ? s : EnqueuedTime;
            return DateTimeOffset.MaxValue - start <= ttl ? DateTimeOffset.MaxValue : start + ttl;
        }
    }

    /// <summary>Approximate size in bytes (body + properties), the figure quotas and counters use.</summary>
    public long Size => Body.Length + EstimatePropertiesSize();

    private long EstimatePropertiesSize()
    {
        long size = 0;
        if (_properties is not null)
        {
            foreach (KeyValuePair<string, object?> kv in _properties)
            {
                size += kv.Key.Length + (kv.Value is string s ? s.Length : 8);
            }
        }
        size += (MessageId?.Length ?? 0) + (CorrelationId?.Length ?? 0) + (Subject?.Length ?? 0) + (SessionId?.Length ?? 0);
        return size;
    }

    /// <summary>A deep copy (body bytes shared: they are never mutated in place).</summary>
    public BrokerMessage Clone()
    {
        var copy = (BrokerMessage)MemberwiseClone();
        copy._properties = _properties is null ? null : new Dictionary<string, object?>(_properties, StringComparer.Ordinal);
        copy._annotations = _annotations is null ? null : new Dictionary<string, object?>(_annotations, StringComparer.Ordinal);
        return copy;
    }
}

/// <summary>Message state as Service Bus reports it (<c>x-opt-message-state</c>).</summary>
public enum MessageState
{
    /// <summary>Available or locked.</summary>
    Active = 0,

    /// <summary>Deferred.</summary>
    Deferred = 1,

    /// <summary>Scheduled for later.</summary>
    Scheduled = 2,
}
