namespace Omnibus.Storage.State;

/// <summary>
/// A set of sequence numbers kept as sorted, disjoint, non-adjacent half-open ranges. Completions
/// mostly arrive in order, so the set is usually one range that the floor swallows; out-of-order
/// completions cost one range each until the gap before them closes.
/// </summary>
internal sealed class RangeSet
{
    private readonly List<(long Start, long End)> _ranges = [];

    public int RangeCount => _ranges.Count;

    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    public bool Contains(long value)
    {
        int i = FindLastStartAtOrBefore(value);
        return i >= 0 && value < _ranges[i].End;
    }

    /// <summary>Adds [start, end); returns how many values were new.</summary>
    public long Add(long start, long end)
    {
        if (end <= start)
        {
            return 0;
        }
        int i = FindLastStartAtOrBefore(start);
        // Merge with the range before when it touches or overlaps.
        if (i >= 0 && _ranges[i].End >= start)
        {
            start = _ranges[i].Start;
        }
        else
        {
            i++;
        }
        long covered = 0;
        int j = i;
        long newEnd = end;
        while (j < _ranges.Count && _ranges[j].Start <= newEnd)
        {
            newEnd = Math.Max(newEnd, _ranges[j].End);
            covered += _ranges[j].End - _ranges[j].Start;
            j++;
        }
        _ranges.RemoveRange(i, j - i);
        _ranges.Insert(i, (start, newEnd));
        return (newEnd - start) - covered;
    }

    /// <summary>Removes and returns the first range if it starts at <paramref name="floor"/>.</summary>
    public bool TryTakeFirstAt(long floor, out long end)
    {
        if (_ranges.Count > 0 && _ranges[0].Start <= floor)
        {
            end = _ranges[0].End;
            _ranges.RemoveAt(0);
            return true;
        }
        end = 0;
        return false;
    }

    /// <summary>The first value at or after <paramref name="from"/> that is not in the set.</summary>
    public long NextAbsent(long from)
    {
        int i = FindLastStartAtOrBefore(from);
        return i >= 0 && from < _ranges[i].End ? _ranges[i].End : from;
    }

    private int FindLastStartAtOrBefore(long value)
    {
        int lo = 0, hi = _ranges.Count - 1, found = -1;
        // Most lookups are near the end (recent completions): check it first.
        if (hi >= 0 && _ranges[hi].Start <= value)
        {
            return hi;
        }
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].Start <= value)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }
}
