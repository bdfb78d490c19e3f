namespace Omnibus.Core.Routing;

/// <summary>
/// Where dead-lettered messages go: an exchange (with a routing key, or the message's own when null)
/// or a queue. RabbitMQ's <c>x-dead-letter-exchange</c> / <c>x-dead-letter-routing-key</c>, SQS's
/// redrive target and a Service Bus forward-dead-lettered-to entity are each one of these.
/// </summary>
public sealed record DeadLetterTarget
{
    private DeadLetterTarget(string? exchange, string? routingKey, string? queue)
    {
        Exchange = exchange;
        RoutingKey = routingKey;
        Queue = queue;
    }

    /// <summary>The exchange to publish to, or null when the target is a queue.</summary>
    public string? Exchange { get; }

    /// <summary>The routing key to publish with; null keeps the key the message was published with.</summary>
    public string? RoutingKey { get; }

    /// <summary>The queue to append to, or null when the target is an exchange.</summary>
    public string? Queue { get; }

    /// <summary>Dead-letter through an exchange (the empty name is the default exchange).</summary>
    public static DeadLetterTarget ToExchange(string exchange, string? routingKey = null)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        return new(exchange, routingKey, null);
    }

    /// <summary>Dead-letter straight into a queue.</summary>
    public static DeadLetterTarget ToQueue(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        return new(null, null, queue);
    }
}

/// <summary>
/// What made the broker or a consumer dead-letter a message, in neutral terms each front-end words
/// its own way (RabbitMQ's <c>x-death</c> reasons <c>rejected</c>, <c>expired</c>, <c>delivery_limit</c>,
/// <c>maxlen</c>; Service Bus's <c>MaxDeliveryCountExceeded</c>, <c>TTLExpiredException</c>,
/// <c>FilterEvaluationException</c>).
/// </summary>
public enum DeadLetterCause
{
    /// <summary>A consumer dead-lettered (rejected) it, maybe with a reason text of its own.</summary>
    Rejected,

    /// <summary>Its time to live ended.</summary>
    Expired,

    /// <summary>It was delivered the entity's maximum number of times without being settled.</summary>
    DeliveryLimit,

    /// <summary>It was pushed out of a queue at its length limit.</summary>
    MaxLength,

    /// <summary>A subscription's rule failed to evaluate on it.</summary>
    FilterError,
}

/// <summary>Why messages are dead-lettered, and from where.</summary>
/// <param name="Cause">What made them dead letters.</param>
/// <param name="Source">The entity named as the messages' dead-letter source: the queue (or receivable path) they leave, or the one they first left as dead letters.</param>
/// <param name="Text">The consumer's own reason, when it gave one (Service Bus lets it; RabbitMQ does not).</param>
/// <param name="Description">A longer explanation, or null.</param>
public sealed record DeadLetterReason(DeadLetterCause Cause, string Source, string? Text = null, string? Description = null)
{
    /// <summary>The queue (or receivable path) the messages leave this time, for the history; null: <see cref="Source"/>.</summary>
    public string? Leaving { get; init; }

    /// <summary>The delivery attempts the message had had in the receivable it leaves; null where it had none (routed, pushed out).</summary>
    public int? DeliveryCount { get; init; }
}

/// <summary>The stored words of <see cref="DeadLetterCause"/> (the <see cref="DeadLetterHeaders.Cause"/> header).</summary>
public static class DeadLetterCauses
{
    /// <summary>The cause as stored: <c>rejected</c>, <c>expired</c>, <c>delivery-limit</c>, <c>max-length</c>, <c>filter-error</c>.</summary>
    public static string Word(DeadLetterCause cause) => cause switch
    {
        DeadLetterCause.Expired => "expired",
        DeadLetterCause.DeliveryLimit => "delivery-limit",
        DeadLetterCause.MaxLength => "max-length",
        DeadLetterCause.FilterError => "filter-error",
        _ => "rejected",
    };

    /// <summary>The cause a stored word names, or null for a word that is not one (or none).</summary>
    public static DeadLetterCause? Parse(string? word) => word switch
    {
        "rejected" => DeadLetterCause.Rejected,
        "expired" => DeadLetterCause.Expired,
        "delivery-limit" => DeadLetterCause.DeliveryLimit,
        "max-length" => DeadLetterCause.MaxLength,
        "filter-error" => DeadLetterCause.FilterError,
        _ => null,
    };
}

/// <summary>
/// The headers (application properties) dead-lettering writes on each message, in neutral names a
/// front-end maps to its own (RabbitMQ's <c>x-death</c> and <c>x-first-death-*</c>, Service Bus's
/// <c>DeadLetterReason</c> and <c>DeadLetterErrorDescription</c>).
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The cause of the latest dead-lettering (<see cref="DeadLetterCauses.Word"/>).</summary>
    public const string Cause = "dead-letter-cause";

    /// <summary>The consumer's own reason text of the latest dead-lettering, when it gave one.</summary>
    public const string Reason = "dead-letter-reason";

    /// <summary>The description of the latest dead-lettering, when one was given.</summary>
    public const string Description = "dead-letter-description";

    /// <summary>The queue the message left the latest time.</summary>
    public const string Source = "dead-letter-source";

    /// <summary>The exchange the message had been published to before the latest dead-lettering.</summary>
    public const string Exchange = "dead-letter-exchange";

    /// <summary>The routing key it had been published with.</summary>
    public const string RoutingKey = "dead-letter-routing-key";

    /// <summary>When the latest dead-lettering happened (a DateTimeOffset).</summary>
    public const string Time = "dead-letter-time";

    /// <summary>How many times the message has been dead-lettered (a long).</summary>
    public const string Count = "dead-letter-count";

    /// <summary>The cause of the first dead-lettering (kept once set).</summary>
    public const string FirstCause = "dead-letter-first-cause";

    /// <summary>The queue the message left the first time (kept once set).</summary>
    public const string FirstSource = "dead-letter-first-source";

    /// <summary>The delivery attempts the message had had where it was dead-lettered the latest time (a long), when it had a delivery state there.</summary>
    public const string DeliveryCount = "dead-letter-delivery-count";

    /// <summary>Every dead-letter header name.</summary>
    /// <summary>
    /// Every dead-lettering by where and why, the latest first: a <see cref="HeaderList"/> of <see cref="HeaderMap"/>s
    /// with <c>source</c>, <c>cause</c>, <c>count</c> (of that source and cause), <c>exchange</c>, <c>routing-key</c>
    /// and <c>time</c>. A message that leaves the same queue for the same cause again raises that entry's count
    /// and moves it first (RabbitMQ's <c>x-death</c> is this list).
    /// </summary>
    public const string History = "dead-letter-history";

    public static IReadOnlyList<string> All { get; } =
        [Cause, Reason, Description, Source, Exchange, RoutingKey, Time, Count, FirstCause, FirstSource, History, DeliveryCount];
}
