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
        h.TryAdd(DeadLetterHeaders.FirstCause, cause);
        h.TryAdd(DeadLetterHeaders.FirstSource, reason.Source);
        m.DeadLetterSource = reason.Source;
        m.TimeToLive = null;
        m.ScheduledEnqueueTime = null;
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
