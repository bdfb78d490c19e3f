namespace Omnibus.Core.Engine;

/// <summary>
/// Grouped delivery (<see cref="ReceivableSettings.MessageGroups"/>): a message's group is its
/// session id; a group has at most one message in a receiver's hands, its oldest unsettled one,
/// so its messages are processed in order while different groups go out in parallel. No session
/// is accepted: any receiver may get any free group's head. A message without a group id is not
/// held back by anything.
/// </summary>
public sealed partial class Receivable
{
    /// <summary>
    /// The message each group has out, checked lazily: the group is free again once that entry
    /// left the index (completed, dead-lettered) or is no longer locked (abandoned, deferred, its
    /// lock expired), so no settlement path has to remember to release it.
    /// </summary>
    private readonly Dictionary<string, Entry> _groupHolders = new(StringComparer.Ordinal);

    /// <summary>Whether the group has a message out. Caller holds the lock.</summary>
    private bool IsGroupHeld(string group)
    {
        if (!_groupHolders.TryGetValue(group, out Entry? holder))
        {
            return false;
        }
        if (holder.SettlePending)
        {
            return true;
        }
        // An expired lock still holds the group until the sweep hands the message back: otherwise
        // the next message could overtake it.
        if (holder.State is EntryState.Locked or EntryState.Leaving
            && _partitions[holder.Partition].Entries.TryGetValue(holder.Sequence, out Entry? current)
            && ReferenceEquals(current, holder))
        {
            return true;
        }
        _groupHolders.Remove(group);
        return false;
    }

    /// <summary>
    /// Takes available messages in sequence order, skipping those whose group has a message out
    /// (and, in peek-lock, taking at most one per group). Walks past held groups, so a receive
    /// costs O(messages of held groups before the first free one). Caller holds the lock.
    /// </summary>
    private List<(Entry, ReceivablePartition, int)> TakeGrouped(int max, ReceiveMode mode, long lockTicks)
    {
        if (Settings.MaxPriority > 0 && _partitions.Length > 1)
        {
            return TakeGroupedByPriority(max, mode, lockTicks);
        }
        var taken = new List<(Entry, ReceivablePartition, int)>();
        long now = NowTicks;
        var picked = new List<Entry>();
        var pickedGroups = new HashSet<string>(StringComparer.Ordinal);
        for (int round = 0; round < _partitions.Length && taken.Count < max; round++)
        {
            ReceivablePartition p = _partitions[(_nextPartition++ & int.MaxValue) % _partitions.Length];
            picked.Clear();
            foreach (long seq in p.Available)
            {
                if (taken.Count + picked.Count >= max)
                {
                    break;
                }
                Entry e = p.Entries[seq];
                if (e.SessionId is { } group)
                {
                    if (pickedGroups.Contains(group) || IsGroupHeld(group))
                    {
                        continue;
                    }
                    if (mode == ReceiveMode.PeekLock)
                    {
                        pickedGroups.Add(group);
                    }
                }
                picked.Add(e);
            }
            foreach (Entry entry in picked)
            {
                TakePicked(p, entry, mode, now, lockTicks, taken);
            }
        }
        return taken;
    }

    /// <summary>Takes one message a grouped walk picked: locks it and makes it its group's holder, or removes it. Caller holds the lock.</summary>
    private void TakePicked(ReceivablePartition p, Entry entry, ReceiveMode mode, long now, long lockTicks, List<(Entry, ReceivablePartition, int)> taken)
    {
        p.Available.Remove(entry);
        if (entry.ExpiresTicks <= now)
        {
            entry.State = EntryState.Leaving;
            _pendingExpiries.Add((p, entry));
            return;
        }
        int before = entry.DeliveryCount;
        if (mode == ReceiveMode.PeekLock)
        {
            Lock(p, entry, now, null, lockTicks);
            if (entry.SessionId is { } group)
            {
                _groupHolders[group] = entry;
            }
        }
        else
        {
            RemoveEntry(p, entry);
        }
        taken.Add((entry, p, before));
    }

    /// <summary>
    /// Marks a grouped message being settled (caller holds the lock, before it leaves the index) so
    /// its group stays held until the settlement is durable: otherwise a crash could bring the head
    /// back after its successor was already processed.
    /// </summary>
    private void HoldGroupUntilDurable(Entry entry, ref List<Entry>? settling)
    {
        if (Settings.MessageGroups && !Settings.RequiresSession && entry.SessionId is not null)
        {
            entry.SettlePending = true;
            (settling ??= []).Add(entry);
        }
    }

    /// <summary>Frees the groups of settlements now durable and wakes receivers waiting for their next messages.</summary>
    private void ReleaseGroups(List<Entry>? settling)
    {
        if (settling is null)
        {
            return;
        }
        lock (_gate)
        {
            foreach (Entry e in settling)
            {
                e.SettlePending = false;
            }
        }
        WakeWaiters(settling.Count);
    }

    /// <summary>A settlement may have freed a group whose next message someone is waiting for.</summary>
    private void WakeGroupWaiters(int settled)
    {
        if (Settings.MessageGroups && !Settings.RequiresSession)
        {
            WakeWaiters(settled);
        }
    }
}
