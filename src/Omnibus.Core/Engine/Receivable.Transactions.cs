using Omnibus.Core.Messages;
using Omnibus.Core.Routing;
using Omnibus.Storage.State;

namespace Omnibus.Core.Engine;

/// <summary>A locked message taken out of its lock's reach for a transaction being committed.</summary>
internal sealed class SettlementClaim(Receivable owner, ReceivablePartition partition, Entry entry, Guid lockToken)
{
    public Receivable Owner { get; } = owner;
    public ReceivablePartition Partition { get; } = partition;
    public Entry Entry { get; } = entry;
    public Guid LockToken { get; } = lockToken;
}

public sealed partial class Receivable
{
    /// <summary>
    /// Validates a transactional settlement and claims its message: the lock must be held (and the
    /// session lock, for a session), the properties storable, and dead-lettering possible here. A
    /// claimed message is in nobody's hands: its lock can no longer expire or be settled by anyone
    /// else until <see cref="ApplyClaimAsync"/> or <see cref="ReleaseClaim"/>. Changes nothing durable.
    /// </summary>
    internal SettlementClaim Claim(Guid lockToken, SettlementKind kind, IDictionary<string, object?>? properties)
    {
        if (kind == SettlementKind.DeadLetter && DeadLetterSink is null)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"Messages in '{Path}' cannot be dead-lettered again.");
        }
        foreach (KeyValuePair<string, object?> kv in properties ?? Enumerable.Empty<KeyValuePair<string, object?>>())
        {
            if (!ValueCodec.IsSupported(kv.Value))
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Property '{kv.Key}' has unsupported type {kv.Value!.GetType().Name}.");
            }
        }
        lock (_gate)
        {
            if (_disposed)
            {
                throw MessagingException.NotFound(Path);
            }
            (ReceivablePartition p, Entry entry) = TakeLocked(lockToken, NowTicks, releasing: false);
            _locks.Remove(lockToken);
            entry.State = EntryState.Leaving;
            return new SettlementClaim(this, p, entry, lockToken);
        }
    }

    /// <summary>Gives a claimed message its lock back (the transaction was rejected); an expired lock then ends at the next sweep.</summary>
    internal void ReleaseClaim(SettlementClaim claim)
    {
        lock (_gate)
        {
            Entry entry = claim.Entry;
            if (_disposed || entry.State != EntryState.Leaving || !claim.Partition.Entries.ContainsKey(entry.Sequence))
            {
                return;
            }
            entry.State = EntryState.Locked;
            _locks[claim.LockToken] = entry;
            _lockExpiries.Enqueue(claim.LockToken, entry.LockedUntilTicks);
        }
    }

    /// <summary>Applies a committed settlement to its claimed message, as the non-transactional settlement would.</summary>
    internal async Task ApplyClaimAsync(SettlementClaim claim, SettlementKind kind, IDictionary<string, object?>? properties, string? reason, string? description)
    {
        ReceivablePartition p = claim.Partition;
        Entry entry = claim.Entry;
        bool deadLetter = kind == SettlementKind.DeadLetter;
        lock (_gate)
        {
            LockReleased?.Invoke(Path, TimeSpan.FromTicks(NowTicks - entry.LockedAtTicks));
            entry.LockToken = Guid.Empty;
            switch (kind)
            {
                case SettlementKind.Complete:
                    RemoveEntry(p, entry);
                    break;
                case SettlementKind.Abandon:
                    MergeOverrides(entry, properties);
                    deadLetter = entry.DeliveryCount >= Settings.MaxDeliveryCount && DeadLetterSink is not null;
                    if (!deadLetter)
                    {
                        Release(p, entry);
                    }
                    break;
                case SettlementKind.DeadLetter:
                    MergeOverrides(entry, properties);
                    break;
                case SettlementKind.Defer:
                    MergeOverrides(entry, properties);
                    entry.State = EntryState.Deferred;
                    break;
            }
        }
        await FinishSettlementAsync(p, entry, kind, properties is { Count: > 0 }, deadLetter, reason, description).ConfigureAwait(false);
    }

    /// <summary>
    /// Re-applies a settlement of a transaction found committed but not marked applied when the
    /// broker opened. The message is found by position (locks do not survive a restart); when it is
    /// no longer in the index the settlement (or one that ended it) already happened.
    /// </summary>
    internal async Task RecoverSettlementAsync(int partition, long sequence, SettlementKind kind, IDictionary<string, object?>? properties, string? reason, string? description)
    {
        if (partition < 0 || partition >= _partitions.Length)
        {
            return;
        }
        ReceivablePartition p = _partitions[partition];
        Entry? entry;
        lock (_gate)
        {
            if (!p.Entries.TryGetValue(sequence, out entry) || entry.State is EntryState.Leaving or EntryState.Locked)
            {
                return;
            }
            switch (kind)
            {
                case SettlementKind.Complete:
                    RemoveEntry(p, entry);
                    break;
                case SettlementKind.Abandon:
                    // The message is available again anyway after a restart; only its property changes remain.
                    MergeOverrides(entry, properties);
                    break;
                case SettlementKind.DeadLetter:
                    RemoveFromAvailability(p, entry);
                    entry.State = EntryState.Leaving;
                    MergeOverrides(entry, properties);
                    break;
                case SettlementKind.Defer:
                    if (entry.State == EntryState.Deferred)
                    {
                        return; // applied before the crash (the property changes were saved first)
                    }
                    RemoveFromAvailability(p, entry);
                    entry.State = EntryState.Deferred;
                    MergeOverrides(entry, properties);
                    break;
            }
        }
        await FinishSettlementAsync(p, entry, kind, properties is { Count: > 0 }, kind == SettlementKind.DeadLetter, reason, description).ConfigureAwait(false);
    }

    /// <summary>The durable part of a settlement whose in-memory part is done.</summary>
    private async Task FinishSettlementAsync(ReceivablePartition p, Entry entry, SettlementKind kind, bool saveOverrides, bool deadLetter, string? reason, string? description)
    {
        if (saveOverrides && kind is SettlementKind.Abandon or SettlementKind.Defer)
        {
            await _aux.SaveOverridesAsync(p.Index, entry.Sequence, entry.Overrides!).ConfigureAwait(false);
        }
        switch (kind)
        {
            case SettlementKind.Complete:
                await p.Store.ApplyAsync(StateChange.Complete(entry.Sequence)).ConfigureAwait(false);
                Counters.AddCompleted(1);
                WakeGroupWaiters(1);
                break;
            case SettlementKind.Defer:
                await p.Store.ApplyAsync(StateChange.Defer(entry.Sequence)).ConfigureAwait(false);
                Counters.AddDeferred();
                WakeGroupWaiters(1);
                break;
            case SettlementKind.Abandon:
                Counters.AddAbandoned();
                if (deadLetter)
                {
                    await DeadLetterEntryAsync(p, entry, DeadLetterCause.DeliveryLimit, null, DeliveryLimitDescription).ConfigureAwait(false);
                }
                else
                {
                    WakeWaiters(1);
                }
                break;
            case SettlementKind.DeadLetter:
                await DeadLetterEntryAsync(p, entry, DeadLetterCause.Rejected, reason, description).ConfigureAwait(false);
                break;
        }
    }
}
