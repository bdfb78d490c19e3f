using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
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
                copy.ApplicationProperties.Remove(Receivable.DeadLetterReasonProperty);
                copy.ApplicationProperties.Remove(Receivable.DeadLetterDescriptionProperty);
                copy.DeadLetterSource = null;
                copy.SequenceNumber = -1;
                copy.DeliveryCount = 0;
                copy.LockToken = Guid.Empty;
                await broker.SendAsync(target, [copy], caller).ConfigureAwait(false);
                await dlq.CompleteAsync(m.LockToken).ConfigureAwait(false);
                moved++;
            }
        }
        return new ResubmitResult(moved, target);
    }
}
