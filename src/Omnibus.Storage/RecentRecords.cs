namespace Omnibus.Storage;

/// <summary>
/// Copies of the most recently appended records of a log, so that a consumer keeping up with
/// producers reads them without a positional read, a buffer fill and a CRC pass each. The bytes
/// live in one ring buffer allocated once (pinned, never moved or collected while the log is
/// open): keeping the appenders' own arrays instead made every record survive into the oldest
/// GC generation and die there, which cost several full collections a second under load. Bounded
/// in records and in bytes; the oldest entries go first. Only records below the log's visible end
/// are ever asked for, so a record cached at append time is never served before it is durable.
/// The ring starts at 64 KiB and doubles up to the budget before it first wraps, and the entry table
/// starts at 16 entries and doubles up to its capacity, so a log that received a few records costs
/// a few kilobytes, not the full budget (thousands of idle entities each have such a cache).
/// </summary>
internal sealed class RecentRecords(long budgetBytes, int capacity)
{
    private readonly Lock _gate = new();
    private readonly int _budget = (int)Math.Min(budgetBytes, Array.MaxLength);
    private byte[]? _ring;
    private (int Offset, int Length, long TimestampMs)[]? _entries;
    private long _first;
    private long _next;
    private int _head; // where the next record's bytes go

    public void Add(long sequence, long timestampMs, ReadOnlySpan<byte> body)
    {
        lock (_gate)
        {
            if (body.Length > _budget)
            {
                ResetLocked(sequence + 1); // larger than the whole budget: served from the file
                return;
            }
            _ring ??= GC.AllocateUninitializedArray<byte>(Math.Min(InitialRingBytes, _budget), pinned: true);
            _entries ??= new (int, int, long)[Math.Min(InitialEntries, capacity)];
            if (sequence != _next)
            {
                ResetLocked(sequence); // a gap: start afresh
            }
            int offset = _head;
            if (_head + body.Length > _ring.Length && _ring.Length < _budget)
            {
                // Not yet wrapped (the ring grows instead while below the budget): every cached record
                // lies below the head, so they keep their offsets in the larger ring.
                byte[] grown = GC.AllocateUninitializedArray<byte>((int)Math.Min(_budget, Math.Max(2L * _ring.Length, (long)_head + body.Length)), pinned: true);
                _ring.AsSpan(0, _head).CopyTo(grown);
                _ring = grown;
            }
            if (_head + body.Length > _ring.Length)
            {
                // Wrap to the start. The records after the head are the previous lap's, older than
                // the ones at the start that this record overwrites, so they go first.
                while (_first < _next && _entries[Slot(_first)].Offset >= _head)
                {
                    _first++;
                }
                offset = 0;
            }
            // Ring order from the write position is age order: evict the oldest while they are too
            // many or their bytes lie where this record goes.
            while (_first < _next)
            {
                (int oldOffset, int oldLength, _) = _entries[Slot(_first)];
                bool overlaps = oldOffset < offset + body.Length && offset < oldOffset + oldLength;
                if (!overlaps && _next - _first < _entries.Length)
                {
                    break;
                }
                if (!overlaps && _entries.Length < capacity)
                {
                    Grow();
                    break;
                }
                _first++;
            }
            body.CopyTo(_ring.AsSpan(offset));
            _entries[Slot(sequence)] = (offset, body.Length, timestampMs);
            _head = offset + body.Length;
            _next = sequence + 1;
        }
    }

    /// <summary>A copy of the cached record, or null.</summary>
    public StoredRecord? TryGet(long sequence)
    {
        lock (_gate)
        {
            if (_entries is null || sequence < _first || sequence >= _next)
            {
                return null;
            }
            (int offset, int length, long timestamp) = _entries[Slot(sequence)];
            return new StoredRecord(sequence, timestamp, _ring.AsSpan(offset, length).ToArray());
        }
    }

    private void ResetLocked(long next)
    {
        _first = _next = next;
        _head = 0;
    }

    private const int InitialEntries = 16;
    private const int InitialRingBytes = 64 * 1024;

    private int Slot(long sequence) => (int)(sequence % _entries!.Length);

    private void Grow()
    {
        (int, int, long)[] old = _entries!;
        var grown = new (int, int, long)[Math.Min(old.Length * 2, capacity)];
        for (long sequence = _first; sequence < _next; sequence++)
        {
            grown[sequence % grown.Length] = old[sequence % old.Length];
        }
        _entries = grown;
    }
}
