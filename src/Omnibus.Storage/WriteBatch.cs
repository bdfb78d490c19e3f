using System.Buffers;

namespace Omnibus.Storage;

/// <summary>
/// Records serialized by appenders and waiting for the writer thread. Appenders fill one batch
/// under the append lock while the writer writes and flushes the other, so every record that
/// arrives during an fdatasync shares the next one (group commit).
/// </summary>
internal sealed class WriteBatch
{
    // Small at first and doubled on demand: thousands of idle logs each hold two batches, and a
    // busy log reaches its working size within a few appends.
    private const int InitialBufferSize = 4 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);

    /// <summary>Serialized records, in sequence order.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public int Length { get; private set; }

    /// <summary>Record start offsets (into <see cref="Bytes"/>), sequences and timestamps, for the sparse index.</summary>
    public List<(int Offset, long Sequence, long TimestampMs)> Records { get; } = [];

    /// <summary>Offsets where a new segment starts (the records from there on go to it).</summary>
    public List<(int Offset, long BaseSequence)> Rolls { get; } = [];

    public List<(TaskCompletionSource<long> Completion, long FirstSequence)> Waiters { get; } = [];

    public bool IsEmpty => Records.Count == 0;

    public Span<byte> Reserve(int size)
    {
        if (Length + size > _buffer.Length)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + size));
            _buffer.AsSpan(0, Length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }
        return _buffer.AsSpan(Length, size);
    }

    public void Commit(int size) => Length += size;

    /// <summary>A position to return to if serialising a batch fails half-way.</summary>
    public readonly record struct Mark(int Length, int Records, int Rolls, int Waiters);

    public Mark GetMark() => new(Length, Records.Count, Rolls.Count, Waiters.Count);

    public void Reset(Mark mark)
    {
        Length = mark.Length;
        Records.RemoveRange(mark.Records, Records.Count - mark.Records);
        Rolls.RemoveRange(mark.Rolls, Rolls.Count - mark.Rolls);
        Waiters.RemoveRange(mark.Waiters, Waiters.Count - mark.Waiters);
    }

    public void Clear()
    {
        Length = 0;
        Records.Clear();
        Rolls.Clear();
        Waiters.Clear();
        // A batch that once grew large (a 16 MiB record) gives its buffer back rather than hold it.
        if (_buffer.Length > 4 * 1024 * 1024)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        }
    }
}
