using System.Collections;

namespace Omnibus.Core.Engine;

/// <summary>
/// The available (not locked, deferred or scheduled) messages of one partition, in the order
/// receives take them: highest priority first, then by sequence. One sorted set of keys serves
/// both kinds of queue: a key is the sequence minus <c>priority &lt;&lt; 48</c> (partition-local
/// sequences stay below 2^48), so a message of priority 0 — every message of a queue without
/// priorities — is keyed by its sequence alone and such a queue keeps its plain sequence order.
/// Guarded by the owning <see cref="Receivable"/>'s lock.
/// </summary>
internal sealed class AvailableMessages : IEnumerable<long>
{
    private const int PriorityShift = 48;
    private const long SequenceMask = (1L << PriorityShift) - 1;

    private readonly SortedSet<long> _keys = [];

    public int Count => _keys.Count;

    /// <summary>Stored bytes of the available messages (for length limits in bytes).</summary>
    public long Bytes { get; private set; }

    /// <summary>The priority of the message a receive would take next. Only when <see cref="Count"/> &gt; 0.</summary>
    public byte HighestPriority => (byte)-(_keys.Min >> PriorityShift);

    public bool Add(Entry entry)
    {
        bool added = _keys.Add(KeyOf(entry));
        Bytes += added ? entry.Size : 0;
        return added;
    }

    public bool Remove(Entry entry)
    {
        bool removed = _keys.Remove(KeyOf(entry));
        Bytes -= removed ? entry.Size : 0;
        return removed;
    }

    /// <summary>Removes and returns the entry of the message a receive takes next (looked up in <paramref name="entries"/>). Only when <see cref="Count"/> &gt; 0.</summary>
    public Entry TakeFirst(Dictionary<long, Entry> entries)
    {
        long key = _keys.Min;
        _keys.Remove(key);
        Entry entry = entries[key & SequenceMask];
        Bytes -= entry.Size;
        return entry;
    }

    /// <summary>Sequences in receive order.</summary>
    public Enumerator GetEnumerator() => new(_keys.GetEnumerator());

    IEnumerator<long> IEnumerable<long>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static long KeyOf(Entry entry) => entry.Sequence - ((long)entry.Priority << PriorityShift);

    public struct Enumerator(SortedSet<long>.Enumerator keys) : IEnumerator<long>
    {
        private SortedSet<long>.Enumerator _keys = keys;

        public readonly long Current => _keys.Current & SequenceMask;

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => _keys.MoveNext();

        public void Reset() => ((IEnumerator)_keys).Reset();

        public void Dispose() => _keys.Dispose();
    }
}
