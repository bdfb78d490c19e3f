using Omnibus.Amqp091.Codec;
using Omnibus.Core;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// basic.ack, nack, reject and recover: each settles the core's peek-lock of the deliveries it names;
/// a channel that goes requeues what it still holds.
/// </summary>
internal sealed partial class Amqp091Channel
{
    private void BasicAck(ref WireReader args)
    {
        ulong tag = args.ReadLongLong();
        bool multiple = args.ReadBit();
        if (!DeferToTransaction(tag, multiple, 80, () => AckAsync(tag, multiple)))
        {
            _ = AckAsync(tag, multiple);
        }
    }

    private Task AckAsync(ulong tag, bool multiple)
    {
        List<Unacked> acked = Take(tag, multiple, 80);
        if (acked.Count == 1)
        {
            return SettleAsync(acked[0], r => r.Receivable.CompleteAsync(r.LockToken));
        }
        // An ack with multiple settles its deliveries together: one state write per queue, not one each.
        return Task.WhenAll(acked.GroupBy(u => u.Receivable).Select(queue => CompleteTogetherAsync(queue.Key, [.. queue.Select(u => u.LockToken)])));
    }

    private void BasicNack(ref WireReader args)
    {
        ulong tag = args.ReadLongLong();
        bool multiple = args.ReadBit(), requeue = args.ReadBit();
        if (!DeferToTransaction(tag, multiple, 120, () => RefuseAsync(Take(tag, multiple, 120), requeue)))
        {
            _ = RefuseAsync(Take(tag, multiple, 120), requeue);
        }
    }

    private void BasicReject(ref WireReader args)
    {
        ulong tag = args.ReadLongLong();
        bool requeue = args.ReadBit();
        if (!DeferToTransaction(tag, false, 90, () => RefuseAsync(Take(tag, false, 90), requeue)))
        {
            _ = RefuseAsync(Take(tag, false, 90), requeue);
        }
    }

    private Task RefuseAsync(List<Unacked> refused, bool requeue)
    {
        var settled = new List<Task>(refused.Count);
        foreach (Unacked u in refused)
        {
            if (requeue)
            {
                settled.Add(SettleAsync(u, r => r.Receivable.AbandonAsync(r.LockToken)));
            }
            else if (Broker.GetQueue(u.Queue).DeadLetterExchange is not null)
            {
                settled.Add(SettleAsync(u, r => r.Receivable.DeadLetterAsync(r.LockToken, "rejected", null)));
            }
            else
            {
                // No dead-letter exchange: RabbitMQ discards a rejected message.
                settled.Add(SettleAsync(u, r => r.Receivable.CompleteAsync(r.LockToken)));
            }
        }
        return Task.WhenAll(settled);
    }

    private void BasicRecover(uint method)
    {
        _ = RequeueAllAsync();
        if (method == MethodIds.BasicRecover)
        {
            Connection.SendMethod(Id, MethodIds.BasicRecoverOk);
        }
    }

    /// <summary>The deliveries an ack/nack/reject names: one, or with multiple all up to it (tag 0: all).</summary>
    private List<Unacked> Take(ulong tag, bool multiple, ushort method)
    {
        var taken = new List<Unacked>();
        lock (_gate)
        {
            if (multiple)
            {
                foreach (ulong t in _unacked.Keys.Where(t => tag == 0 || t <= tag).ToList())
                {
                    _unacked.Remove(t, out Unacked? u);
                    taken.Add(u!);
                }
            }
            else if (_unacked.Remove(tag, out Unacked? u))
            {
                taken.Add(u);
            }
            else
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - unknown delivery tag {tag}", false, 60, method);
            }
        }
        foreach (Unacked u in taken)
        {
            ReleaseRoom(u);
        }
        return taken;
    }

    private static void ReleaseRoom(Unacked u)
    {
        if (u.Consumer is { } c)
        {
            Interlocked.Decrement(ref c.Outstanding);
            c.Room.Release();
        }
    }

    private static async Task SettleAsync(Unacked u, Func<Unacked, Task> settle)
    {
        try
        {
            await settle(u).ConfigureAwait(false);
        }
        catch (MessagingException)
        {
            // The lock ended meanwhile (delivery time-out, queue deleted): the core has the message again or it is gone.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task CompleteTogetherAsync(Receivable receivable, Guid[] lockTokens)
    {
        try
        {
            // Errors per message (a lock that ended meanwhile) need no answer: the core has those messages again.
            await receivable.CompleteManyAsync(lockTokens).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessagingException or ObjectDisposedException)
        {
        }
    }

    private async Task RequeueAllAsync(Func<Unacked, bool>? which = null)
    {
        List<Unacked> all;
        lock (_gate)
        {
            var tags = _unacked.Where(e => which?.Invoke(e.Value) ?? true).Select(e => e.Key).ToList();
            all = [.. tags.Select(t => _unacked[t])];
            foreach (ulong t in tags)
            {
                _unacked.Remove(t);
            }
        }
        foreach (Unacked u in all)
        {
            ReleaseRoom(u);
            await SettleAsync(u, r => r.Receivable.AbandonAsync(r.LockToken)).ConfigureAwait(false);
        }
    }
}
