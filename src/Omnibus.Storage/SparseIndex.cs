namespace Omnibus.Storage;

/// <summary>One sparse index entry: the record with <see cref="Sequence"/> starts at <see cref="Position"/>.</summary>
internal readonly record struct IndexEntry(long Sequence, long Position);

/// <summary>
/// Sequence → file position entries of one segment, one per <see cref="LogOptions.IndexInterval"/>
/// bytes (64 KiB by default: 1,024 entries, 16 KiB of memory, per 64 MiB segment). A single writer
/// appends; readers search lock-free: the count is published after the entry, and a grown array
/// is a copy that holds every entry published before it.
/// </summary>
internal sealed class SparseIndex
{
    private IndexEntry[] _entries;
    private int _count;

    public SparseIndex(int capacity = 16) => _entries = new IndexEntry[Math.Max(capacity, 4)];

    public int Count => Volatile.Read(ref _count);

    public long LastPosition => _count == 0 ? -1 : _entries[_count - 1].Position;

    public void Add(long sequence, long position)
    {
        if (_count == _entries.Length)
        {
            var grown = new IndexEntry[_entries.Length * 2];
            Array.Copy(_entries, grown, _count);
            Volatile.Write(ref _entries, grown);
        }
        _entries[_count] = new IndexEntry(sequence, position);
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Drops entries at or beyond <paramref name="position"/> (used when a torn tail is truncated).</summary>
    public void TruncateFrom(long position)
    {
        int count = _count;
        while (count > 0 && _entries[count - 1].Position >= position)
        {
            count--;
        }
        Volatile.Write(ref _count, count);
    }

    /// <summary>The last entry whose sequence is at most <paramref name="sequence"/>, or null.</summary>
    public IndexEntry? Floor(long sequence)
    {
        int count = Volatile.Read(ref _count);
        IndexEntry[] entries = Volatile.Read(ref _entries);
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].Sequence <= sequence)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : entries[found];
    }

    public ReadOnlySpan<IndexEntry> Entries => _entries.AsSpan(0, Volatile.Read(ref _count));

    public long MemoryBytes => _entries.Length * 16L;
}
