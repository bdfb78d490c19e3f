using System.Buffers;

namespace Omnibus.Storage;

/// <summary>
/// Records serialized by appenders and waiting for the writer thread. Appenders fill one batch
/// under the append lock while the writer writes and flushes the other, so every record that
/// arrives during an fdatasync shares the next one (group commit).
/// </summary>
internal sealed class WriteBatch
{
    // Thousands of idle logs each hold two batches, so a batch holds no buffer while empty: it rents
    // one at its first record (as large as the last one it needed, so a busy log does not grow it
    // again every pass) and gives it back when cleared.
    private const int InitialBufferSize = 4 * 1024;

    private byte[] _buffer = [];
    private int _lastSize = InitialBufferSize;

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
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_buffer.Length * 2, _lastSize), Length + size));
            _buffer.AsSpan(0, Length).CopyTo(grown);
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
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
        if (_buffer.Length > 0)
        {
            // A batch that once grew large (a 16 MiB record) starts small again rather than rent that much each pass.
            _lastSize = _buffer.Length > 4 * 1024 * 1024 ? InitialBufferSize : _buffer.Length;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
