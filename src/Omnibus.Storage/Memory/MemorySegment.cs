using Omnibus.Storage.Format;

namespace Omnibus.Storage.Memory;

/// <summary>
/// One segment of a memory log: its records in sequence order, sized as the file format would size
/// them (segment header plus record headers), so retention by bytes and segment rolls behave the
/// same in both stores. Records are appended under the log's gate; readers take a snapshot count.
/// </summary>
internal sealed class MemorySegment(long baseSequence)
{
    private MemoryRecord[] _records = new MemoryRecord[16];

    public long BaseSequence { get; } = baseSequence;

    /// <summary>Records in the segment; a reader sees the ones below the count it read.</summary>
    public int Count { get; private set; }

    public long NextSequence => BaseSequence + Count;

    public long Length { get; private set; } = SegmentHeader.Size;

    public bool IsSealed { get; set; }

    public long FirstTimestampMs { get; private set; } = long.MinValue;

    public long LastTimestampMs { get; private set; } = long.MinValue;

    public MemoryRecord this[long sequence] => Volatile.Read(ref _records)[sequence - BaseSequence];

    public void Add(long timestampMs, byte[] body)
    {
        if (Count == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }
        _records[Count] = new MemoryRecord(timestampMs, body);
        Count++;
        Length += RecordFormat.HeaderSize + body.Length;
        if (FirstTimestampMs == long.MinValue)
        {
            FirstTimestampMs = timestampMs;
        }
        LastTimestampMs = timestampMs;
    }

    /// <summary>
    /// A sealed copy with the body emptied of every record <paramref name="keepBody"/> refuses; the
    /// records keep their sequences and times. A copy, so readers inside this segment finish on it.
    /// </summary>
    public MemorySegment CompactedCopy(Func<LogRecord, bool> keepBody, out long freed)
    {
        var copy = new MemorySegment(BaseSequence);
        freed = 0;
        for (int i = 0; i < Count; i++)
        {
            MemoryRecord record = _records[i];
            if (record.Body.Length > 0 && !keepBody(new LogRecord(BaseSequence + i, record.TimestampMs, record.Body)))
            {
                freed += record.Body.Length;
                record = record with { Body = [] };
            }
            copy.Add(record.TimestampMs, record.Body);
        }
        copy.IsSealed = true;
        return copy;
    }
}

/// <summary>A record of a memory log; the body array is never changed once stored.</summary>
internal readonly record struct MemoryRecord(long TimestampMs, byte[] Body);
