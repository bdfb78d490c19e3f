namespace Omnibus.Core.Engine;

/// <summary>
/// Priorities (<see cref="ReceivableSettings.MaxPriority"/>): each partition's available set is
/// already in receive order (<see cref="AvailableMessages"/>), so one partition needs nothing
/// more. Only a partitioned queue with priorities has to compare partitions, so that a receive
/// takes the highest priority available anywhere; ties between partitions go round robin.
/// </summary>
public sealed partial class Receivable
{
    /// <summary>The partition whose next message has the highest priority (ties: round robin), or null when none has one. Caller holds the lock.</summary>
    private ReceivablePartition? PartitionWithHighestPriority()
    {
        ReceivablePartition? best = null;
        int start = _nextPartition & int.MaxValue;
        for (int i = 0; i < _partitions.Length; i++)
        {
            ReceivablePartition p = _partitions[(start + i) % _partitions.Length];
            if (p.Available.Count > 0 && (best is null || p.Available.HighestPriority > best.Available.HighestPriority))
            {
                best = p;
            }
        }
        if (best is not null)
        {
            _nextPartition = best.Index + 1;
        }
        return best;
    }

    /// <summary>
    /// Grouped delivery over several partitions with priorities: walks all partitions' available
    /// messages merged by priority (ties: round robin from this receive's first partition), with
    /// the same group rules as <see cref="TakeGrouped"/>. Caller holds the lock.
    /// </summary>
    private List<(Entry, ReceivablePartition, int)> TakeGroupedByPriority(int max, ReceiveMode mode, long lockTicks)
    {
        var taken = new List<(Entry, ReceivablePartition, int)>();
        long now = NowTicks;
        int n = _partitions.Length;
        int start = _nextPartition++ & int.MaxValue;
        var picked = new List<(Entry Entry, ReceivablePartition Partition)>();
        var pickedGroups = new HashSet<string>(StringComparer.Ordinal);
        var walks = new AvailableMessages.Enumerator[n];
        var heads = new Entry?[n];
        for (int i = 0; i < n; i++)
        {
            walks[i] = _partitions[i].Available.GetEnumerator();
            heads[i] = NextOf(ref walks[i], _partitions[i]);
        }
        while (picked.Count < max)
        {
            int best = -1;
            for (int k = 0; k < n; k++)
            {
                int i = (start + k) % n;
                if (heads[i] is { } head && (best < 0 || head.Priority > heads[best]!.Priority))
                {
                    best = i;
                }
            }
            if (best < 0)
            {
                break;
            }
            Entry e = heads[best]!;
            heads[best] = NextOf(ref walks[best], _partitions[best]);
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
            picked.Add((e, _partitions[best]));
        }
        for (int i = 0; i < n; i++)
        {
            walks[i].Dispose();
        }
        foreach ((Entry entry, ReceivablePartition p) in picked)
        {
            TakePicked(p, entry, mode, now, lockTicks, taken);
        }
        return taken;
    }

    private static Entry? NextOf(ref AvailableMessages.Enumerator walk, ReceivablePartition p) => walk.MoveNext() ? p.Entries[walk.Current] : null;
}
