using System.Diagnostics;
using Omnibus.Storage.Format;

namespace Omnibus.Storage;

/// <summary>
/// An append-only partition log: dense 64-bit sequence numbers starting at 0, stored in segment
/// files named by their first sequence number, each record length-prefixed and CRC-32C checked.
/// Appends are group-committed by one writer thread of a shared <see cref="LogWriterPool"/>; reads never need the log in memory.
/// On-disk format: docs/storage.md.
/// </summary>
public sealed partial class PartitionLog : IPartitionLog
{
    private readonly object _appendLock = new();
    private readonly object _segmentsLock = new();
    private Segment[] _segments;
    private WriteBatch _pending = new();
    private WriteBatch _spare = new();
    private long _nextAssigned;          // under _appendLock
    private long _activeLogicalLength;   // bytes of the active segment including pending records, under _appendLock
    private long _visibleNext;           // readers see sequences below this
    private Exception? _fault;
    private volatile bool _closing;
    private readonly LogWriterPool _pool;
    private readonly LogWriterThread _writer;
    private readonly ManualResetEventSlim _writerStopped = new();

    private readonly IDisposable _directoryLock;
    private readonly SegmentPreallocator? _preallocator;
    private readonly RecentRecords? _recent;
    private long _recentServed;

    /// <summary>Records <see cref="ReadMany"/> served from the recent-records cache instead of the file.</summary>
    public long RecentRecordsServed => Interlocked.Read(ref _recentServed);

    private PartitionLog(string directory, LogOptions options, Segment[] segments, RecoveryReport recovery, IDisposable directoryLock)
    {
        _directoryLock = directoryLock;
        Directory = directory;
        Options = options;
        _segments = segments;
        Recovery = recovery;
        Segment active = segments[^1];
        _nextAssigned = active.NextSequence;
        _visibleNext = active.NextSequence;
        _activeLogicalLength = active.Length;
        _lastIndexedPosition = active.Index.Count == 0 ? long.MinValue : active.Index.LastPosition;
        _preallocator = options.PreallocateSegments ? new SegmentPreallocator(directory, options.SegmentSize) : null;
        _preallocator?.CleanUp();
        if (segments.Length > 1)
        {
            _preallocator?.PrepareInBackground();
        }
        _recent = options.RecentRecordsCacheBytes > 0 ? new RecentRecords(options.RecentRecordsCacheBytes, RecentRecordsCapacity) : null;
        _pool = options.WriterPool ?? LogWriterPool.Shared;
        _writer = _pool.Assign();
        if (options.SharedFlush && options.Durability.Mode == DurabilityMode.Always && _pool.Flusher.Attach(directory) is FlushDomain domain)
        {
            _flushTicket = new FlushTicket(this, domain);
        }
        FileHandles = options.FileHandles ?? FileHandleCache.Shared;
        foreach (Segment segment in segments)
        {
            segment.AttachTo(FileHandles);
        }
    }

    /// <summary>The cache that closes this log's unused segment handles.</summary>
    internal FileHandleCache FileHandles { get; }

    /// <summary>The log's directory.</summary>
    public string Directory { get; }

    /// <summary>The options the log was opened with.</summary>
    public LogOptions Options { get; }

    /// <summary>What opening the log found and repaired.</summary>
    public RecoveryReport Recovery { get; }

    /// <summary>The oldest sequence number still stored (segments before it were deleted).</summary>
    public long FirstSequence => Volatile.Read(ref _segments)[0].BaseSequence;

    /// <summary>The sequence number the next acknowledged record becomes visible at; readers see everything below it.</summary>
    public long NextSequence => Volatile.Read(ref _visibleNext);

    /// <summary>Total bytes of all segment files.</summary>
    public long SizeInBytes
    {
        get
        {
            long total = 0;
            foreach (Segment s in Volatile.Read(ref _segments))
            {
                total += s.VisibleLength;
            }
            return total;
        }
    }

    /// <summary>Memory held by the sparse indexes of all segments, in bytes.</summary>
    public long IndexMemoryBytes => Volatile.Read(ref _segments).Sum(s => s.Index.MemoryBytes);

    /// <summary>The segments, oldest first.</summary>
    public IReadOnlyList<SegmentInfo> Segments => Volatile.Read(ref _segments)
        .Select(s => new SegmentInfo(s.Path, s.BaseSequence, s.VisibleNextSequence, s.VisibleLength, s.IsSealed, s.FirstTimestampMs, s.LastTimestampMs))
        .ToArray();

    /// <summary>Opens (creating if needed) the log in <paramref name="directory"/>, recovering its tail.</summary>
    public static PartitionLog Open(string directory, LogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new LogOptions();
        options.Validate();
        string full = Path.GetFullPath(directory);
        IDisposable directoryLock = LogRecovery.PrepareDirectory(full);
        try
        {
            (Segment[] segments, RecoveryReport report) = LogRecovery.OpenSegments(full, options);
            return new PartitionLog(full, options, segments, report, directoryLock);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Salvages the closed log in <paramref name="directory"/> that recovery refuses to open (damaged
    /// records in durable data, a missing segment): keeps what <paramref name="mode"/> says, puts an
    /// empty record at every sequence lost or dropped (sequence numbers stay), keeps the original
    /// files beside it (<see cref="SalvageReport.OriginalMovedTo"/>), and reports what it did. A log
    /// without damage is left as it was. The log then opens.
    /// </summary>
    public static SalvageReport Salvage(string directory, LogOptions? options, SalvageMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new LogOptions();
        options.Validate();
        return LogSalvage.Run(directory, options, mode);
    }

    /// <summary>Appends one record; completes with its sequence number once durable under the log's policy.</summary>
    public Task<long> AppendAsync(ReadOnlyMemory<byte> body)
    {
        ReadOnlyMemory<byte>[] one = [body];
        return AppendBatchAsync(one);
    }

    /// <summary>
    /// Appends records atomically: after a crash either all of them are present or none. Completes
    /// with the first record's sequence number (the rest follow densely) once durable.
    /// </summary>
    public Task<long> AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies) => AppendBatchAsync(bodies, urgent: true);

    /// <summary>
    /// As <see cref="AppendBatchAsync(IReadOnlyList{ReadOnlyMemory{byte}})"/>; with
    /// <paramref name="urgent"/> false the writer is not woken for these records alone: they go
    /// with the next urgent append's write, or after <see cref="LazyWriteDelay"/> at the latest.
    /// For records nobody waits for (a delivery attempt), so they cost no write and flush of
    /// their own.
    /// </summary>
    public Task<long> AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, bool urgent)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        return AppendCore(bodies, null, urgent);
    }

    /// <inheritdoc/>
    public Task<long> AppendAtAsync(IReadOnlyList<LogRecord> records)
    {
        AppendChecks.Dense(records);
        return AppendCore(records.Select(r => r.Body).ToArray(), records, urgent: true);
    }

    ILogReader IPartitionLog.OpenReader(long fromSequence) => OpenReader(fromSequence);

    // Appends stamped with the log's clock (placed is null) or at the sequences and times given.
    private Task<long> AppendCore(IReadOnlyList<ReadOnlyMemory<byte>> bodies, IReadOnlyList<LogRecord>? placed, bool urgent)
    {
        long batchBytes = AppendChecks.BatchBytes(bodies, Options.MaxRecordSize);
        // Completed on a thread-pool work item, never on the writer thread (see CompleteOnThreadPool),
        // so continuations may run synchronously there.
        var completion = new TaskCompletionSource<long>();
        long timestamp = Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_appendLock)
        {
            if (_fault is not null)
            {
                throw new LogFaultedException($"Log '{Directory}' stopped accepting appends after a write failure: {_fault.Message}", _fault);
            }
            ObjectDisposedException.ThrowIf(_closing, this);
            WriteBatch batch = _pending;
            bool wasEmpty = batch.IsEmpty;
            long first = _nextAssigned;
            if (placed is not null && placed.Count > 0 && placed[0].Sequence != first)
            {
                throw new LogOffsetMismatchException($"Log '{Directory}' continues at sequence {first}, not {placed[0].Sequence}.") { ExpectedSequence = first };
            }
            WriteBatch.Mark mark = batch.GetMark();
            long logicalBefore = _activeLogicalLength;
            try
            {
                // A batch never spans segments, so a torn batch is always confined to the tail segment.
                if (_activeLogicalLength > SegmentHeader.Size && _activeLogicalLength + batchBytes > Options.SegmentSize)
                {
                    batch.Rolls.Add((batch.Length, first));
                    _activeLogicalLength = SegmentHeader.Size;
                }
                for (int i = 0; i < bodies.Count; i++)
                {
                    ReadOnlySpan<byte> body = bodies[i].Span;
                    int size = RecordFormat.HeaderSize + body.Length;
                    uint flags = i < bodies.Count - 1 ? RecordFormat.FlagBatchContinues : 0;
                    long recordTime = placed?[i].TimestampMs ?? timestamp;
                    RecordFormat.Write(batch.Reserve(size), first + i, recordTime, flags, body);
                    batch.Records.Add((batch.Length, first + i, recordTime));
                    batch.Commit(size);
                }
            }
            catch
            {
                // Nothing of a batch that failed half-way may stay behind to be written.
                batch.Reset(mark);
                _activeLogicalLength = logicalBefore;
                throw;
            }
            _activeLogicalLength += batchBytes;
            _nextAssigned = first + bodies.Count;
            batch.Waiters.Add((completion, first));
            if (urgent && !_pendingUrgent)
            {
                _pendingUrgent = true;
                _writer.Schedule(this);
            }
            else if (wasEmpty)
            {
                _lazySince = Stopwatch.GetTimestamp();
                _writer.Schedule(this); // the writer starts timing the lazy records
            }
        }
        return completion.Task;
    }

    /// <summary>Opens a reader positioned at <paramref name="fromSequence"/>.</summary>
    public LogReader OpenReader(long fromSequence)
    {
        long first = FirstSequence;
        if (fromSequence < first)
        {
            throw new ArgumentOutOfRangeException(nameof(fromSequence), fromSequence, $"Sequence {fromSequence} was deleted; the log starts at {first}.");
        }
        return new LogReader(this, fromSequence);
    }

    /// <summary>Reads up to <paramref name="maxCount"/> records from <paramref name="fromSequence"/>, copying their bodies.</summary>
    public IReadOnlyList<StoredRecord> Read(long fromSequence, int maxCount)
    {
        var result = new List<StoredRecord>();
        try
        {
            using LogReader reader = OpenReader(Math.Max(fromSequence, FirstSequence));
            while (result.Count < maxCount && reader.TryRead(out LogRecord record))
            {
                result.Add(new StoredRecord(record.Sequence, record.TimestampMs, record.Body.ToArray()));
            }
        }
        catch (ArgumentOutOfRangeException) when (result.Count == 0)
        {
            // Retention deleted the head between the bounds check and the read.
        }
        return result;
    }

    /// <summary>Reads one record, or null when it does not exist (deleted or not yet appended).</summary>
    public StoredRecord? ReadOne(long sequence) => ReadMany([sequence], SingleReadBufferSize)[0];

    /// <summary>
    /// Reads the records with the given sequence numbers (ascending for best effect) with one
    /// reader, so records near each other come from one buffered read. An entry is null where
    /// the record does not exist (deleted or not yet appended).
    /// </summary>
    public IReadOnlyList<StoredRecord?> ReadMany(IReadOnlyList<long> sequences) => ReadMany(sequences, 1024 * 1024);

    // Records the recent-records cache holds at most (with 1 KiB messages, about its default budget).
    private const int RecentRecordsCapacity = 4096;

    // One sparse-index interval (64 KiB by default) plus a typical record: enough for a lone read.
    private const int SingleReadBufferSize = 128 * 1024;

    private StoredRecord?[] ReadMany(IReadOnlyList<long> sequences, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var result = new StoredRecord?[sequences.Count];
        LogReader? reader = null;
        try
        {
            for (int i = 0; i < sequences.Count; i++)
            {
                long sequence = sequences[i];
                if (sequence < FirstSequence || sequence >= NextSequence)
                {
                    continue;
                }
                if (_recent?.TryGet(sequence) is StoredRecord recent)
                {
                    Interlocked.Increment(ref _recentServed);
                    result[i] = recent;
                    continue;
                }
                try
                {
                    if (reader is null)
                    {
                        reader = new LogReader(this, sequence, bufferSize);
                    }
                    else if (reader.NextSequence != sequence)
                    {
                        reader.Seek(sequence);
                    }
                    if (reader.TryRead(out LogRecord record) && record.Sequence == sequence)
                    {
                        result[i] = new StoredRecord(record.Sequence, record.TimestampMs, record.Body.ToArray());
                    }
                }
                catch (ArgumentOutOfRangeException)
                {
                    // Retention deleted the segment between the bounds check and the read.
                    reader?.Dispose();
                    reader = null;
                }
            }
        }
        finally
        {
            reader?.Dispose();
        }
        return result;
    }

    /// <summary>Finds the segment holding <paramref name="sequence"/> and takes a reader reference on it.</summary>
    internal Segment? AcquireSegmentFor(long sequence)
    {
        while (true)
        {
            Segment[] segments = Volatile.Read(ref _segments);
            int lo = 0, hi = segments.Length - 1, found = -1;
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
            if (found < 0)
            {
                return null;
            }
            Segment segment = segments[found];
            if (segment.TryAcquire())
            {
                return segment;
            }
            // Deleted between the lookup and the acquire: look again in the new list.
            if (ReferenceEquals(segments, Volatile.Read(ref _segments)))
            {
                return null;
            }
        }
    }

    /// <summary>Stops the writer after it has written everything pending, and closes the files.</summary>
    public void Dispose()
    {
        lock (_appendLock)
        {
            if (_closing)
            {
                return;
            }
            _closing = true;
        }
        if (_writer.IsCurrentThread)
        {
            // Disposed from code running on the writer thread: it cannot wait for itself.
            while (RunWriterPass() is not null)
            {
            }
        }
        else
        {
            _writer.Schedule(this);
            _writerStopped.Wait();
        }
        _writer.Forget(this);
        _preallocator?.WaitForPreparation();
        lock (_segmentsLock)
        {
            // _closing (set above) makes later DeleteSegmentsBefore calls no-ops, so nothing is released twice.
            foreach (Segment s in _segments)
            {
                s.Release();
            }
        }
        if (_flushTicket is not null)
        {
            _pool.Flusher.Detach(_flushTicket.Domain);
        }
        _directoryLock.Dispose();
        _writerStopped.Dispose();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
