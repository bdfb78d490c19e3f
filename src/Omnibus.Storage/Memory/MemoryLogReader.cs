namespace Omnibus.Storage.Memory;

/// <summary>
/// A reader over a memory log. Like the file reader it keeps the segment it is in, so a segment
/// deleted under it is read to its end; bodies are the stored arrays (never changed), so nothing is copied.
/// </summary>
internal sealed class MemoryLogReader(MemoryPartitionLog log, long fromSequence) : ILogReader
{
    private MemorySegment? _segment;
    private long _next = fromSequence;

    public long NextSequence => _next;

    public void Seek(long sequence)
    {
        _next = sequence;
        if (_segment is not null && (sequence < _segment.BaseSequence || sequence >= _segment.NextSequence))
        {
            _segment = null;
        }
    }

    public bool TryRead(out LogRecord record) => log.TryRead(ref _segment, ref _next, out record);

    public void Dispose() => _segment = null;
}
