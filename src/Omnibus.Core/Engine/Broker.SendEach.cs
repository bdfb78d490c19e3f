using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Security;

namespace Omnibus.Core.Engine;

public sealed partial class Broker
{
    /// <summary>
    /// Sends several independent batches to one queue or topic, in order: each batch is atomic on
    /// its own (as with <see cref="SendAsync(string, IReadOnlyList{BrokerMessage})"/>) and fails on
    /// its own. The result holds, per batch, null when it was stored (or dropped as a duplicate) or
    /// the error that refused it. For a plain queue (one partition, no forwarding) the batches that
    /// pass their checks share one append, one index pass and one wake-up of the receivers, which
    /// is what a front-end with many deliveries in flight on one link needs; otherwise each batch
    /// goes through <see cref="SendAsync(string, IReadOnlyList{BrokerMessage})"/>, all started before
    /// any is awaited so they still share the storage's group commit.
    /// </summary>
    public async Task<Exception?[]> SendEachAsync(string entityPath, IReadOnlyList<IReadOnlyList<BrokerMessage>> batches, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(entityPath);
        ArgumentNullException.ThrowIfNull(batches);
        Authorize(caller, EntityRight.Send, entityPath);
        var errors = new Exception?[batches.Count];
        if (Space.IsFull)
        {
            Array.Fill(errors, Space.Refusal(entityPath));
            return errors;
        }
        (QueueEntity? queue, _) = FindSendTarget(entityPath);
        QueueDescription? d = queue?.Description;
        if (queue is null || d is null || queue.Log.Partitions.Length != 1
            || (d.ForwardTo is { } forward && !string.Equals(forward, d.Name, StringComparison.OrdinalIgnoreCase)))
        {
            var sends = new Task[batches.Count];
            // A topic is also the exchange of its name: what it takes goes through that exchange's bindings too (as SendAsync does).
            string name = entityPath.Trim('/');
            bool topic = queue is null && IsTopic(name);
            for (int i = 0; i < batches.Count; i++)
            {
                sends[i] = topic ? SendToTopicAndItsExchangeAsync(name, batches[i]) : SendAsync(entityPath, batches[i], 0);
            }
            for (int i = 0; i < sends.Length; i++)
            {
                try
                {
                    await sends[i].ConfigureAwait(false);
                }
                catch (Exception e) when (e is MessagingException or ObjectDisposedException or IOException or InvalidOperationException)
                {
                    errors[i] = DiskFullOr(entityPath, e);
                }
            }
            return errors;
        }

        var accepted = new List<BrokerMessage>();
        var claimed = new List<int>(); // batches whose messages are in the shared append
        for (int i = 0; i < batches.Count; i++)
        {
            try
            {
                Stamp(batches[i], d.Name, d.Status, d.MaxMessageSizeInKilobytes, d.MaxSizeInMegabytes, queue.Receivable.UnsettledBytes(), d.DefaultMessageTimeToLive);
                await RefuseOverLengthAsync(queue, batches[i], accepted).ConfigureAwait(false);
            }
            catch (MessagingException e)
            {
                errors[i] = e;
                continue;
            }
            (IReadOnlyList<BrokerMessage> fresh, _) = FilterDuplicates(queue.Log, batches[i]);
            accepted.AddRange(fresh);
            claimed.Add(i);
        }
        queue.Receivable.AccessedAt = Clock.GetUtcNow();
        if (accepted.Count == 0)
        {
            return errors;
        }
        try
        {
            await StoreInQueueAsync(queue, accepted, Guid.Empty).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessagingException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // One append: it failed for every batch in it (and none of them is stored).
            Exception error = DiskFullOr(entityPath, e);
            foreach (int i in claimed)
            {
                errors[i] = error;
            }
        }
        return errors;
    }
}
