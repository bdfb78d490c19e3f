using Omnibus.Core.Routing;

namespace Omnibus.Core.Engine;

public sealed partial class Receivable
{
    /// <summary>
    /// Time-driven work: expired locks release their messages (dead-lettering those past the max
    /// delivery count), due scheduled messages become available, expired messages leave (to the
    /// dead-letter queue when configured), skipped ranges are recorded. Called by the broker's timer.
    /// </summary>
    internal async Task SweepAsync()
    {
        long now = NowTicks;
        var toDeadLetter = new List<(ReceivablePartition, Entry)>();
        var toExpire = new List<(ReceivablePartition, Entry)>();
        int madeAvailable = 0;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            while (_lockExpiries.TryPeek(out Guid token, out long until) && until <= now)
            {
                _lockExpiries.Dequeue();
                if (!_locks.TryGetValue(token, out Entry? e) || e.State != EntryState.Locked || e.LockedUntilTicks > now)
                {
                    continue; // settled, or renewed (a later queue entry covers it)
                }
                _locks.Remove(token);
                LockReleased?.Invoke(Path, TimeSpan.FromTicks(now - e.LockedAtTicks));
                ReceivablePartition p = _partitions[e.Partition];
                if (e.DeliveryCount >= Settings.MaxDeliveryCount && DeadLetterSink is not null)
                {
                    e.State = EntryState.Leaving;
                    e.LockToken = Guid.Empty;
                    toDeadLetter.Add((p, e));
                }
                else
                {
                    Release(p, e);
                    madeAvailable++;
                }
            }
            foreach (ReceivablePartition p in _partitions)
            {
                while (p.Scheduled.TryPeek(out long seq, out long due) && due <= now)
                {
                    p.Scheduled.Dequeue();
                    if (p.Entries.TryGetValue(seq, out Entry? e) && e.State == EntryState.Scheduled)
                    {
                        MakeAvailable(p, e);
                        madeAvailable++;
                    }
                }
                while (p.Expiries.TryPeek(out long seq, out long expires) && expires <= now)
                {
                    p.Expiries.Dequeue();
                    if (p.Entries.TryGetValue(seq, out Entry? e) && e.State is EntryState.Available or EntryState.Scheduled or EntryState.Deferred)
                    {
                        // Locked messages expire when their lock ends (Service Bus does not pull a message from its holder).
                        RemoveFromAvailability(p, e);
                        e.State = EntryState.Leaving;
                        toExpire.Add((p, e));
                    }
                    else if (e is { State: EntryState.Locked })
                    {
                        p.Expiries.Enqueue(seq, e.LockedUntilTicks);
                        break;
                    }
                }
            }
            toExpire.AddRange(_pendingExpiries);
            _pendingExpiries.Clear();
            foreach (SessionInfo s in _sessions.Values)
            {
                if (s.LockToken != Guid.Empty && s.LockedUntilTicks <= now)
                {
                    s.LockToken = Guid.Empty;
                    if (s.Available.Count > 0)
                    {
                        madeAvailable++;
                    }
                }
            }
        }
        WakeWaiters(madeAvailable);
        foreach ((ReceivablePartition p, Entry e) in toExpire)
        {
            await ExpireAsync(p, e).ConfigureAwait(false);
        }
        foreach ((ReceivablePartition p, Entry e) in toDeadLetter)
        {
            await DeadLetterEntryAsync(p, e, DeadLetterCause.DeliveryLimit, null, DeliveryLimitDescription).ConfigureAwait(false);
        }
        foreach (ReceivablePartition p in _partitions)
        {
            FlushSkips(p);
        }
    }

    private void RemoveFromAvailability(ReceivablePartition p, Entry e)
    {
        if (e.State != EntryState.Available)
        {
            return;
        }
        if (e.SessionId is not null && Settings.RequiresSession && _sessions.TryGetValue(e.SessionId, out SessionInfo? s))
        {
            s.Available.Remove(e.Sequence);
        }
        else
        {
            p.Available.Remove(e);
        }
    }

    private async Task ExpireAsync(ReceivablePartition p, Entry e)
    {
        Counters.AddExpired();
        if (Settings.DeadLetteringOnMessageExpiration && DeadLetterSink is not null)
        {
            await DeadLetterEntryAsync(p, e, DeadLetterCause.Expired, null, "The message expired and was dead lettered.").ConfigureAwait(false);
            return;
        }
        lock (_gate)
        {
            if (p.Entries.ContainsKey(e.Sequence))
            {
                RemoveEntry(p, e);
            }
        }
        await p.Store.ApplyAsync(Storage.State.StateChange.Complete(e.Sequence)).ConfigureAwait(false);
    }
}
