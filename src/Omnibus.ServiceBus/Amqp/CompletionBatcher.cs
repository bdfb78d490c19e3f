using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Core;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// Completes a receiver link's accepted deliveries in batches: a peer settling a prefetched burst
/// sends one disposition per message, and each used to cost its own pass under the receivable's
/// lock, its own state write and its own answer frame. Settlements are collected until a queued
/// flush runs (behind the dispositions of the same read, so they join it), completed with one
/// <see cref="Receivable.CompleteManyAsync"/>, and the accepted ones that asked for an answer are
/// answered in ranges. <paramref name="settled"/> is called once per settlement after its answer
/// is written, so the link's detach still waits for every answer.
/// </summary>
internal sealed class CompletionBatcher(Receivable receivable, ConnectionWriter writer, ushort channel, Action settled, Func<MessagingException, MessagingException> asSeenByLink)
{
    private readonly Lock _gate = new();
    private readonly DispositionCoalescer _accepted = new(writer, channel, LinkRole.Sender, Accepted.Instance);
    private List<(uint DeliveryId, Guid LockToken, bool Answer)> _pending = [];
    private bool _flushQueued;

    public void Add(uint deliveryId, Guid lockToken, bool answer)
    {
        bool queue;
        lock (_gate)
        {
            _pending.Add((deliveryId, lockToken, answer));
            queue = !_flushQueued;
            _flushQueued = true;
        }
        if (queue)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.FlushAsync(), this, preferLocal: false);
        }
    }

    private async Task FlushAsync()
    {
        List<(uint DeliveryId, Guid LockToken, bool Answer)> batch;
        lock (_gate)
        {
            batch = _pending;
            _pending = [];
            _flushQueued = false;
        }
        try
        {
            AmqpError?[] errors = await CompleteAsync(batch).ConfigureAwait(false);
            for (int i = 0; i < batch.Count; i++)
            {
                if (!batch[i].Answer)
                {
                    continue;
                }
                if (errors[i] is { } error)
                {
                    writer.Write(channel, new Disposition { Role = LinkRole.Sender, First = batch[i].DeliveryId, Settled = true, State = new Rejected(error) });
                }
                else
                {
                    _accepted.Add(batch[i].DeliveryId, queueFlush: false);
                }
            }
            _accepted.Flush();
        }
        finally
        {
            foreach (var _ in batch)
            {
                settled();
            }
        }
    }

    private async Task<AmqpError?[]> CompleteAsync(List<(uint DeliveryId, Guid LockToken, bool Answer)> batch)
    {
        var errors = new AmqpError?[batch.Count];
        try
        {
            // Only an answer waits for durability: a peer that settled first is told nothing, so its
            // completions are written lazily (a crash before then only brings the messages back).
            bool answered = batch.Exists(b => b.Answer);
            MessagingException?[] refused = await receivable.CompleteManyAsync([.. batch.Select(b => b.LockToken)], durableBeforeReturn: answered).ConfigureAwait(false);
            for (int i = 0; i < refused.Length; i++)
            {
                errors[i] = refused[i] is { } e ? ErrorMapper.ToError(asSeenByLink(e)) : null;
            }
        }
        catch (MessagingException e)
        {
            Array.Fill(errors, ErrorMapper.ToError(asSeenByLink(e)));
        }
        catch (ObjectDisposedException)
        {
            // The entity was deleted (or the broker is stopping) under the locks: still an answer.
            Array.Fill(errors, new AmqpError(ErrorConditions.NotFound, "The messaging entity is gone."));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A storage fault or a bug: the peer still gets an answer for each settlement.
            Array.Fill(errors, new AmqpError(ErrorConditions.InternalError, "Internal error: " + e.Message));
        }
        return errors;
    }
}
