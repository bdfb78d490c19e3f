using System.Buffers;
using Omnibus.Storage.Format;

namespace Omnibus.Storage;

/// <summary>
/// Sequential reader over a partition log. Reads 1 MiB at a time with positional reads and hands
/// out records as slices of its buffer (no allocation per record), verifying each CRC. It sees
/// only acknowledged records and can follow the log as it grows.
/// </summary>
public sealed class LogReader : ILogReader
{
    private const int DefaultBufferSize = 1024 * 1024;
    private readonly PartitionLog _log;
    private readonly bool _verify;
    private Segment? _segment;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _position;

    internal LogReader(PartitionLog log, long fromSequence, int bufferSize = DefaultBufferSize)
    {
        _log = log;
        _verify = log.Options.VerifyChecksumsOnRead;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        NextSequence = fromSequence;
    }

    /// <summary>The sequence number the next <see cref="TryRead"/> returns.</summary>
    public long NextSequence { get; private set; }

    /// <summary>Moves the reader to <paramref name="sequence"/>.</summary>
    public void Seek(long sequence)
    {
        Segment? segment = _segment;
        if (segment is not null && sequence >= segment.BaseSequence && sequence < segment.VisibleNextSequence)
        {
            // Same segment: keep the buffer (a nearby record is usually in it) and walk from the
            // current record or the index entry, whichever is nearer before the target.
            IndexEntry? entry = segment.Index.Floor(sequence);
            if (sequence < NextSequence || (entry is { } e && e.Sequence >= NextSequence))
            {
                _position = entry?.Position ?? SegmentHeader.Size;
            }
            NextSequence = sequence;
            return;
        }
        ReleaseSegment();
        NextSequence = sequence;
    }

    /// <summary>Reads the next record, or returns false when no further acknowledged record exists yet.</summary>
    public bool TryRead(out LogRecord record)
    {
        record = default;
        if (NextSequence >= _log.NextSequence)
        {
            return false;
        }
        while (true)
        {
            if (_segment is null || NextSequence >= _segment.VisibleNextSequence)
            {
                if (_segment is not null && !_segment.IsSealed)
                {
                    return false; // caught up with the active segment
                }
                if (!MoveToSegment())
                {
                    return false;
                }
                if (NextSequence >= _segment!.VisibleNextSequence)
                {
                    if (!_segment.IsSealed)
                    {
                        return false;
                    }
                    continue;
                }
            }
            Segment segment = _segment;
            long limit = segment.VisibleLength;
            string? damage = null;
            int bodyLength = 0, total = 0;
            long sequence = -1;
            if (!Ensure(segment, _position, RecordFormat.HeaderSize, limit))
            {
                damage = "record header runs past the segment's end";
            }
            else
            {
                ReadOnlySpan<byte> header = _buffer.AsSpan((int)(_position - _bufferStart), RecordFormat.HeaderSize);
                bodyLength = RecordFormat.BodyLength(header);
                sequence = RecordFormat.Sequence(header);
                total = RecordFormat.HeaderSize + bodyLength;
                if (bodyLength > RecordFormat.MaxBodyLength || sequence > NextSequence || sequence < segment.BaseSequence)
                {
                    damage = $"expected sequence {NextSequence}, found {sequence} with length {bodyLength}";
                }
                else if (!Ensure(segment, _position, total, limit))
                {
                    damage = "record runs past the segment's end";
                }
            }
            if (damage is not null)
            {
                // The damaged record may lie between the index entry and the one wanted: find the
                // next intact record and go on from there if it is not past the wanted one.
                long intact;
                using (HandleLease file = segment.UseHandle())
                {
                    intact = SegmentScanner.FindIntactRecordAfter(file.Handle, _position, limit, segment.BaseSequence);
                }
                if (intact > _position && intact < limit && PeekSequence(segment, intact, limit) is long found && found <= NextSequence)
                {
                    _position = intact;
                    continue;
                }
                throw Damaged(segment, _position, damage);
            }
            int offset = (int)(_position - _bufferStart);
            if (sequence < NextSequence)
            {
                // Walking forward from the sparse index entry: only the header is needed to hop.
                _position += total;
                continue;
            }
            if (_verify && !RecordFormat.ChecksumMatches(_buffer.AsSpan(offset, total)))
            {
                throw Damaged(segment, _position, $"CRC mismatch in record {sequence}");
            }
            _position += total;
            record = new LogRecord(sequence, RecordFormat.Timestamp(_buffer.AsSpan(offset)), _buffer.AsMemory(offset + RecordFormat.HeaderSize, bodyLength));
            NextSequence++;
            return true;
        }
    }

    private long? PeekSequence(Segment segment, long position, long limit) =>
        Ensure(segment, position, RecordFormat.HeaderSize, limit)
            ? RecordFormat.Sequence(_buffer.AsSpan((int)(position - _bufferStart), RecordFormat.HeaderSize))
            : null;

    private bool MoveToSegment()
    {
        ReleaseSegment();
        Segment? segment = _log.AcquireSegmentFor(NextSequence);
        if (segment is null)
        {
            long first = _log.FirstSequence;
            if (NextSequence < first)
            {
                throw new ArgumentOutOfRangeException(nameof(NextSequence), NextSequence, $"Sequence {NextSequence} was deleted; the log starts at {first}.");
            }
            return false;
        }
        _segment = segment;
        IndexEntry? entry = segment.Index.Floor(NextSequence);
        _position = entry?.Position ?? SegmentHeader.Size;
        _bufferLength = 0;
        return true;
    }

    private bool Ensure(Segment segment, long position, int count, long limit)
    {
        if (position + count > limit)
        {
            return false;
        }
        if (position >= _bufferStart && position + count <= _bufferStart + _bufferLength)
        {
            return true; // already buffered: no file access, so no handle needed
        }
        using HandleLease file = segment.UseHandle();
        return SegmentScanner.EnsureBuffered(file.Handle, ref _buffer, ref _bufferStart, ref _bufferLength, position, count, limit);
    }

    private static StorageCorruptionException Damaged(Segment segment, long position, string what) =>
        new($"Segment '{segment.Path}' is damaged at byte {position}: {what}.") { FilePath = segment.Path, Position = position };

    private void ReleaseSegment()
    {
        _segment?.Release();
        _segment = null;
        _bufferLength = 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ReleaseSegment();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
