using Omnibus.Core.Messages;

namespace Omnibus.Core.Routing;

/// <summary>
/// Writes the dead-letter headers on a message leaving a queue as a dead letter: one rule for a
/// queue's own dead-letter queue, a dead-letter exchange and a dead-letter queue elsewhere.
/// </summary>
internal static class DeadLetterMarking
{
    /// <summary>
    /// Marks <paramref name="m"/> in place: cause, reason text and description of this dead-lettering
    /// (an absent text or description removes an earlier one), its source, the exchange and routing key it
    /// had been published with, the time, a count raised each time, the first cause and source kept once
    /// set. The message loses its time to live and schedule, since a dead letter neither expires nor waits.
    /// </summary>
    public static void Mark(BrokerMessage m, DeadLetterReason reason, DateTimeOffset now)
    {
        MessageHeaders h = m.ApplicationProperties;
        string cause = DeadLetterCauses.Word(reason.Cause);
        h[DeadLetterHeaders.Cause] = cause;
        SetOrRemove(h, DeadLetterHeaders.Reason, reason.Text);
        SetOrRemove(h, DeadLetterHeaders.Description, reason.Description);
        h[DeadLetterHeaders.Source] = reason.Source;
        h[DeadLetterHeaders.Time] = now;
        h[DeadLetterHeaders.Exchange] = m.HasNativeFields && m.NativeFields.TryGetValue(RoutingAnnotations.Exchange, out object? x) ? x as string : null;
        h[DeadLetterHeaders.RoutingKey] = RoutingKeyOf(m);
        h[DeadLetterHeaders.Count] = (h.TryGetValue(DeadLetterHeaders.Count, out object? count) && count is long c ? c : 0L) + 1;
        if (reason.DeliveryCount is { } attempts)
        {
            h[DeadLetterHeaders.DeliveryCount] = (long)attempts;
        }
        h.TryAdd(DeadLetterHeaders.FirstCause, cause);
        h.TryAdd(DeadLetterHeaders.FirstSource, reason.Source);
        h[DeadLetterHeaders.History] = WithEntry(h.TryGetValue(DeadLetterHeaders.History, out object? history) ? history as HeaderList : null,
            reason.Leaving ?? reason.Source, cause, h[DeadLetterHeaders.Exchange] as string, (string)h[DeadLetterHeaders.RoutingKey]!, now);
        m.DeadLetterSource = reason.Source;
        m.TimeToLive = null;
        m.ScheduledEnqueueTime = null;
    }

    /// <summary>The history with this dead-lettering first: its (source, cause) entry counted up and moved first, or a new one.</summary>
    private static HeaderList WithEntry(HeaderList? history, string source, string cause, string? exchange, string routingKey, DateTimeOffset now)
    {
        long count = 1;
        var rest = new List<object?>();
        foreach (object? item in history ?? new HeaderList([]))
        {
            if (item is HeaderMap entry && Equals(Field(entry, "source"), source) && Equals(Field(entry, "cause"), cause))
            {
                count += Field(entry, "count") is long c ? c : 1;
            }
            else
            {
                rest.Add(item);
            }
        }
        var latest = new HeaderMap([
            new("source", source), new("cause", cause), new("count", count),
            new("exchange", exchange), new("routing-key", routingKey), new("time", now)]);
        return new HeaderList([latest, .. rest]);
    }

    /// <summary>A field of a history entry, or null.</summary>
    public static object? Field(HeaderMap entry, string name)
    {
        foreach (KeyValuePair<object?, object?> e in entry)
        {
            if (e.Key is string key && key == name)
            {
                return e.Value;
            }
        }
        return null;
    }

    /// <summary>The routing key a message was published with, or empty when it came by another path.</summary>
    public static string RoutingKeyOf(BrokerMessage m) =>
        m.HasNativeFields && m.NativeFields.TryGetValue(RoutingAnnotations.RoutingKey, out object? key) && key is string s ? s : "";

    private static void SetOrRemove(MessageHeaders h, string name, string? value)
    {
        if (value is null)
        {
            h.Remove(name);
        }
        else
        {
            h[name] = value;
        }
    }
}
