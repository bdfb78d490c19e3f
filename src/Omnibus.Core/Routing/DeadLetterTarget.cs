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

/// <summary>Why messages are dead-lettered, and from where.</summary>
/// <param name="Reason">A short reason (<c>rejected</c>, <c>expired</c>, <c>maxlen</c>, <c>delivery_limit</c>, <c>MaxDeliveryCountExceeded</c>…: the front-end's words).</param>
/// <param name="Source">The queue (or receivable path) the messages leave.</param>
/// <param name="Description">A longer explanation, or null.</param>
public sealed record DeadLetterReason(string Reason, string Source, string? Description = null);

/// <summary>
/// The headers (application properties) dead-lettering writes on each message, in neutral names a
/// front-end maps to its own (RabbitMQ's <c>x-death</c> and <c>x-first-death-*</c>, Service Bus's
/// <c>DeadLetterReason</c>).
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The reason of the latest dead-lettering.</summary>
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

    /// <summary>The reason of the first dead-lettering (kept once set).</summary>
    public const string FirstReason = "dead-letter-first-reason";

    /// <summary>The queue the message left the first time (kept once set).</summary>
    public const string FirstSource = "dead-letter-first-source";
}
