namespace Omnibus.Core.Messages;

/// <summary>
/// The protocol-neutral message (docs/core.md, "The message envelope"): body bytes or none, key
/// bytes, the canonical properties every front-end maps onto (<see cref="CanonicalHeaders"/>),
/// ordered typed headers, a front-end's native fields, and the broker's own annotations
/// (sequence number, enqueued time). Values of headers and native fields are those of
/// <see cref="HeaderValues"/>.
/// </summary>
public sealed class BrokerMessage
{
    private MessageHeaders? _headers;
    private MessageHeaders? _nativeFields;
    private ReadOnlyMemory<byte> _body;
    private bool _hasBody = true;

    /// <summary>Body bytes; setting them makes <see cref="HasBody"/> true.</summary>
    public ReadOnlyMemory<byte> Body
    {
        get => _body;
        set
        {
            _body = value;
            _hasBody = true;
        }
    }

    /// <summary>
    /// False for a message with no body at all (a Kafka tombstone), which is not the same as an
    /// empty body. Setting it false empties <see cref="Body"/>.
    /// </summary>
    public bool HasBody
    {
        get => _hasBody;
        set
        {
            _hasBody = value;
            if (!value)
            {
                _body = ReadOnlyMemory<byte>.Empty;
            }
        }
    }

    /// <summary>Key bytes (a Kafka record key), or null when the message has none.</summary>
    public ReadOnlyMemory<byte>? Key { get; set; }

    /// <summary>When the producer says it made the message (AMQP creation-time, Kafka record timestamp), apart from <see cref="EnqueuedTime"/>.</summary>
    public DateTimeOffset? ProducerTimestamp { get; set; }

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
    public string? ContentEncoding { get; set; }

    /// <summary>Priority as the sender set it (AMQP 1.0 and 0-9-1: 0–9 and 0–255), or null.</summary>
    public byte? Priority { get; set; }

    /// <summary>Whether the sender asked for durable delivery (AMQP durable, RabbitMQ delivery mode 2), or null when it did not say.</summary>
    public bool? Durable { get; set; }

    /// <summary>The sending user's id as the sender set it (AMQP user-id is bytes; a text id is its UTF-8).</summary>
    public byte[]? UserId { get; set; }

    public string? AppId { get; set; }

    /// <summary>The id duplicate detection keys on when it is not the message id (SQS MessageDeduplicationId).</summary>
    public string? DeduplicationId { get; set; }

    /// <summary>Time to live set by the sender; null means the entity's default.</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>When the message becomes visible; null or past means now.</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; set; }

    /// <summary>
    /// The headers: application-defined, ordered, names case-sensitive as sent and repeatable
    /// (Service Bus application properties, RabbitMQ headers, Kafka headers, SQS message
    /// attributes). Service Bus filters look names up case-insensitively.
    /// </summary>
    public MessageHeaders ApplicationProperties => _headers ??= new MessageHeaders();

    /// <summary>True when the message has headers, without allocating the collection.</summary>
    public bool HasApplicationProperties => _headers is { Count: > 0 };

    /// <summary>
    /// Fields of one front-end's own that no canonical property holds, kept so that a message
    /// read back through the same protocol is what was sent. Names are namespaced by the
    /// front-end (<c>amqp:…</c>); other front-ends ignore names not their own.
    /// </summary>
    public MessageHeaders NativeFields => _nativeFields ??= new MessageHeaders();

    /// <summary>True when the message has native fields, without allocating the collection.</summary>
    public bool HasNativeFields => _nativeFields is { Count: > 0 };

    // ---- Broker-assigned ----

    /// <summary>Sequence number in its entity (assigned on enqueue).</summary>
    public long SequenceNumber { get; set; } = -1;

    /// <summary>When the broker accepted it.</summary>
    public DateTimeOffset EnqueuedTime { get; set; }

    /// <summary>For a dead-lettered message: the entity it came from.</summary>
    public string? DeadLetterSource { get; set; }

    /// <summary>
    /// This delivery's state (lock token, lock expiry, delivery count, peek state): what a receive
    /// or peek of the message reports, never stored with the message. Default on a message that
    /// was not received (one being sent, forwarded or dead-lettered).
    /// </summary>
    public DeliveryInfo Delivery { get; set; }

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
    public long Size => Body.Length + (Key?.Length ?? 0) + EstimatePropertiesSize();

    private long EstimatePropertiesSize()
    {
        long size = 0;
        if (_headers is not null)
        {
            foreach (KeyValuePair<string, object?> kv in _headers)
            {
                size += kv.Key.Length + HeaderValues.EstimateSize(kv.Value);
            }
        }
        size += (MessageId?.Length ?? 0) + (CorrelationId?.Length ?? 0) + (Subject?.Length ?? 0) + (SessionId?.Length ?? 0);
        return size;
    }

    /// <summary>A deep copy (body bytes shared: they are never mutated in place).</summary>
    public BrokerMessage Clone()
    {
        var copy = (BrokerMessage)MemberwiseClone();
        copy._headers = _headers?.Clone();
        copy._nativeFields = _nativeFields?.Clone();
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
