using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// Settles deliveries with one outcome in ranges: consecutive delivery ids settled close together
/// (a group commit acknowledges hundreds at once) leave as one disposition frame with first/last
/// instead of one frame each, which saves both sides encoding, decoding and a lookup per message.
/// A range is written when the next id does not extend it, when a queued flush runs (behind the
/// continuations already queued, so those join it), or on <see cref="Flush"/>.
/// </summary>
internal sealed class DispositionCoalescer(ConnectionWriter writer, ushort channel, LinkRole role, DeliveryState outcome, Action<int>? written = null)
{
    private readonly Lock _gate = new();
    private uint _first;
    private uint _last;
    private bool _pending;
    private bool _flushQueued;

    /// <summary>
    /// Settles <paramref name="deliveryId"/> with the outcome, soon; with <paramref name="queueFlush"/>
    /// false the caller promises to call <see cref="Flush"/> itself (it is settling a whole batch).
    /// </summary>
    public void Add(uint deliveryId, bool queueFlush = true)
    {
        bool queue;
        lock (_gate)
        {
            if (_pending && deliveryId == _last + 1)
            {
                _last = deliveryId;
            }
            else
            {
                WritePendingLocked();
                _first = _last = deliveryId;
                _pending = true;
            }
            queue = queueFlush && !_flushQueued;
            _flushQueued |= queue;
        }
        if (queue)
        {
            // The global queue (not this thread's local one, which runs last-in first-out) puts the
            // flush behind the settlements already queued, so they extend the range first.
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Flush(), this, preferLocal: false);
        }
    }

    /// <summary>Writes the pending range now.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _flushQueued = false;
            WritePendingLocked();
        }
    }

    private void WritePendingLocked()
    {
        if (!_pending)
        {
            return;
        }
        _pending = false;
        writer.Write(channel, new Disposition
        {
            Role = role,
            First = _first,
            Last = _last == _first ? null : _last,
            Settled = true,
            State = outcome,
        });
        // Told after the frame is in the output, with how many deliveries it settled.
        written?.Invoke((int)(_last - _first) + 1);
    }
}
