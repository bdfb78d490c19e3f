using System.Diagnostics;
using Omnibus.Storage.Format;
using Omnibus.Storage.Io;

namespace Omnibus.Storage;

public sealed partial class PartitionLog
{
    /// <summary>The longest lazy records wait for an urgent append to carry them.</summary>
    public static readonly TimeSpan LazyWriteDelay = TimeSpan.FromMilliseconds(20);

    private bool _pendingUrgent;   // under _appendLock: the pending batch holds an urgent append
    private long _lazySince;       // under _appendLock: when the pending batch got its first (lazy) record
    private long _lastIndexedPosition = long.MinValue;
    private long _lastSyncTimestamp = Stopwatch.GetTimestamp();
    private bool _dirty;
    private bool _rollPublished;   // writer thread: the roll in progress has published the segment it seals

    /// <summary>Number of data flushes (fdatasync) performed, for benchmarks and metrics.</summary>
    public long FlushCount { get; private set; }

    /// <summary>Number of write batches written, for benchmarks and metrics.</summary>
    public long WriteCount { get; private set; }

    /// <summary>Under the writer thread's lock: the log waits in its ready queue.</summary>
    internal bool QueuedOnWriter { get; set; }

    private volatile bool _writerDone;

    /// <summary>
    /// One writer pass, on the log's pool thread: takes everything appended since the last pass,
    /// writes it with one positional write per segment, flushes once (policy permitting), then
    /// acknowledges all of it. Returns the <see cref="Stopwatch"/> timestamp at which the log
    /// wants another pass (lazy records or an interval flush due), or null when it needs none
    /// until an append schedules it. One batch per pass, so a busy log does not starve the other
    /// logs of its thread: an append that arrives during the pass has scheduled the next one.
    /// </summary>
    internal long? RunWriterPass()
    {
        if (_writerDone)
        {
            return null;
        }
        if (_inFlight is not null)
        {
            if (!_flushTicket!.IsDone)
            {
                if (!_closing)
                {
                    return null; // the flusher asks for a pass once the window has ended
                }
                _flushTicket.Wait(); // closing: the flusher never waits for a writer, so this ends
            }
            FinishSharedFlush();
        }
        bool wrote = false;
        while (true)
        {
            WriteBatch batch;
            bool closing;
            lock (_appendLock)
            {
                closing = _closing;
                if (!closing && (_pending.IsEmpty || !_pendingUrgent))
                {
                    long now = Stopwatch.GetTimestamp();
                    if (!_pending.IsEmpty)
                    {
                        // Only lazy records: wait for an urgent append to carry them, not longer than the delay.
                        long lazyDue = _lazySince + (long)(LazyWriteDelay.TotalSeconds * Stopwatch.Frequency);
                        if (now < lazyDue || wrote)
                        {
                            return Math.Max(lazyDue, now);
                        }
                    }
                    else if (Options.Durability.Mode == DurabilityMode.Interval && _dirty && _fault is null)
                    {
                        long syncDue = _lastSyncTimestamp + (long)(Options.Durability.Interval.TotalSeconds * Stopwatch.Frequency);
                        if (now < syncDue || wrote)
                        {
                            return Math.Max(syncDue, now);
                        }
                    }
                    else
                    {
                        return null;
                    }
                }
                else if (wrote && !closing)
                {
                    return null; // the urgent append that arrived during this pass scheduled the next one
                }
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                _pendingUrgent = false;
            }

            if (!batch.IsEmpty)
            {
                WriteAndAcknowledge(batch, closing);
            }
            else if (_dirty && _fault is null)
            {
                TrySync();
            }
            if (!ReferenceEquals(batch, _inFlight))
            {
                batch.Clear();
            }
            wrote = true;

            if (closing)
            {
                lock (_appendLock)
                {
                    if (!_pending.IsEmpty)
                    {
                        continue;
                    }
                }
                if (_fault is null && _dirty)
                {
                    TrySync();
                }
                _writerDone = true;
                _writerStopped.Set();
                return null;
            }
        }
    }

    private void WriteAndAcknowledge(WriteBatch batch, bool closing)
    {
        if (_fault is not null)
        {
            Fail(batch, _fault);
            return;
        }
        // Before the first byte is written: a shared flush of this file system that fails from
        // here on may have lost some of these pages (see SharedFlusher).
        long flushGeneration = _flushTicket?.Domain.FailureGeneration ?? 0;
        Segment active = Volatile.Read(ref _segments)[^1];
        var chunkStart = new TailState(active, _lastIndexedPosition); // the tail as the chunk being written found it
        int rollIndex = 0;
        bool rolling = false;
        try
        {
            int offset = 0;
            int recordIndex = 0;
            while (offset < batch.Length)
            {
                if (rollIndex < batch.Rolls.Count && batch.Rolls[rollIndex].Offset == offset)
                {
                    rolling = true;
                    active = Roll(active, batch.Rolls[rollIndex].BaseSequence);
                    rolling = false;
                    rollIndex++;
                    chunkStart = new TailState(active, _lastIndexedPosition);
                }
                int end = rollIndex < batch.Rolls.Count ? batch.Rolls[rollIndex].Offset : batch.Length;
                long filePosition = active.Length;
                using (HandleLease file = active.UseHandle())
                {
                    RandomAccess.Write(file.Handle, batch.Bytes[offset..end], filePosition);
                }
                _dirty = true; // before any roll below: the sealed segment must be flushed too
                for (; recordIndex < batch.Records.Count && batch.Records[recordIndex].Offset < end; recordIndex++)
                {
                    (int recordOffset, long sequence, long timestamp) = batch.Records[recordIndex];
                    long position = filePosition + (recordOffset - offset);
                    if (_lastIndexedPosition == long.MinValue || position - _lastIndexedPosition >= Options.IndexInterval)
                    {
                        active.Index.Add(sequence, position);
                        _lastIndexedPosition = position;
                    }
                    if (active.FirstTimestampMs == long.MinValue)
                    {
                        active.FirstTimestampMs = timestamp;
                    }
                    active.LastTimestampMs = timestamp;
                    active.NextSequence = sequence + 1;
                }
                active.Length = filePosition + (end - offset);
                offset = end;
            }
            WriteCount++;
            _dirty = true;
            if (Options.Durability.Mode == DurabilityMode.Always)
            {
                if (!closing && TryShareFlush(active, batch, flushGeneration))
                {
                    return; // FinishSharedFlush publishes and completes the batch after its window
                }
                Sync(active);
            }
            else if (Options.Durability.Mode == DurabilityMode.Interval && Stopwatch.GetElapsedTime(_lastSyncTimestamp) >= Options.Durability.Interval)
            {
                Sync(active);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            if (StorageFullException.IsDiskFull(ex)
                && TryRollBack(chunkStart, rolling && _rollPublished ? batch.Rolls[rollIndex].BaseSequence : null, ex, batch))
            {
                return;
            }
            Exception cause = StorageFullException.IsDiskFull(ex) ? new StorageFullException(DescribeWriteFailure(ex), ex) : ex;
            var fault = new LogFaultedException(DescribeWriteFailure(ex), cause) { FilePath = Volatile.Read(ref _segments)[^1].Path };
            lock (_appendLock)
            {
                _fault = fault;
            }
            Fail(batch, fault);
            return;
        }
        Commit(active, batch);
    }

    /// <summary>The batch is durable (or written, for relaxed policies): readers may see it and its appends complete.</summary>
    private void Commit(Segment active, WriteBatch batch)
    {
        // After the flush, so a write that fails leaves nothing in the cache to roll back.
        CacheRecent(batch);
        active.Publish();
        Volatile.Write(ref _visibleNext, active.NextSequence);
        CompleteOnThreadPool(batch);
        if (batch.Rolls.Count > 0 && !Options.Retention.IsUnlimited)
        {
            try
            {
                EnforceRetention();
            }
            catch (IOException)
            {
                // Retention runs again at the next roll; the writer thread must not die for it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>What the writer knew of the tail segment before a pass, to return to if the pass fails.</summary>
    private readonly record struct TailState(Segment Segment, long Length, long NextSequence, long FirstTimestampMs, long LastTimestampMs, long LastIndexedPosition)
    {
        public TailState(Segment segment, long lastIndexedPosition)
            : this(segment, segment.Length, segment.NextSequence, segment.FirstTimestampMs, segment.LastTimestampMs, lastIndexedPosition)
        {
        }
    }

    /// <summary>
    /// A full disk interrupted a pass. What the pass made durable and visible before (the chunks
    /// that a roll sealed) stays and its appends succeed; the rest is undone, so the log keeps
    /// taking appends, which succeed again once space is freed:
    /// <list type="bullet">
    /// <item>the write or flush of a chunk failed (or a roll's flush of it, before it was
    /// published): the tail segment goes back to where the chunk found it — the file cut to that
    /// length (cutting frees rather than needs space, and no stale byte of the failed chunk can be
    /// read back later as a record), length, next sequence, sparse index and timestamps restored;</item>
    /// <item>a roll failed after publishing the sealed segment (<paramref name="failedRollBase"/>:
    /// its index file or the next segment could not be created): the sealed segment stays the tail,
    /// unsealed, a half-created next segment file is removed, and the next append rolls again.</item>
    /// </list>
    /// Appends not kept, and every append queued behind the pass, fail with
    /// <see cref="StorageFullException"/>; their sequence numbers are handed out again. False when
    /// the tail could not be restored (the log then faults).
    /// </summary>
    private bool TryRollBack(TailState chunkStart, long? failedRollBase, Exception ex, WriteBatch batch)
    {
        Segment tail = chunkStart.Segment;
        long kept;
        long logicalLength;
        try
        {
            if (failedRollBase is long nextBase)
            {
                string next = Path.Combine(Directory, Segment.FileName(nextBase));
                if (!Volatile.Read(ref _segments).Any(s => s.Path == next))
                {
                    File.Delete(next);
                }
                File.Delete(tail.IndexPath + ".tmp");
                tail.IsSealed = false;
                kept = tail.NextSequence;
                logicalLength = Options.SegmentSize; // full: the next append rolls, retrying what failed
            }
            else
            {
                using (HandleLease file = tail.UseHandle())
                {
                    if (RandomAccess.GetLength(file.Handle) > chunkStart.Length)
                    {
                        RandomAccess.SetLength(file.Handle, chunkStart.Length);
                    }
                }
                tail.Length = chunkStart.Length;
                tail.NextSequence = chunkStart.NextSequence;
                tail.FirstTimestampMs = chunkStart.FirstTimestampMs;
                tail.LastTimestampMs = chunkStart.LastTimestampMs;
                tail.Index.TruncateFrom(chunkStart.Length);
                _lastIndexedPosition = chunkStart.LastIndexedPosition;
                kept = chunkStart.NextSequence;
                logicalLength = chunkStart.Length;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
        var full = new StorageFullException(DescribeWriteFailure(ex, rolledBack: true), ex);
        lock (_appendLock)
        {
            // Appends queued behind the failed pass hold the sequence numbers after it: they fail too.
            Fail(_pending, full);
            _pending.Clear();
            _pendingUrgent = false;
            _nextAssigned = kept;
            _activeLogicalLength = logicalLength;
        }
        // Appends a roll sealed before the failure are durable and visible: they succeed.
        CompleteOnThreadPool(batch, full, succeededBelow: kept);
        return true;
    }

    /// <summary>
    /// Copies the batch's records into the recent-records cache. Here on the writer thread, from the
    /// serialized batch, rather than in the appenders' critical section (where it made 16 in-process
    /// senders queue on the append lock). Before the records become visible, so a reader that sees
    /// one finds it cached; the cache never serves what is not visible yet.
    /// </summary>
    private void CacheRecent(WriteBatch batch)
    {
        if (_recent is null)
        {
            return;
        }
        ReadOnlySpan<byte> bytes = batch.Bytes;
        foreach ((int recordOffset, long sequence, long timestamp) in batch.Records)
        {
            ReadOnlySpan<byte> record = bytes[recordOffset..];
            _recent.Add(sequence, timestamp, record.Slice(RecordFormat.HeaderSize, RecordFormat.BodyLength(record)));
        }
    }

    /// <summary>
    /// Completes a batch's appenders (with their sequence numbers, or with <paramref name="fault"/>)
    /// on one thread-pool work item: their continuations run there one after another (the
    /// completions are synchronous), so a group commit of hundreds of appends costs one hand-off and
    /// at most one thread wake-up instead of one each, the writer goes straight back to writing, and
    /// no continuation ever runs on the writer thread (one that disposes the log would wait for itself).
    /// </summary>
    private static void CompleteOnThreadPool(WriteBatch batch, Exception? fault = null, long succeededBelow = long.MinValue)
    {
        if (batch.Waiters.Count == 0)
        {
            return;
        }
        (TaskCompletionSource<long> Completion, long FirstSequence)[] waiters = [.. batch.Waiters];
        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                foreach ((TaskCompletionSource<long> completion, long first) in state.Waiters)
                {
                    if (state.Fault is null || first < state.SucceededBelow)
                    {
                        completion.TrySetResult(first);
                    }
                    else
                    {
                        completion.TrySetException(state.Fault);
                    }
                }
            },
            (Waiters: waiters, Fault: fault, SucceededBelow: succeededBelow),
            preferLocal: false);
    }

    private string DescribeWriteFailure(Exception ex, bool rolledBack = false)
    {
        string file = Volatile.Read(ref _segments)[^1].Path;
        // ENOSPC (28) and EDQUOT (122) are the usual cause; name them so the operator knows what to fix.
        if (!StorageFullException.IsDiskFull(ex))
        {
            return $"Writing '{file}' failed: {ex.Message}. Reopen the log to recover; nothing acknowledged was lost.";
        }
        return rolledBack
            ? $"The disk is full: writing '{file}' failed ({ex.Message}). Nothing acknowledged was lost; appends succeed again once space is freed."
            : $"The disk is full: writing '{file}' failed ({ex.Message}). Free space and reopen the log; nothing acknowledged was lost.";
    }

    private static void Fail(WriteBatch batch, Exception fault) => CompleteOnThreadPool(batch, fault);

    /// <summary>
    /// Makes everything already written durable, whatever the policy (for callers that must know,
    /// like a checkpoint under <c>interval</c> or <c>none</c>). Sealed segments were flushed when sealed.
    /// </summary>
    public void FlushToDisk()
    {
        Segment? active = AcquireSegmentFor(long.MaxValue);
        if (active is null)
        {
            return;
        }
        try
        {
            using HandleLease file = active.UseHandle();
            FileSync.DataSync(file.Handle);
        }
        finally
        {
            active.Release();
        }
    }

    private void Sync(Segment active)
    {
        // fdatasync flushes the file, not the descriptor: a handle reopened after an idle close
        // still makes everything written through the closed one durable.
        using (HandleLease file = active.UseHandle())
        {
            FileSync.DataSync(file.Handle);
        }
        FlushCount++;
        _writer.CountFlush();
        _lastSyncTimestamp = Stopwatch.GetTimestamp();
        _dirty = false;
    }

    private void TrySync()
    {
        try
        {
            Sync(Volatile.Read(ref _segments)[^1]);
        }
        catch (IOException ex)
        {
            lock (_appendLock)
            {
                _fault ??= new LogFaultedException(DescribeWriteFailure(ex), ex);
            }
        }
    }

    /// <summary>Seals the active segment (flush, index file) and starts a new one at <paramref name="baseSequence"/>.</summary>
    private Segment Roll(Segment active, long baseSequence)
    {
        Debug.Assert(baseSequence == active.NextSequence, "A new segment starts right after the sealed one.");
        _rollPublished = false;
        if (_dirty)
        {
            Sync(active);
        }
        active.Publish();
        Volatile.Write(ref _visibleNext, active.NextSequence);
        _rollPublished = true; // from here a failure keeps the sealed segment's records (TryRollBack)
        using (HandleLease file = active.UseHandle())
        {
            if (RandomAccess.GetLength(file.Handle) > active.Length)
            {
                // Trim a preallocated segment's unused zeros: a sealed file is exactly its records.
                RandomAccess.SetLength(file.Handle, active.Length);
            }
        }
        IndexFile.Write(active.IndexPath, active.Index, active.Summary);
        active.IsSealed = true;
        Segment next = LogRecovery.CreateSegment(Directory, baseSequence, _preallocator);
        next.AttachTo(FileHandles);
        _preallocator?.PrepareInBackground();
        _lastIndexedPosition = long.MinValue;
        lock (_segmentsLock)
        {
            Segment[] grown = [.. _segments, next];
            Volatile.Write(ref _segments, grown);
        }
        RecordTail(baseSequence);
        return next;
    }

    // Best effort: without it, a later loss of this tail file goes unnoticed, as before the marker existed.
    private void RecordTail(long baseSequence)
    {
        try
        {
            TailMarker.Write(Directory, baseSequence);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
