namespace Omnibus.Core.Entities;

/// <summary>Whether an entity accepts sends and receives (Service Bus <c>EntityStatus</c>).</summary>
public enum EntityStatus
{
    /// <summary>Sends and receives allowed.</summary>
    Active,

    /// <summary>Neither allowed.</summary>
    Disabled,

    /// <summary>Receives allowed, sends refused.</summary>
    SendDisabled,

    /// <summary>Sends allowed, receives refused.</summary>
    ReceiveDisabled,
}

/// <summary>A queue's definition. Defaults follow Service Bus.</summary>
public sealed record QueueDescription
{
    public required string Name { get; init; }
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxDeliveryCount { get; init; } = 10;
    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;
    public bool DeadLetteringOnMessageExpiration { get; init; }
    public bool RequiresDuplicateDetection { get; init; }
    public TimeSpan DuplicateDetectionHistoryTimeWindow { get; init; } = TimeSpan.FromMinutes(10);
    public bool RequiresSession { get; init; }

    /// <summary>
    /// Grouped delivery without a session accept: messages with the same group id (the session id
    /// field) are delivered one at a time in order, the next only once the one in hand is settled
    /// or its lock expired; different groups go to competing receivers in parallel. Ignored when
    /// <see cref="RequiresSession"/> is set.
    /// </summary>
    public bool MessageGroups { get; init; }

    /// <summary>
    /// The highest message priority this queue orders by (RabbitMQ's <c>x-max-priority</c>): null or
    /// 0 for none (sequence order), at most 255. Receives take the highest-priority available
    /// message first, in sequence order within a priority; a message's priority is its canonical
    /// <c>priority</c>, missing counting as 0 and higher values as this maximum. Fixed once the
    /// queue is created; not combined with <see cref="RequiresSession"/>.
    /// </summary>
    public int? MaxPriority { get; init; }
    public string? ForwardTo { get; init; }
    public string? ForwardDeadLetteredMessagesTo { get; init; }

    /// <summary>
    /// Dead letters go to this exchange (published with <see cref="DeadLetterRoutingKey"/>, else the key
    /// the message was published with) instead of the entity's own dead-letter queue: RabbitMQ's
    /// <c>x-dead-letter-exchange</c>. The reason is in the neutral dead-letter headers. As in RabbitMQ,
    /// a dead letter the exchange routes nowhere, or an exchange that does not exist, drops it.
    /// </summary>
    public string? DeadLetterExchange { get; init; }

    /// <summary>The routing key dead letters are published with to <see cref="DeadLetterExchange"/> (RabbitMQ's <c>x-dead-letter-routing-key</c>).</summary>
    public string? DeadLetterRoutingKey { get; init; }

    /// <summary>
    /// The most ready messages (available, not locked, scheduled or deferred) the queue holds: RabbitMQ's
    /// <c>x-max-length</c>. Null for no limit. What happens at the limit is <see cref="Overflow"/>.
    /// </summary>
    public long? MaxLength { get; init; }

    /// <summary>The most bytes of ready messages the queue holds (RabbitMQ's <c>x-max-length-bytes</c>); null for no limit.</summary>
    public long? MaxLengthBytes { get; init; }

    /// <summary>What a send beyond <see cref="MaxLength"/> or <see cref="MaxLengthBytes"/> does (RabbitMQ's <c>x-overflow</c>).</summary>
    public QueueOverflow Overflow { get; init; } = QueueOverflow.DropHead;

    /// <summary>
    /// Settings a front-end keeps with the queue (flags of its protocol the core has no notion of), stored and
    /// returned as given; the core does not read them. An update that gives none keeps the ones stored.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
    public int PartitionCount { get; init; } = 1;
    public long MaxSizeInMegabytes { get; init; } = 1024;
    public long MaxMessageSizeInKilobytes { get; init; } = 1024;
    public EntityStatus Status { get; init; } = EntityStatus.Active;
    public TimeSpan AutoDeleteOnIdle { get; init; } = TimeSpan.MaxValue;
    public bool EnableBatchedOperations { get; init; } = true;
    public string? UserMetadata { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What a queue at its length limit does with one more message.</summary>
public enum QueueOverflow
{
    /// <summary>Takes it, and pushes the oldest ready messages out (dead-lettered, cause max-length, when the queue names a dead-letter exchange or forward target; else dropped).</summary>
    DropHead,

    /// <summary>Refuses the send (<see cref="MessagingErrorCode.QuotaExceeded"/>); the queue keeps what it has.</summary>
    RejectPublish,

    /// <summary>Refuses the send as <see cref="RejectPublish"/>, and dead-letters the refused message (cause max-length).</summary>
    RejectPublishDeadLetter,
}

/// <summary>A topic's definition.</summary>
public sealed record TopicDescription
{
    public required string Name { get; init; }
    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;
    public bool RequiresDuplicateDetection { get; init; }
    public TimeSpan DuplicateDetectionHistoryTimeWindow { get; init; } = TimeSpan.FromMinutes(10);
    public int PartitionCount { get; init; } = 1;
    public long MaxSizeInMegabytes { get; init; } = 1024;
    public long MaxMessageSizeInKilobytes { get; init; } = 1024;
    public EntityStatus Status { get; init; } = EntityStatus.Active;
    public TimeSpan AutoDeleteOnIdle { get; init; } = TimeSpan.MaxValue;
    public bool SupportOrdering { get; init; } = true;
    public bool EnableBatchedOperations { get; init; } = true;

    /// <summary>
    /// Settings a front-end keeps with the topic, as <see cref="QueueDescription.Settings"/>: stored and
    /// returned as given, never read by the core; an update that gives none keeps the ones stored.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
    public string? UserMetadata { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A subscription's definition.</summary>
public sealed record SubscriptionDescription
{
    public required string TopicName { get; init; }
    public required string Name { get; init; }
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxDeliveryCount { get; init; } = 10;
    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;
    public bool DeadLetteringOnMessageExpiration { get; init; }
    public bool DeadLetteringOnFilterEvaluationExceptions { get; init; } = true;
    public bool RequiresSession { get; init; }

    /// <summary>
    /// Grouped delivery without a session accept: messages with the same group id (the session id
    /// field) are delivered one at a time in order, the next only once the one in hand is settled
    /// or its lock expired; different groups go to competing receivers in parallel. Ignored when
    /// <see cref="RequiresSession"/> is set.
    /// </summary>
    public bool MessageGroups { get; init; }
    public string? ForwardTo { get; init; }
    public string? ForwardDeadLetteredMessagesTo { get; init; }

    /// <summary>
    /// Dead letters go to this exchange (published with <see cref="DeadLetterRoutingKey"/>, else the key
    /// the message was published with) instead of the entity's own dead-letter queue: RabbitMQ's
    /// <c>x-dead-letter-exchange</c>. The reason is in the neutral dead-letter headers. As in RabbitMQ,
    /// a dead letter the exchange routes nowhere, or an exchange that does not exist, drops it.
    /// </summary>
    public string? DeadLetterExchange { get; init; }

    /// <summary>The routing key dead letters are published with to <see cref="DeadLetterExchange"/> (RabbitMQ's <c>x-dead-letter-routing-key</c>).</summary>
    public string? DeadLetterRoutingKey { get; init; }
    public EntityStatus Status { get; init; } = EntityStatus.Active;
    public TimeSpan AutoDeleteOnIdle { get; init; } = TimeSpan.MaxValue;
    public bool EnableBatchedOperations { get; init; } = true;
    public string? UserMetadata { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Route id inside the topic (stored in each message record); assigned by the broker, never reused.</summary>
    public int RouteId { get; init; }
}

/// <summary>The kinds of rule filter.</summary>
public enum RuleFilterKind
{
    /// <summary>Matches everything.</summary>
    True,

    /// <summary>Matches nothing.</summary>
    False,

    /// <summary>A SQL expression.</summary>
    Sql,

    /// <summary>Equality on system properties and application properties.</summary>
    Correlation,
}

/// <summary>A rule filter as defined by a user (compiled by the broker).</summary>
public sealed record RuleFilterDescription
{
    public RuleFilterKind Kind { get; init; } = RuleFilterKind.True;
    public string? SqlExpression { get; init; }
    public string? CorrelationId { get; init; }
    public string? MessageId { get; init; }
    public string? To { get; init; }
    public string? ReplyTo { get; init; }
    public string? Subject { get; init; }
    public string? SessionId { get; init; }
    public string? ReplyToSessionId { get; init; }
    public string? ContentType { get; init; }
    public Dictionary<string, object?>? Properties { get; init; }

    /// <summary>Values of the SQL expression's <c>@name</c> parameters (typed as the property values are), or null for none.</summary>
    public Dictionary<string, object?>? Parameters { get; init; }

    public static RuleFilterDescription True { get; } = new();
    public static RuleFilterDescription False { get; } = new() { Kind = RuleFilterKind.False };

    public static RuleFilterDescription Sql(string expression) => new() { Kind = RuleFilterKind.Sql, SqlExpression = expression };
}

/// <summary>A subscription rule: a filter and an optional SQL action.</summary>
public sealed record RuleDescription
{
    public const string DefaultRuleName = "$Default";

    public required string Name { get; init; }
    public RuleFilterDescription Filter { get; init; } = RuleFilterDescription.True;

    /// <summary>SQL rule action, or null for none.</summary>
    public string? ActionSqlExpression { get; init; }

    /// <summary>Values of the action's <c>@name</c> parameters, or null for none.</summary>
    public Dictionary<string, object?>? ActionParameters { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
