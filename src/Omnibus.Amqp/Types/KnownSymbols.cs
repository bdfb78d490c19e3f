namespace Omnibus.Amqp.Types;

/// <summary>
/// Symbols that appear on nearly every connection. Decoding one of these returns the shared
/// instance, so the hot path allocates nothing for annotation keys, capabilities and error
/// conditions.
/// </summary>
public static class KnownSymbols
{
    // Bucketed by length: a lookup compares against at most a handful of candidates.
    private static readonly AmqpSymbol[][] ByLength = Build(
    [
        "amqp:decode-error", "amqp:internal-error", "amqp:not-found", "amqp:unauthorized-access",
        "amqp:resource-limit-exceeded", "amqp:not-allowed", "amqp:invalid-field", "amqp:not-implemented",
        "amqp:resource-locked", "amqp:precondition-failed", "amqp:resource-deleted", "amqp:illegal-state",
        "amqp:frame-size-too-small", "amqp:connection:forced", "amqp:connection:framing-error",
        "amqp:connection:redirect", "amqp:session:window-violation", "amqp:session:errant-link",
        "amqp:session:handle-in-use", "amqp:session:unattached-handle", "amqp:link:detach-forced",
        "amqp:link:transfer-limit-exceeded", "amqp:link:message-size-exceeded", "amqp:link:redirect",
        "amqp:link:stolen", "amqp:transaction:unknown-id", "amqp:transaction:rollback",
        "amqp:transaction:timeout",
        "amqp:accepted:list", "amqp:rejected:list", "amqp:released:list", "amqp:modified:list",
        "amqp:received:list",
        "link-detach", "session-end", "connection-close", "never", "move", "copy",
        "MSSBCBS", "ANONYMOUS", "PLAIN", "EXTERNAL",
        "x-opt-sequence-number", "x-opt-enqueued-time", "x-opt-locked-until",
        "x-opt-enqueue-sequence-number", "x-opt-scheduled-enqueue-time", "x-opt-partition-key",
        "x-opt-via-partition-key", "x-opt-deadletter-source", "x-opt-message-state",
        "x-opt-partition-id", "x-opt-offset",
        "com.microsoft:timeout", "com.microsoft:tracking-id", "com.microsoft:session-filter",
        "com.microsoft:locked-until-utc", "com.microsoft:receiver-name", "com.microsoft:entity-type",
        "com.microsoft:dead-letter", "com.microsoft:message-lock-lost", "com.microsoft:session-lock-lost",
        "com.microsoft:session-cannot-be-locked", "com.microsoft:entity-already-exists",
        "com.microsoft:server-busy", "com.microsoft:argument-error", "com.microsoft:argument-out-of-range",
        "com.microsoft:entity-disabled", "com.microsoft:message-not-found",
        "com.microsoft:enable-receiver-runtime-metric", "com.microsoft:client-version",
        "apache.org:selector-filter:string",
        "amqp:local-transactions", "amqp:distributed-transactions", "amqp:promotable-transactions",
        "amqp:multi-txns-per-ssn", "amqp:multi-ssns-per-txn",
        "product", "version", "platform",
    ]);

    public static readonly AmqpSymbol DecodeError = Get("amqp:decode-error");
    public static readonly AmqpSymbol FrameSizeTooSmall = Get("amqp:frame-size-too-small");
    public static readonly AmqpSymbol FramingError = Get("amqp:connection:framing-error");
    public static readonly AmqpSymbol SequenceNumber = Get("x-opt-sequence-number");
    public static readonly AmqpSymbol EnqueuedTime = Get("x-opt-enqueued-time");
    public static readonly AmqpSymbol LockedUntil = Get("x-opt-locked-until");
    public static readonly AmqpSymbol PartitionKey = Get("x-opt-partition-key");
    public static readonly AmqpSymbol ScheduledEnqueueTime = Get("x-opt-scheduled-enqueue-time");
    public static readonly AmqpSymbol SessionFilter = Get("com.microsoft:session-filter");
    public static readonly AmqpSymbol MssbCbs = Get("MSSBCBS");
    public static readonly AmqpSymbol Anonymous = Get("ANONYMOUS");
    public static readonly AmqpSymbol Plain = Get("PLAIN");

    /// <summary>The interned instance equal to <paramref name="ascii"/>, or null.</summary>
    public static AmqpSymbol? TryGet(ReadOnlySpan<byte> ascii)
    {
        if (ascii.Length >= ByLength.Length)
        {
            return null;
        }

        foreach (var candidate in ByLength[ascii.Length])
        {
            if (candidate.Equals(ascii))
            {
                return candidate;
            }
        }

        return null;
    }

    private static AmqpSymbol Get(string text) =>
        TryGet(System.Text.Encoding.ASCII.GetBytes(text)) ?? throw new InvalidOperationException(text);

    private static AmqpSymbol[][] Build(string[] texts)
    {
        var longest = texts.Max(t => t.Length);
        var buckets = new List<AmqpSymbol>[longest + 1];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = [];
        }

        foreach (var text in texts.Distinct())
        {
            buckets[text.Length].Add(AmqpSymbol.CreateInterned(text));
        }

        return [.. buckets.Select(b => b.ToArray())];
    }
}
