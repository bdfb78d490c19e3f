using Omnibus.Storage.Format;

namespace Omnibus.Storage.Memory;

/// <summary>
/// A partition log held in memory, with the file log's semantics: dense sequences, atomic batches,
/// segments rolled at <see cref="LogOptions.SegmentSize"/> (counting the file format's headers),
/// retention and compaction of whole sealed segments, readers that follow the log. Appends are
/// "durable" at once: there is nothing further to wait for. Its records live in the
/// <see cref="MemoryLogStore"/> that opened it, so closing and reopening the log finds them again.
/// </summary>
public sealed class MemoryPartitionLog : IPartitionLog
{
    private readonly MemoryLogData _data;
    private readonly Action _onClose;
    private bool _closed;

    internal MemoryPartitionLog(string directory, LogOptions options, MemoryLogData data, Action onClose)
    {
        Directory = directory;
        Options = options;
        _data = data;
        _onClose = onClose;
    }

    private object Gate => _data;

    /// <inheritdoc/>
    public string Directory { get; }

    /// <inheritdoc/>
    public LogOptions Options { get; }

    /// <inheritdoc/>
    public RecoveryReport Recovery { get; } = new();

    /// <inheritdoc/>
    public long FirstSequence
    {
        get
        {
            lock (Gate)
            {
                return _data.Segments[0].BaseSequence;
            }
        }
    }

    /// <inheritdoc/>
    public long NextSequence
    {
        get
        {
            lock (Gate)
            {
                return _data.Segments[^1].NextSequence;
            }
        }
    }

    /// <inheritdoc/>
    public long SizeInBytes
    {
        get
        {
            lock (Gate)
            {
                return _data.Segments.Sum(s => s.Length);
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<SegmentInfo> Segments
    {
        get
        {
            lock (Gate)
            {
                return [.. _data.Segments.Select(s => new SegmentInfo($"{Directory}/{s.BaseSequence:D20}", s.BaseSequence, s.NextSequence, s.Length, s.IsSealed, s.FirstTimestampMs, s.LastTimestampMs))];
            }
        }
    }

    /// <inheritdoc/>
    public Task<long> AppendAsync(ReadOnlyMemory<byte> body) => AppendBatchAsync([body]);

    /// <inheritdoc/>
    public Task<long> AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, bool urgent = true)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        long now = Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return Task.FromResult(Append(bodies, null, now));
    }

    /// <inheritdoc/>
    public Task<long> AppendAtAsync(IReadOnlyList<LogRecord> records)
    {
        AppendChecks.Dense(records);
        return Task.FromResult(Append([.. records.Select(r => r.Body)], records, 0));
    }

    private long Append(IReadOnlyList<ReadOnlyMemory<byte>> bodies, IReadOnlyList<LogRecord>? placed, long now)
    {
        long batchBytes = AppendChecks.BatchBytes(bodies, Options.MaxRecordSize);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            MemorySegment active = _data.Segments[^1];
            long first = active.NextSequence;
            if (placed is not null && placed[0].Sequence != first)
            {
                throw new LogOffsetMismatchException($"Log '{Directory}' continues at sequence {first}, not {placed[0].Sequence}.") { ExpectedSequence = first };
            }
            // As in the file log, a batch never spans segments, and retention runs after each roll.
            bool rolled = active.Count > 0 && active.Length + batchBytes > Options.SegmentSize;
            if (rolled)
            {
                active.IsSealed = true;
                active = new MemorySegment(first);
                _data.Segments.Add(active);
            }
            for (int i = 0; i < bodies.Count; i++)
            {
                active.Add(placed?[i].TimestampMs ?? now, bodies[i].ToArray());
            }
            if (rolled)
            {
                EnforceRetentionLocked();
            }
            return first;
        }
    }

    /// <inheritdoc/>
    public ILogReader OpenReader(long fromSequence)
    {
        long first = FirstSequence;
        if (fromSequence < first)
        {
            throw new ArgumentOutOfRangeException(nameof(fromSequence), fromSequence, $"Sequence {fromSequence} was deleted; the log starts at {first}.");
        }
        return new MemoryLogReader(this, fromSequence);
    }

    internal bool TryRead(ref MemorySegment? segment, ref long next, out LogRecord record)
    {
        record = default;
        lock (Gate)
        {
            while (true)
            {
                if (segment is null || next >= segment.NextSequence)
                {
                    if (segment is not null && !segment.IsSealed)
                    {
                        return false; // caught up with the active segment
                    }
                    segment = SegmentForLocked(next);
                    if (segment is null)
                    {
                        long first = _data.Segments[0].BaseSequence;
                        if (next < first)
                        {
                            throw new ArgumentOutOfRangeException(nameof(next), next, $"Sequence {next} was deleted; the log starts at {first}.");
                        }
                        return false;
                    }
                    if (next >= segment.NextSequence)
                    {
                        if (!segment.IsSealed)
                        {
                            return false;
                        }
                        continue;
                    }
                }
                MemoryRecord stored = segment[next];
                record = new LogRecord(next, stored.TimestampMs, stored.Body);
                next++;
                return true;
            }
        }
    }

    private MemorySegment? SegmentForLocked(long sequence)
    {
        List<MemorySegment> segments = _data.Segments;
        int lo = 0, hi = segments.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (segments[mid].BaseSequence <= sequence)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : segments[found];
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredRecord> Read(long fromSequence, int maxCount)
    {
        var result = new List<StoredRecord>();
        lock (Gate)
        {
            MemorySegment? segment = null;
            long next = Math.Max(fromSequence, _data.Segments[0].BaseSequence);
            while (result.Count < maxCount && TryRead(ref segment, ref next, out LogRecord record))
            {
                result.Add(new StoredRecord(record.Sequence, record.TimestampMs, record.Body.ToArray()));
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public StoredRecord? ReadOne(long sequence) => ReadMany([sequence])[0];

    /// <inheritdoc/>
    public IReadOnlyList<StoredRecord?> ReadMany(IReadOnlyList<long> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var result = new StoredRecord?[sequences.Count];
        lock (Gate)
        {
            for (int i = 0; i < sequences.Count; i++)
            {
                long sequence = sequences[i];
                if (SegmentForLocked(sequence) is { } segment && sequence < segment.NextSequence)
                {
                    MemoryRecord stored = segment[sequence];
                    result[i] = new StoredRecord(sequence, stored.TimestampMs, stored.Body.ToArray());
                }
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public long FindSequenceAtOrAfterTime(long timestampMs)
    {
        lock (Gate)
        {
            foreach (MemorySegment segment in _data.Segments)
            {
                if (segment.LastTimestampMs == long.MinValue || segment.LastTimestampMs < timestampMs)
                {
                    continue;
                }
                for (long s = segment.BaseSequence; s < segment.NextSequence; s++)
                {
                    if (segment[s].TimestampMs >= timestampMs)
                    {
                        return s;
                    }
                }
            }
            return _data.Segments[^1].NextSequence;
        }
    }

    /// <inheritdoc/>
    public int DeleteSegmentsBefore(long sequence)
    {
        lock (Gate)
        {
            return DeleteHeadLocked(s => s.NextSequence <= sequence);
        }
    }

    /// <inheritdoc/>
    public int EnforceRetention()
    {
        lock (Gate)
        {
            return EnforceRetentionLocked();
        }
    }

    private int EnforceRetentionLocked()
    {
        RetentionPolicy policy = Options.Retention;
        if (policy.IsUnlimited)
        {
            return 0;
        }
        Func<long, long, bool> cut = AppendChecks.RetentionCut(policy, Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), _data.Segments.Sum(s => s.Length));
        return DeleteHeadLocked(s => cut(s.Length, s.LastTimestampMs));
    }

    private int DeleteHeadLocked(Func<MemorySegment, bool> shouldDelete)
    {
        if (_closed)
        {
            return 0;
        }
        List<MemorySegment> segments = _data.Segments;
        int count = 0;
        // The newest segment is where appends go; it is never deleted.
        while (count < segments.Count - 1 && segments[count].IsSealed && shouldDelete(segments[count]))
        {
            count++;
        }
        segments.RemoveRange(0, count);
        return count;
    }

    /// <inheritdoc/>
    public long CompactSegment(long baseSequence, Func<LogRecord, bool> keepBody)
    {
        ArgumentNullException.ThrowIfNull(keepBody);
        lock (Gate)
        {
            MemorySegment? segment = SegmentForLocked(baseSequence);
            if (segment is null)
            {
                return 0;
            }
            if (segment.BaseSequence != baseSequence || !segment.IsSealed)
            {
                throw new ArgumentException($"Sequence {baseSequence} does not start a sealed segment of '{Directory}'.", nameof(baseSequence));
            }
            MemorySegment compacted = segment.CompactedCopy(keepBody, out long freed);
            if (freed > 0)
            {
                _data.Segments[_data.Segments.IndexOf(segment)] = compacted;
            }
            return freed;
        }
    }

    /// <inheritdoc/>
    public void FlushToDisk()
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
        }
        _onClose();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>What a memory log holds; it stays in its store between one opening of the log and the next.</summary>
internal sealed class MemoryLogData
{
    public List<MemorySegment> Segments { get; } = [new MemorySegment(0)];
}
