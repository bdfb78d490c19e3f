namespace Omnibus.Core.Messages;

/// <summary>
/// The names every front-end maps its own message properties onto, so a message sent through
/// one protocol reads right through another (the per-protocol table is in docs/core.md). Each
/// canonical header is held by a typed property of <see cref="BrokerMessage"/>, named in the
/// comment; the name is what a front-end uses where it needs the property as text (a filter, a
/// header-matching binding, a protocol whose headers are a flat map).
/// </summary>
public static class CanonicalHeaders
{
    /// <summary><see cref="BrokerMessage.MessageId"/>.</summary>
    public const string MessageId = "message-id";

    /// <summary><see cref="BrokerMessage.CorrelationId"/>.</summary>
    public const string CorrelationId = "correlation-id";

    /// <summary><see cref="BrokerMessage.ContentType"/>.</summary>
    public const string ContentType = "content-type";

    /// <summary><see cref="BrokerMessage.ContentEncoding"/>.</summary>
    public const string ContentEncoding = "content-encoding";

    /// <summary><see cref="BrokerMessage.Subject"/> (Service Bus subject/label, RabbitMQ type).</summary>
    public const string Subject = "subject";

    /// <summary><see cref="BrokerMessage.ReplyTo"/>.</summary>
    public const string ReplyTo = "reply-to";

    /// <summary><see cref="BrokerMessage.Priority"/>.</summary>
    public const string Priority = "priority";

    /// <summary><see cref="BrokerMessage.Durable"/> (RabbitMQ delivery mode 2 is durable).</summary>
    public const string Durable = "durable";

    /// <summary><see cref="BrokerMessage.TimeToLive"/> (expiration).</summary>
    public const string TimeToLive = "ttl";

    /// <summary><see cref="BrokerMessage.UserId"/>.</summary>
    public const string UserId = "user-id";

    /// <summary><see cref="BrokerMessage.AppId"/>.</summary>
    public const string AppId = "app-id";

    /// <summary><see cref="BrokerMessage.SessionId"/> (Service Bus session, SQS and AMQP message group).</summary>
    public const string SessionId = "session-id";

    /// <summary><see cref="BrokerMessage.DeduplicationId"/>.</summary>
    public const string DeduplicationId = "dedup-id";

    /// <summary><see cref="BrokerMessage.PartitionKey"/>.</summary>
    public const string PartitionKey = "partition-key";

    /// <summary>Every canonical name, in the order of docs/core.md's table.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        MessageId, CorrelationId, ContentType, ContentEncoding, Subject, ReplyTo, Priority, Durable, TimeToLive,
        UserId, AppId, SessionId, DeduplicationId, PartitionKey,
    ];
}
