using Omnibus.Storage.Format;

namespace Omnibus.Storage;

public sealed partial class PartitionLog
{
    /// <summary>
    /// The sequence number of the first record whose append time is at or after
    /// <paramref name="timestampMs"/> (Unix milliseconds), or <see cref="NextSequence"/> when none
    /// is. Segments are chosen by their newest record's time, then the sparse index is
    /// binary-searched by reading the record header at each entry, then the reader walks forward
    /// from the entry before; so at most one index interval is scanned. Append times follow the
    /// log's clock and are treated as non-decreasing; the forward walk tolerates small steps back.
    /// </summary>
    public long FindSequenceAtOrAfterTime(long timestampMs)
    {
        Segment[] segments = Volatile.Read(ref _segments);
        Segment? chosen = null;
        foreach (Segment s in segments)
        {
            if (s.LastTimestampMs != long.MinValue && s.LastTimestampMs >= timestampMs)
            {
                chosen = s;
                break;
            }
        }
        if (chosen is null)
        {
            return NextSequence;
        }
        long start = chosen.BaseSequence;
        if (chosen.TryAcquire())
        {
            try
            {
                start = IndexFloorByTime(chosen, timestampMs);
            }
            finally
            {
                chosen.Release();
            }
        }
        try
        {
            using LogReader reader = OpenReader(Math.Max(start, FirstSequence));
            while (reader.TryRead(out LogRecord record))
            {
                if (record.TimestampMs >= timestampMs)
                {
                    return record.Sequence;
                }
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // Retention deleted the segment meanwhile: everything left is newer.
            return FirstSequence;
        }
        return NextSequence;
    }

    // The sequence of the index entry before the last one whose record is older than the time
    // (one entry of slack for appenders whose clock readings crossed).
    private static long IndexFloorByTime(Segment segment, long timestampMs)
    {
        ReadOnlySpan<IndexEntry> entries = segment.Index.Entries;
        Span<byte> header = stackalloc byte[RecordFormat.HeaderSize];
        long limit = segment.VisibleLength;
        using HandleLease file = segment.UseHandle();
        int lo = 0, hi = entries.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            IndexEntry entry = entries[mid];
            if (entry.Position + RecordFormat.HeaderSize > limit
                || RandomAccess.Read(file.Handle, header, entry.Position) < RecordFormat.HeaderSize)
            {
                hi = mid - 1;
                continue;
            }
            if (RecordFormat.Timestamp(header) < timestampMs)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found <= 0 ? segment.BaseSequence : entries[found - 1].Sequence;
    }
}
