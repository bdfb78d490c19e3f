using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Engine;

/// <summary>Sends to a queue at its length limit with reject-publish overflow (docs/core.md, Length limits).</summary>
public sealed partial class Broker
{
    /// <summary>
    /// Refuses <paramref name="messages"/> (<see cref="MessagingErrorCode.QuotaExceeded"/>) when, with
    /// <paramref name="pending"/> messages of this send already accepted, they would take the queue's ready
    /// messages past a limit and its overflow rejects; with reject-publish-dlx the refused messages are
    /// dead-lettered first (cause max-length). Drop-head queues take everything (trimmed after the store).
    /// </summary>
    private async Task RefuseOverLengthAsync(QueueEntity queue, IReadOnlyList<BrokerMessage> messages, List<BrokerMessage>? pending = null)
    {
        ReceivableSettings s = queue.Receivable.Settings;
        if (!s.HasLengthLimit || s.Overflow == QueueOverflow.DropHead)
        {
            return;
        }
        long count = messages.Count + (pending?.Count ?? 0);
        long bytes = messages.Sum(m => (long)m.Size) + (pending?.Sum(m => (long)m.Size) ?? 0);
        if (!queue.Receivable.WouldOverflow(count, bytes))
        {
            return;
        }
        if (s.Overflow == QueueOverflow.RejectPublishDeadLetter && s.DeadLetterOverflow && queue.Receivable.DeadLetterSink is { } sink)
        {
            DateTimeOffset now = Clock.GetUtcNow();
            var copies = new List<BrokerMessage>(messages.Count);
            foreach (BrokerMessage m in messages)
            {
                BrokerMessage copy = m.Clone();
                DeadLetterMarking.Mark(copy, new DeadLetterReason(DeadLetterCause.MaxLength, queue.Description.Name, null, "The queue was at its maximum length."), now);
                copies.Add(copy);
            }
            await sink(copies).ConfigureAwait(false);
        }
        throw new MessagingException(MessagingErrorCode.QuotaExceeded, $"The queue '{queue.Description.Name}' is at its maximum length ({LimitText(s)}).");
    }

    private static string LimitText(ReceivableSettings s) => (s.MaxLength, s.MaxLengthBytes) switch
    {
        (long n, long b) => $"{n} messages, {b} bytes",
        (long n, null) => $"{n} messages",
        (null, long b) => $"{b} bytes",
        _ => "none",
    };
}
