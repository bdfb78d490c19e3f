using Omnibus.Core.Messages;
using Omnibus.Core.Routing;
using Omnibus.Storage.State;

namespace Omnibus.Core.Engine;

public sealed partial class Receivable
{
    /// <summary>The description of a dead-lettering for too many delivery attempts.</summary>
    private string DeliveryLimitDescription => $"Message could not be consumed after {Settings.MaxDeliveryCount} delivery attempts.";

    private readonly List<(ReceivablePartition, Entry)> _pendingExpiries = [];

    private (ReceivablePartition Partition, Entry Entry) TakeLocked(Guid lockToken, long now, bool releasing = true)
    {
        if (!_locks.TryGetValue(lockToken, out Entry? entry) || entry.State != EntryState.Locked || entry.LockedUntilTicks <= now)
        {
            throw MessagingException.LockLost(lockToken);
        }
        if (entry.SessionLockToken != Guid.Empty && (!_sessions.TryGetValue(entry.SessionId!, out SessionInfo? s) || s.LockToken != entry.SessionLockToken || s.LockedUntilTicks <= now))
        {
            throw new MessagingException(MessagingErrorCode.SessionLockLost, $"The session lock of session '{entry.SessionId}' was lost; the message cannot be settled.");
        }
        if (releasing)
        {
            LockReleased?.Invoke(Path, TimeSpan.FromTicks(now - entry.LockedAtTicks));
        }
        return (_partitions[entry.Partition], entry);
    }

    /// <summary>Raised when a lock ends (settled or expired) with how long it was held; for the lock-held metric.</summary>
    internal Action<string, TimeSpan>? LockReleased { get; set; }

    /// <summary>Completes a locked message: it is gone once this returns.</summary>
    public async Task CompleteAsync(Guid lockToken)
    {
        MessagingException?[] refused = await CompleteManyAsync([lockToken]).ConfigureAwait(false);
        if (refused[0] is { } error)
        {
            throw error;
        }
    }

    /// <summary>
    /// Completes many locked messages with one pass under the lock and one state write per
    /// partition (a receiver settling a prefetched batch). Each entry of the result is null where
    /// that message was completed, or the error that refused it (lock lost, session lock lost);
    /// the others are completed regardless.
    /// </summary>
    public Task<MessagingException?[]> CompleteManyAsync(IReadOnlyList<Guid> lockTokens) => CompleteManyAsync(lockTokens, durableBeforeReturn: true);

    /// <summary>
    /// As <see cref="CompleteManyAsync(IReadOnlyList{Guid})"/>; with <paramref name="durableBeforeReturn"/>
    /// false the completions are written lazily (with the next urgent state write, or within
    /// 20 ms) and the call returns without waiting for them: for settlements nobody is told the
    /// outcome of (a peer that settled first), where a crash before they are durable only brings
    /// the messages back, as for any at-least-once delivery.
    /// </summary>
    public async Task<MessagingException?[]> CompleteManyAsync(IReadOnlyList<Guid> lockTokens, bool durableBeforeReturn)
    {
        ArgumentNullException.ThrowIfNull(lockTokens);
        var errors = new MessagingException?[lockTokens.Count];
        var changes = new Dictionary<ReceivablePartition, List<StateChange>>();
        List<Entry>? settling = null;
        int completed = 0;
        lock (_gate)
        {
            long now = NowTicks;
            for (int i = 0; i < lockTokens.Count; i++)
            {
                try
                {
                    (ReceivablePartition p, Entry entry) = TakeLocked(lockTokens[i], now);
                    HoldGroupUntilDurable(entry, ref settling);
                    RemoveEntry(p, entry);
                    if (!changes.TryGetValue(p, out List<StateChange>? list))
                    {
                        changes[p] = list = [];
                    }
                    list.Add(StateChange.Complete(entry.Sequence));
                    completed++;
                }
                catch (MessagingException e)
                {
                    errors[i] = e;
                }
            }
        }
        Task[] writes = [.. changes.Select(c => c.Key.Store.ApplyAsync(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(c.Value), durableBeforeReturn))];
        if (durableBeforeReturn)
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
            ReleaseGroups(settling);
        }
        else if (settling is not null)
        {
            _ = Task.WhenAll(writes).ContinueWith(_ => ReleaseGroups(settling), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        Counters.AddCompleted(completed);
        return errors;
    }

    /// <summary>Releases a locked message for redelivery, optionally changing its properties; counts the attempt.</summary>
    public async Task AbandonAsync(Guid lockToken, IDictionary<string, object?>? propertiesToModify = null)
    {
        ReceivablePartition p;
        Entry entry;
        bool deadLetter;
        lock (_gate)
        {
            (p, entry) = TakeLocked(lockToken, NowTicks);
            _locks.Remove(lockToken);
            MergeOverrides(entry, propertiesToModify);
            deadLetter = entry.DeliveryCount >= Settings.MaxDeliveryCount && DeadLetterSink is not null;
            if (deadLetter)
            {
                entry.State = EntryState.Leaving;
                entry.LockToken = Guid.Empty;
            }
            else
            {
                Release(p, entry);
            }
        }
        Counters.AddAbandoned();
        if (propertiesToModify is { Count: > 0 })
        {
            await _aux.SaveOverridesAsync(p.Index, entry.Sequence, entry.Overrides!).ConfigureAwait(false);
        }
        if (deadLetter)
        {
            await DeadLetterEntryAsync(p, entry, DeadLetterCause.DeliveryLimit, null, DeliveryLimitDescription).ConfigureAwait(false);
        }
        else
        {
            WakeWaiters(1);
        }
    }

    /// <summary>
    /// Moves a locked message to the dead-letter queue (or the entity's dead-letter target) as rejected
    /// by its consumer, with the consumer's reason text and description when it gave them.
    /// </summary>
    public async Task DeadLetterAsync(Guid lockToken, string? reason, string? description, IDictionary<string, object?>? propertiesToModify = null)
    {
        if (DeadLetterSink is null)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"Messages in '{Path}' cannot be dead-lettered again.");
        }
        (ReceivablePartition p, Entry entry) = Unlock(lockToken, EntryState.Leaving, propertiesToModify);
        await DeadLetterEntryAsync(p, entry, DeadLetterCause.Rejected, reason, description).ConfigureAwait(false);
    }

    /// <summary>Sets a locked message aside; it is then received only by sequence number.</summary>
    public async Task DeferAsync(Guid lockToken, IDictionary<string, object?>? propertiesToModify = null)
    {
        (ReceivablePartition p, Entry entry) = Unlock(lockToken, EntryState.Deferred, propertiesToModify);
        if (propertiesToModify is { Count: > 0 })
        {
            await _aux.SaveOverridesAsync(p.Index, entry.Sequence, entry.Overrides!).ConfigureAwait(false);
        }
        await p.Store.ApplyAsync(StateChange.Defer(entry.Sequence)).ConfigureAwait(false);
        Counters.AddDeferred();
        WakeGroupWaiters(1);
    }

    /// <summary>
    /// Ends a lock without settling (abandoned, or expired): a message received by sequence number after
    /// a defer goes back to the deferred ones (its stored state still says deferred), any other to the available.
    /// </summary>
    private void Release(ReceivablePartition p, Entry entry)
    {
        if (entry.ReturnsToDeferred)
        {
            entry.State = EntryState.Deferred;
            entry.LockToken = Guid.Empty;
            entry.SessionLockToken = Guid.Empty;
            return;
        }
        MakeAvailable(p, entry);
    }

    /// <summary>Ends a valid lock, moving the message to <paramref name="next"/> with its property changes.</summary>
    private (ReceivablePartition, Entry) Unlock(Guid lockToken, EntryState next, IDictionary<string, object?>? propertiesToModify)
    {
        lock (_gate)
        {
            (ReceivablePartition p, Entry entry) = TakeLocked(lockToken, NowTicks);
            _locks.Remove(lockToken);
            entry.LockToken = Guid.Empty;
            entry.State = next;
            MergeOverrides(entry, propertiesToModify);
            return (p, entry);
        }
    }

    /// <summary>Extends a message lock by the lock duration; returns the new expiry.</summary>
    public DateTimeOffset RenewLock(Guid lockToken)
    {
        lock (_gate)
        {
            long now = NowTicks;
            (_, Entry entry) = TakeLocked(lockToken, now, releasing: false);
            entry.LockedUntilTicks = now + Settings.LockDuration.Ticks;
            _lockExpiries.Enqueue(lockToken, entry.LockedUntilTicks);
            return new DateTimeOffset(entry.LockedUntilTicks, TimeSpan.Zero);
        }
    }

    /// <summary>Receives deferred messages by sequence number (locking them, or removing them in receive-and-delete mode).</summary>
    public async Task<IReadOnlyList<BrokerMessage>> ReceiveDeferredAsync(IReadOnlyList<long> sequenceNumbers, ReceiveMode mode, SessionLock? session = null)
    {
        ArgumentNullException.ThrowIfNull(sequenceNumbers);
        CheckReceivable();
        var taken = new List<(Entry, ReceivablePartition, int)>();
        lock (_gate)
        {
            long now = NowTicks;
            SessionInfo? s = session is null ? null : CheckSessionLock(session, now);
            foreach (long publicSeq in sequenceNumbers)
            {
                (int partition, long seq) = SequenceNumbers.Split(publicSeq);
                if (partition >= _partitions.Length || !_partitions[partition].Entries.TryGetValue(seq, out Entry? e)
                    || e.State != EntryState.Deferred || (s is not null && e.SessionId != s.Id))
                {
                    throw new MessagingException(MessagingErrorCode.MessageNotFound, $"No deferred message with sequence number {publicSeq} in '{Path}'.");
                }
            }
            foreach (long publicSeq in sequenceNumbers)
            {
                (int partition, long seq) = SequenceNumbers.Split(publicSeq);
                ReceivablePartition p = _partitions[partition];
                Entry e = p.Entries[seq];
                int before = e.DeliveryCount;
                if (mode == ReceiveMode.PeekLock)
                {
                    e.ReturnsToDeferred = true;
                    Lock(p, e, now, s, Settings.LockDuration.Ticks);
                }
                else
                {
                    RemoveEntry(p, e);
                }
                taken.Add((e, p, before));
            }
        }
        IReadOnlyList<BrokerMessage> messages = await Materialize(taken, mode).ConfigureAwait(false);
        foreach (BrokerMessage m in messages)
        {
            m.Delivery = m.Delivery with { State = MessageState.Deferred };
        }
        return messages;
    }

    private static void MergeOverrides(Entry entry, IDictionary<string, object?>? properties)
    {
        if (properties is null || properties.Count == 0)
        {
            return;
        }
        entry.Overrides ??= new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> kv in properties)
        {
            if (!ValueCodec.IsSupported(kv.Value))
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Property '{kv.Key}' has unsupported type {kv.Value!.GetType().Name}.");
            }
            entry.Overrides[kv.Key] = kv.Value;
        }
    }

    /// <summary>
    /// Copies the message to the dead-letter sink with the reason, then settles it here. A crash
    /// between the two leaves it in both places (at-least-once), never in neither.
    /// </summary>
    private async Task DeadLetterEntryAsync(ReceivablePartition p, Entry entry, DeadLetterCause cause, string? text, string? description)
    {
        BrokerMessage m = p.Read(entry.Sequence);
        ApplyOverrides(m, entry.Overrides);
        // A message that came here as a dead letter of another entity keeps that entity as its source.
        DeadLetterMarking.Mark(m, new DeadLetterReason(cause, m.DeadLetterSource ?? Path, text, description) { Leaving = Path, DeliveryCount = entry.DeliveryCount }, _clock.GetUtcNow());
        await DeadLetterSink!([m]).ConfigureAwait(false);
        List<Entry>? settling = null;
        lock (_gate)
        {
            if (p.Entries.ContainsKey(entry.Sequence))
            {
                HoldGroupUntilDurable(entry, ref settling);
                RemoveEntry(p, entry);
            }
        }
        await p.Store.ApplyAsync(StateChange.DeadLetter(entry.Sequence)).ConfigureAwait(false);
        Counters.AddDeadLettered();
        ReleaseGroups(settling);
    }

    /// <summary>Cancels scheduled messages by sequence number; returns how many were still scheduled here.</summary>
    internal async Task<int> CancelScheduledAsync(IEnumerable<long> sequenceNumbers)
    {
        var cancelled = new List<(ReceivablePartition, long)>();
        lock (_gate)
        {
            foreach (long publicSeq in sequenceNumbers)
            {
                (int partition, long seq) = SequenceNumbers.Split(publicSeq);
                if (partition < _partitions.Length && _partitions[partition].Entries.TryGetValue(seq, out Entry? e) && e.State == EntryState.Scheduled)
                {
                    RemoveEntry(_partitions[partition], e);
                    cancelled.Add((_partitions[partition], seq));
                }
            }
        }
        foreach ((ReceivablePartition p, long seq) in cancelled)
        {
            await p.Store.ApplyAsync(StateChange.Complete(seq)).ConfigureAwait(false);
        }
        return cancelled.Count;
    }
}
