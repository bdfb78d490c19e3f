using System.Runtime.InteropServices;

namespace Omnibus.Storage;

/// <summary>
/// The most recently appended records of a log, kept by reference (the appender's own arrays, no
/// copy) so that a consumer keeping up with producers reads them without a positional read, a
/// buffer fill and a CRC pass each. A ring indexed by sequence number, bounded in records and in
/// bytes; the oldest entries go first. Only records below the log's visible end are ever asked for,
/// so a record cached at append time is never served before it is durable.
/// </summary>
internal sealed class RecentRecords(long budgetBytes, int capacity)
{
    private readonly Lock _gate = new();
    private (long TimestampMs, ReadOnlyMemory<byte> Body)[]? _ring;
    private long _first;
    private long _next;
    private long _bytes;

    public void Add(long sequence, long timestampMs, ReadOnlyMemory<byte> body)
    {
        lock (_gate)
        {
            _ring ??= new (long, ReadOnlyMemory<byte>)[capacity];
            if (sequence != _next || body.Length > budgetBytes)
            {
                // A gap (or a record larger than the whole budget): start afresh after it.
                Array.Clear(_ring);
                _bytes = 0;
                _first = _next = body.Length > budgetBytes ? sequence + 1 : sequence;
                if (body.Length > budgetBytes)
                {
                    return;
                }
            }
            while (_next - _first >= capacity || _bytes + body.Length > budgetBytes)
            {
                ref (long, ReadOnlyMemory<byte> Body) oldest = ref _ring[Slot(_first)];
                _bytes -= oldest.Body.Length;
                oldest = default;
                _first++;
            }
            _ring[Slot(sequence)] = (timestampMs, body);
            _bytes += body.Length;
            _next = sequence + 1;
        }
    }

    /// <summary>The cached record, its body shared (callers must not modify it), or null.</summary>
    public StoredRecord? TryGet(long sequence)
    {
        long timestamp;
        ReadOnlyMemory<byte> body;
        lock (_gate)
        {
            if (_ring is null || sequence < _first || sequence >= _next)
            {
                return null;
            }
            (timestamp, body) = _ring[Slot(sequence)];
        }
        byte[] bytes = MemoryMarshal.TryGetArray(body, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();
        return new StoredRecord(sequence, timestamp, bytes);
    }

    /// <summary>Drops everything (the log is being truncated or closed).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _ring = null;
            _bytes = 0;
            _first = _next = 0;
        }
    }

    private int Slot(long sequence) => (int)(sequence % capacity);
}
