using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;
using Omnibus.Core.Security;

namespace Omnibus.Management.Api;

/// <summary>
/// Moves dead-lettered messages back to their entity: each is sent again (without its dead-letter reason) and
/// only then completed in the dead-letter queue, so a failure leaves it in the DLQ rather than losing it.
/// A subscription's messages go back through its topic (the only address one can send to), so every
/// subscription whose rules match receives them again; Service Bus tools do the same.
/// </summary>
internal static class DeadLetterResubmit
{
    private const int Batch = 100;

    public static async Task<ResubmitResult> RunAsync(Broker broker, string entity, int max, CallerIdentity caller)
    {
        AdminEntityPath path = AdminEntityPath.Parse(entity);
        string target = path.SendTarget;
        Receivable dlq = path.Find(broker, caller, deadLetter: true);
        int moved = 0;
        while (moved < max)
        {
            IReadOnlyList<BrokerMessage> batch = await dlq.ReceiveAsync(Math.Min(Batch, max - moved), TimeSpan.Zero, ReceiveMode.PeekLock).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }
            foreach (BrokerMessage m in batch)
            {
                BrokerMessage copy = m.Clone();
                RemoveDeadLetterHeaders(copy);
                copy.DeadLetterSource = null;
                copy.SequenceNumber = -1;
                copy.Delivery = default; // a new message: no delivery of it yet
                await broker.SendAsync(target, [copy], caller).ConfigureAwait(false);
                await dlq.CompleteAsync(m.Delivery.LockToken).ConfigureAwait(false);
                moved++;
            }
        }
        return new ResubmitResult(moved, target);
    }

    /// <summary>
    /// A resubmitted message is a new message: the dead-letter headers go (and the Service Bus names of
    /// reason and description, which messages dead-lettered before the neutral headers still carry).
    /// </summary>
    private static void RemoveDeadLetterHeaders(BrokerMessage m)
    {
        if (!m.HasApplicationProperties)
        {
            return;
        }
        foreach (string name in m.ApplicationProperties.Select(p => p.Key).Where(IsDeadLetterHeader).ToList())
        {
            m.ApplicationProperties.Remove(name);
        }
    }

    private static bool IsDeadLetterHeader(string name) =>
        DeadLetterHeaders.All.Contains(name) || name is "DeadLetterReason" or "DeadLetterErrorDescription";
}
