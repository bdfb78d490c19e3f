using System.Globalization;
using Omnibus.Storage.Format;

namespace Omnibus.Storage;

/// <summary>
/// Decides, record by record in sequence order, what a salvaged log keeps: intact records are held
/// until their atomic batch closes; a gap or damage breaks the open batch. Every sequence gets a
/// record in the output, an empty one where nothing is kept.
/// </summary>
internal sealed class SalvagePlan(SalvageMode mode, long start, SalvageWriter? sink)
{
    private readonly List<(long Sequence, long Timestamp, ReadOnlyMemory<byte> Body)> _openBatch = [];
    private readonly List<(long From, long To)> _emptied = [];
    private bool _skipUntilBatchEnd;
    private bool _damageJustReported;
    private long _lastTimestamp;
    private long _kept, _dropped, _lost;

    public long Start { get; } = start;

    /// <summary>The next sequence the plan expects.</summary>
    public long Next { get; private set; } = start;

    /// <summary>True once anything was lost or dropped before the end, or damage was seen.</summary>
    public bool Damaged { get; private set; }

    public void MarkDamaged() => Damaged = true;

    /// <summary>
    /// An intact record (header and body as stored). <paramref name="startsSegment"/>: it is the first
    /// record of its segment file, so no batch reaches it from before (a batch never spans segments).
    /// </summary>
    public void Record(ReadOnlyMemory<byte> stored, bool startsSegment, List<string> findings)
    {
        ReadOnlySpan<byte> header = stored.Span[..RecordFormat.HeaderSize];
        long sequence = RecordFormat.Sequence(header);
        long timestamp = RecordFormat.Timestamp(header);
        bool closesBatch = (RecordFormat.Flags(header) & RecordFormat.FlagBatchContinues) == 0;
        if (sequence > Next)
        {
            if (!_damageJustReported)
            {
                findings.Add(string.Create(CultureInfo.InvariantCulture, $"no record of sequences {Next} to {sequence - 1} (a segment missing, or damaged)"));
                Damage(null);
            }
            _skipUntilBatchEnd &= !startsSegment;
            Lose(Next, sequence);
        }
        else if (startsSegment && _openBatch.Count > 0)
        {
            Damage(null); // a batch left open at a segment's end never closed
            _skipUntilBatchEnd = false;
        }
        _damageJustReported = false;
        ReadOnlyMemory<byte> body = stored[RecordFormat.HeaderSize..];
        if (_skipUntilBatchEnd)
        {
            Empty(sequence, 1);
            _dropped++;
            _skipUntilBatchEnd = !closesBatch;
            Next = sequence + 1;
            _lastTimestamp = timestamp;
            return;
        }
        _openBatch.Add((sequence, timestamp, body));
        Next = sequence + 1;
        if (closesBatch)
        {
            KeepOpenBatch();
        }
    }

    /// <summary>
    /// Bytes that are not an intact record lie before the next record. <paramref name="damagedRecordClosesBatch"/>:
    /// whether the damaged record ended its batch, when its header is legible (only its body or checksum is
    /// damaged); null when unknown.
    /// </summary>
    public void Damage(bool? damagedRecordClosesBatch)
    {
        Damaged = true;
        _damageJustReported = true;
        if (mode == SalvageMode.KeepVerified)
        {
            KeepOpenBatch();
            return;
        }
        // The damage may hold the end of the open batch or the start of the next: both are dropped whole.
        foreach ((long sequence, _, _) in _openBatch)
        {
            Empty(sequence, 1);
            _dropped++;
        }
        _openBatch.Clear();
        _skipUntilBatchEnd = damagedRecordClosesBatch != true;
    }

    /// <summary>The last record has been seen; <paramref name="recordedTail"/> is the tail marker, <paramref name="lastFileBase"/> the newest segment file's base (null: none).</summary>
    public void End(long? recordedTail, long? lastFileBase, List<string> findings)
    {
        if (_openBatch.Count > 0)
        {
            // An unfinished batch at the end was never acknowledged: cut, as recovery cuts it.
            _dropped += _openBatch.Count;
            Next = _openBatch[0].Sequence;
            _openBatch.Clear();
        }
        if (recordedTail is long tail && (lastFileBase is null || tail > lastFileBase))
        {
            findings.Add(string.Create(CultureInfo.InvariantCulture, $"the tail segment starting at sequence {tail} is missing (its records are lost)"));
            Damaged = true;
            if (tail > Next)
            {
                Lose(Next, tail);
                Next = tail;
            }
        }
    }

    public SalvageReport Report(string directory, SalvageMode salvageMode, List<string> findings, bool changed, string? movedTo) => new()
    {
        Directory = directory,
        Mode = salvageMode,
        Changed = changed,
        OriginalMovedTo = movedTo,
        FirstSequence = Start,
        NextSequence = Next,
        RecordsKept = _kept,
        RecordsDropped = _dropped,
        RecordsLost = _lost,
        EmptiedRanges = [.. _emptied],
        Findings = [.. findings],
    };

    private void KeepOpenBatch()
    {
        foreach ((long sequence, long timestamp, ReadOnlyMemory<byte> body) in _openBatch)
        {
            sink?.Add(new LogRecord(sequence, timestamp, body));
            _lastTimestamp = timestamp;
            _kept++;
        }
        _openBatch.Clear();
    }

    private void Lose(long from, long to)
    {
        Empty(from, to - from);
        _lost += to - from;
    }

    private void Empty(long from, long count)
    {
        for (long s = from; s < from + count; s++)
        {
            sink?.Add(new LogRecord(s, _lastTimestamp, ReadOnlyMemory<byte>.Empty));
        }
        if (_emptied.Count > 0 && _emptied[^1].To == from)
        {
            _emptied[^1] = (_emptied[^1].From, from + count);
        }
        else
        {
            _emptied.Add((from, from + count));
        }
    }
}

/// <summary>Appends the plan's records to the salvaged log in chunks, at their own sequences and times.</summary>
internal sealed class SalvageWriter(PartitionLog target)
{
    private const int ChunkBytes = 1024 * 1024;
    private readonly List<LogRecord> _chunk = [];
    private long _chunkBytes;

    public void Add(LogRecord record)
    {
        _chunk.Add(record);
        _chunkBytes += RecordFormat.HeaderSize + record.Body.Length;
        if (_chunkBytes >= Math.Min(ChunkBytes, target.Options.SegmentSize / 4) || _chunk.Count >= 4096)
        {
            Flush();
        }
    }

    public void Flush()
    {
        if (_chunk.Count == 0)
        {
            return;
        }
        target.AppendAtAsync([.. _chunk]).GetAwaiter().GetResult();
        _chunk.Clear();
        _chunkBytes = 0;
    }
}
