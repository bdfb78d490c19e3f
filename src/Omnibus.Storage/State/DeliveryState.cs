namespace Omnibus.Storage.State;

/// <summary>
/// The delivery state of one subscription over one log, in memory: which sequence numbers are
/// settled (completed or dead-lettered), which are deferred, how often each unsettled message was
/// delivered, and an offset-style cursor. Only positions are kept, never bodies. Not thread-safe:
/// <see cref="DeliveryStateStore"/> serialises access.
/// </summary>
public sealed class DeliveryState
{
    private readonly RangeSet _settledAboveFloor = new();
    private readonly HashSet<long> _deferred = [];
    private readonly Dictionary<long, int> _deliveryCounts = [];

    internal DeliveryState(long floor) => AckFloor = floor;

    /// <summary>Every sequence number below this is settled.</summary>
    public long AckFloor { get; private set; }

    /// <summary>The offset-style consumer's committed position (next sequence it will read).</summary>
    public long Cursor { get; private set; }

    /// <summary>The lowest sequence this subscription may still need: segments wholly below it can be deleted.</summary>
    public long LowestNeeded => Math.Max(AckFloor, Cursor);

    /// <summary>Messages settled by completion since the subscription began.</summary>
    public long CompletedCount { get; private set; }

    /// <summary>Messages settled by dead-lettering since the subscription began.</summary>
    public long DeadLetteredCount { get; private set; }

    /// <summary>Deferred messages not yet settled.</summary>
    public IReadOnlyCollection<long> Deferred => _deferred;

    /// <summary>Settled ranges above the floor (out-of-order settlements).</summary>
    public int FragmentCount => _settledAboveFloor.RangeCount;

    internal IReadOnlyList<(long Start, long End)> SettledRanges => _settledAboveFloor.Ranges;

    /// <summary>
    /// One past the highest sequence this state says anything about (settled, deferred, counted, or below the floor
    /// or cursor); 0 when it knows none. A log whose next sequence is below this lost records the state had seen.
    /// </summary>
    public long KnownEnd
    {
        get
        {
            long end = Math.Max(AckFloor, Cursor);
            if (_settledAboveFloor.RangeCount > 0)
            {
                end = Math.Max(end, _settledAboveFloor.Ranges[^1].End);
            }
            foreach (long s in _deferred)
            {
                end = Math.Max(end, s + 1);
            }
            foreach (long s in _deliveryCounts.Keys)
            {
                end = Math.Max(end, s + 1);
            }
            return end;
        }
    }

    internal IReadOnlyDictionary<long, int> DeliveryCounts => _deliveryCounts;

    /// <summary>True when the message was completed or dead-lettered.</summary>
    public bool IsSettled(long sequence) => sequence < AckFloor || _settledAboveFloor.Contains(sequence);

    /// <summary>True when the message is deferred (and not settled).</summary>
    public bool IsDeferred(long sequence) => _deferred.Contains(sequence);

    /// <summary>Delivery attempts recorded for an unsettled message.</summary>
    public int DeliveryCount(long sequence) => _deliveryCounts.GetValueOrDefault(sequence);

    /// <summary>The first sequence at or after <paramref name="from"/> that is not settled (it may be deferred).</summary>
    public long NextUnsettled(long from)
    {
        long at = Math.Max(from, AckFloor);
        return _settledAboveFloor.NextAbsent(at);
    }

    /// <summary>Applies a change; returns false when it changes nothing (already settled, same cursor...).</summary>
    internal bool Apply(in StateChange change)
    {
        switch (change.Kind)
        {
            case StateChangeKind.Complete:
                return Settle(change.Sequence, change.Sequence + 1, deadLetter: false);
            case StateChangeKind.CompleteRange:
                return Settle(change.Sequence, change.EndSequence, deadLetter: false);
            case StateChangeKind.DeadLetter:
                return Settle(change.Sequence, change.Sequence + 1, deadLetter: true);
            case StateChangeKind.Defer:
                return !IsSettled(change.Sequence) && _deferred.Add(change.Sequence);
            case StateChangeKind.DeliveryAttempt:
                if (IsSettled(change.Sequence))
                {
                    return false;
                }
                _deliveryCounts[change.Sequence] = DeliveryCount(change.Sequence) + 1;
                return true;
            case StateChangeKind.SetCursor:
                if (change.Sequence == Cursor)
                {
                    return false;
                }
                Cursor = change.Sequence;
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown delivery-state change.");
        }
    }

    private bool Settle(long start, long end, bool deadLetter)
    {
        start = Math.Max(start, AckFloor);
        if (end <= start)
        {
            return false;
        }
        long added = _settledAboveFloor.Add(start, end);
        if (added == 0)
        {
            return false;
        }
        if (deadLetter)
        {
            DeadLetteredCount += added;
        }
        else
        {
            CompletedCount += added;
        }
        ForgetPerMessageState(start, end);
        while (_settledAboveFloor.TryTakeFirstAt(AckFloor, out long rangeEnd))
        {
            AckFloor = rangeEnd;
        }
        return true;
    }

    private void ForgetPerMessageState(long start, long end)
    {
        if (_deferred.Count == 0 && _deliveryCounts.Count == 0)
        {
            return;
        }
        if (end - start <= _deferred.Count + _deliveryCounts.Count)
        {
            for (long s = start; s < end; s++)
            {
                _deferred.Remove(s);
                _deliveryCounts.Remove(s);
            }
            return;
        }
        _deferred.RemoveWhere(s => s >= start && s < end);
        foreach (long s in _deliveryCounts.Keys.Where(s => s >= start && s < end).ToList())
        {
            _deliveryCounts.Remove(s);
        }
    }

    internal void Restore(long cursor, long completed, long deadLettered, IEnumerable<(long Start, long End)> ranges, IEnumerable<long> deferred, IEnumerable<KeyValuePair<long, int>> counts)
    {
        Cursor = cursor;
        CompletedCount = completed;
        DeadLetteredCount = deadLettered;
        foreach ((long start, long end) in ranges)
        {
            _settledAboveFloor.Add(start, end);
        }
        _deferred.UnionWith(deferred);
        foreach (KeyValuePair<long, int> kv in counts)
        {
            _deliveryCounts[kv.Key] = kv.Value;
        }
    }
}
