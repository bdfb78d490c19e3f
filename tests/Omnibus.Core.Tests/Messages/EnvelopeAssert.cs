using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Messages;

internal static class EnvelopeAssert
{
    /// <summary>True when two envelopes hold the same sender-set content (broker-assigned fields aside).</summary>
    public static bool SameContent(BrokerMessage a, BrokerMessage b) =>
        a.HasBody == b.HasBody && a.Body.Span.SequenceEqual(b.Body.Span)
        && a.Key.HasValue == b.Key.HasValue && (a.Key ?? default).Span.SequenceEqual((b.Key ?? default).Span)
        && Nullable.Equals(a.ProducerTimestamp, b.ProducerTimestamp) && a.ProducerTimestamp?.Offset == b.ProducerTimestamp?.Offset
        && a.EnqueuedTime == b.EnqueuedTime
        && (a.MessageId, a.CorrelationId, a.Subject, a.ContentType, a.To, a.ReplyTo, a.SessionId, a.ReplyToSessionId, a.PartitionKey, a.ContentEncoding, a.AppId, a.DeduplicationId)
            == (b.MessageId, b.CorrelationId, b.Subject, b.ContentType, b.To, b.ReplyTo, b.SessionId, b.ReplyToSessionId, b.PartitionKey, b.ContentEncoding, b.AppId, b.DeduplicationId)
        && a.Priority == b.Priority && a.Durable == b.Durable && a.TimeToLive == b.TimeToLive
        && HeaderValues.DeepEquals(a.UserId, b.UserId)
        && SameHeaders(a.ApplicationProperties, b.ApplicationProperties)
        && SameHeaders(a.NativeFields, b.NativeFields);

    /// <summary>Same names in the same order with deeply equal values of the same types.</summary>
    public static bool SameHeaders(MessageHeaders a, MessageHeaders b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (int i = 0; i < a.Count; i++)
        {
            KeyValuePair<string, object?> x = a.At(i), y = b.At(i);
            if (x.Key != y.Key || !SameValue(x.Value, y.Value))
            {
                return false;
            }
        }
        return true;
    }

    private static bool SameValue(object? a, object? b)
    {
        if (a?.GetType() != b?.GetType() || !HeaderValues.DeepEquals(a, b))
        {
            return false;
        }
        return (a, b) switch
        {
            (DateTimeOffset x, DateTimeOffset y) => x.Offset == y.Offset,
            (DateTime x, DateTime y) => x.Kind == y.Kind,
            (HeaderList x, HeaderList y) => x.Zip(y).All(p => SameValue(p.First, p.Second)),
            (HeaderArray x, HeaderArray y) => x.Zip(y).All(p => SameValue(p.First, p.Second)),
            (HeaderMap x, HeaderMap y) => x.Zip(y).All(p => SameValue(p.First.Key, p.Second.Key) && SameValue(p.First.Value, p.Second.Value)),
            _ => true,
        };
    }
}
