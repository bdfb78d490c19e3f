namespace Omnibus.Core.Routing;

/// <summary>The exchange types the core knows; more come from <see cref="IExchangeType"/> plug-ins (<c>BrokerOptions.ExchangeTypes</c>).</summary>
public static class ExchangeTypes
{
    /// <summary>Routes to the bindings whose key equals the routing key.</summary>
    public const string Direct = "direct";

    /// <summary>Routes to every binding.</summary>
    public const string Fanout = "fanout";

    /// <summary>Routes by dot-separated patterns: <c>*</c> one word, <c>#</c> zero or more.</summary>
    public const string Topic = "topic";

    /// <summary>Routes by the message's headers against the binding's argument table (match all or any).</summary>
    public const string Headers = "headers";

    /// <summary>Routes by the rules each binding carries, compiled by the broker's rule compiler (Service Bus SQL and correlation filters with actions).</summary>
    public const string Rules = "rules";
}

/// <summary>
/// A routing point: messages published to it go to the queues and exchanges its bindings select.
/// A RabbitMQ exchange, a Service Bus topic, an SNS topic and a Kafka topic are shapes of it
/// (docs/core.md, "Routing").
/// </summary>
public sealed record ExchangeDescription
{
    /// <summary>The name (case-sensitive, 1 to 255 UTF-8 bytes, no control characters). The empty name is the default exchange.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="ExchangeTypes"/> or a plug-in's type name.</summary>
    public string Type { get; init; } = ExchangeTypes.Direct;

    /// <summary>Kept across a restart (with the bindings from it to durable destinations). A transient exchange lives until the broker stops.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>Deleted when its last binding to a destination goes (after it had at least one).</summary>
    public bool AutoDelete { get; init; }

    /// <summary>Not published to directly, only reached through exchange-to-exchange bindings.</summary>
    public bool Internal { get; init; }

    /// <summary>Where a message goes that this exchange's own bindings do not match; null for none. It may name an exchange that does not exist (yet): such a message is then unroutable.</summary>
    public string? AlternateExchange { get; init; }

    /// <summary>Arguments kept verbatim for the front-end that declared it (typed values; compared by nobody in the core).</summary>
    public Dictionary<string, object?> Arguments { get; init; } = new(StringComparer.Ordinal);

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True when <paramref name="other"/> declares the same exchange: type and flags equal (arguments are the front-end's to compare).</summary>
    public bool IsEquivalentTo(ExchangeDescription other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Type, other.Type, StringComparison.Ordinal) && Durable == other.Durable && AutoDelete == other.AutoDelete
            && Internal == other.Internal && string.Equals(AlternateExchange, other.AlternateExchange, StringComparison.Ordinal);
    }
}
