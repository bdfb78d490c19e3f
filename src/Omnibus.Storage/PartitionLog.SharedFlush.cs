namespace Omnibus.Storage;

public sealed partial class PartitionLog
{
    private readonly FlushTicket? _flushTicket; // null: this log never shares flushes (option, policy, or platform)
    private WriteBatch? _inFlight;              // writer thread: the batch written and waiting for a shared window

    /// <summary>
    /// Leaves the flush of a batch just written to the pool's shared commit windows. False when the
    /// log does not share (then the pass flushes itself): the option, the pool, a file system
    /// without syncfs, or a pool that has stopped. While the batch waits, the log takes no further
    /// batch, so its tail, index and segment list stay as the window found them.
    /// </summary>
    private bool TryShareFlush(Segment active, WriteBatch batch, long flushGeneration)
    {
        if (_flushTicket is null || !_pool.SharedFlush || !_flushTicket.Domain.CanSyncFileSystem)
        {
            return false;
        }
        _flushTicket.Arm(active, flushGeneration);
        _inFlight = batch;
        switch (_pool.Flusher.Enter(_flushTicket))
        {
            case FlushRoute.Registered:
                return true;
            case FlushRoute.Inline:
                _pool.Flusher.RunInline(_flushTicket);
                FinishSharedFlush();
                return true;
            default:
                _inFlight = null;
                _flushTicket.Clear();
                return false;
        }
    }

    /// <summary>On the flusher thread, after this log's ticket completed: asks for the pass that finishes the batch.</summary>
    internal void SharedFlushEnded() => _writer.Schedule(this);

    /// <summary>
    /// On the writer thread, once the window holding the batch has ended: publishes the records and
    /// completes their appends, or, if the window failed, faults the log as a failed flush of its
    /// own would (every append of the batch and every later one fails until the log is reopened).
    /// </summary>
    private void FinishSharedFlush()
    {
        WriteBatch batch = _inFlight!;
        FlushTicket ticket = _flushTicket!;
        Segment active = ticket.Segment!;
        _inFlight = null;
        ticket.Clear();
        if (ticket.Failure is Exception failure)
        {
            Exception cause = StorageFullException.IsDiskFull(failure) ? new StorageFullException(DescribeWriteFailure(failure), failure) : failure;
            var fault = new LogFaultedException(DescribeWriteFailure(failure), cause) { FilePath = active.Path };
            lock (_appendLock)
            {
                _fault ??= fault;
            }
            Fail(batch, fault);
        }
        else
        {
            FlushCount++;
            _lastSyncTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
            _dirty = false;
            Commit(active, batch);
        }
        batch.Clear();
    }
}
