namespace Omnibus.Storage;

/// <summary>
/// A log's place in its pool's <see cref="SharedFlusher"/>: the log has written a batch to
/// <see cref="Segment"/> and waits for a commit window to make it durable. A log has one ticket
/// and at most one batch waiting, so a ticket is reused for every window the log takes part in.
/// The writer arms it before registering; the flusher completes it, then asks the log's writer
/// thread for a pass, which publishes the records and completes their appends.
/// </summary>
internal sealed class FlushTicket(PartitionLog log, FlushDomain domain)
{
    private readonly object _gate = new();
    private volatile bool _done;

    public PartitionLog Log { get; } = log;

    /// <summary>The file system the log's files are on.</summary>
    public FlushDomain Domain { get; } = domain;

    /// <summary>The file the batch was written to (the log's active segment).</summary>
    public Segment? Segment { get; private set; }

    /// <summary><see cref="FlushDomain.FailureGeneration"/> as it was before the batch was written.</summary>
    public long Generation { get; private set; }

    /// <summary>Why the window failed, or null once the batch is durable.</summary>
    public Exception? Failure { get; private set; }

    public bool IsDone => _done;

    /// <summary>On the log's writer thread, before the ticket is registered.</summary>
    public void Arm(Segment segment, long generation)
    {
        Segment = segment;
        Generation = generation;
        Failure = null;
        _done = false;
    }

    /// <summary>On the flusher thread: the window ended, durably or with <paramref name="failure"/>.</summary>
    public void Complete(Exception? failure)
    {
        lock (_gate)
        {
            Failure = failure;
            _done = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Blocks until <see cref="Complete"/> (a closing log waits for its window). Safe from a writer
    /// thread: the flusher never waits for a writer.
    /// </summary>
    public void Wait()
    {
        lock (_gate)
        {
            while (!_done)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>On the writer thread once the outcome was taken: drops the segment reference.</summary>
    public void Clear() => Segment = null;
}

/// <summary>One file system (device) as the <see cref="SharedFlusher"/> sees it.</summary>
internal sealed class FlushDomain(ulong device, int descriptor)
{
    private long _failureGeneration;
    private volatile bool _canSyncFileSystem = descriptor >= 0;

    public ulong Device { get; } = device;

    /// <summary>A directory of this file system held open for syncfs (-1: none).</summary>
    public int Descriptor { get; } = descriptor;

    /// <summary>Open logs on this file system that share flushes (under the flusher's lock).</summary>
    public int Logs { get; set; }

    /// <summary>False once syncfs turned out to be missing: the logs flush their own files again.</summary>
    public bool CanSyncFileSystem
    {
        get => _canSyncFileSystem;
        set => _canSyncFileSystem = value;
    }

    /// <summary>
    /// Counts failed flushes of this file system. A batch written while it had one value and flushed
    /// after it changed may have lost pages in the failed write-back, so it fails too.
    /// </summary>
    public long FailureGeneration => Interlocked.Read(ref _failureGeneration);

    /// <summary>What the last failed flush reported.</summary>
    public Exception? LastFailure { get; private set; }

    public void RecordFailure(Exception failure)
    {
        LastFailure = failure;
        Interlocked.Increment(ref _failureGeneration);
    }
}
