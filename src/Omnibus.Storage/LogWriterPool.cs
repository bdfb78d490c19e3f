namespace Omnibus.Storage;

/// <summary>
/// A fixed set of writer threads shared by every <see cref="PartitionLog"/> opened with it, so
/// the number of OS threads does not grow with the number of logs. Each log is bound to one
/// thread for its lifetime (round robin at open), which keeps the one-writer-per-log rule the
/// log's file layout depends on. The process-wide <see cref="Shared"/> pool is the default.
/// </summary>
public sealed class LogWriterPool : IDisposable
{
    /// <summary>Largest number of writer threads a pool accepts.</summary>
    public const int MaxThreads = 64;

    private static readonly Lazy<LogWriterPool> SharedPool = new(() => new LogWriterPool(DefaultThreadCount));

    private readonly LogWriterThread[] _threads;
    private int _nextThread = -1;
    private volatile bool _sharedFlush;

    /// <summary>
    /// Starts a pool of <paramref name="threadCount"/> writer threads (1 to <see cref="MaxThreads"/>);
    /// <paramref name="sharedFlush"/> sets <see cref="SharedFlush"/>.
    /// </summary>
    public LogWriterPool(int threadCount, bool sharedFlush = true)
    {
        _sharedFlush = sharedFlush;
        if (threadCount is < 1 or > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, $"A writer pool needs between 1 and {MaxThreads} threads.");
        }
        _threads = new LogWriterThread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            _threads[i] = new LogWriterThread(i);
        }
    }

    /// <summary>
    /// Writer threads of the shared pool: four per processor, at least 4 and at most 32. A writer
    /// spends most of its time waiting for fdatasync, not on the CPU, so flushes of different
    /// logs need more threads than cores to overlap.
    /// </summary>
    public static int DefaultThreadCount => Math.Clamp(Environment.ProcessorCount * 4, 4, 32);

    /// <summary>The process-wide pool every log uses unless its options name another.</summary>
    public static LogWriterPool Shared => SharedPool.Value;

    /// <summary>Number of writer threads.</summary>
    public int ThreadCount => _threads.Length;

    /// <summary>
    /// Whether the pool's logs under <c>always</c> share flushes: a writer pass writes its batch and
    /// leaves the flush to the pool's commit windows (one fdatasync when one file is dirty, one syncfs
    /// for the file system when several are), so flushes a second do not grow with the number of logs
    /// written. False: every pass fdatasyncs its own log's file. Default true. A change applies
    /// from each log's next writer pass (logs opened with <see cref="LogOptions.SharedFlush"/> false
    /// never share). Only on Linux (syncfs); elsewhere logs flush their own files.
    /// </summary>
    public bool SharedFlush
    {
        get => _sharedFlush;
        set => _sharedFlush = value;
    }

    /// <summary>The commit windows shared by the pool's logs.</summary>
    internal SharedFlusher Flusher { get; } = new();

    /// <summary>Commit windows the shared flusher has run (each one flush per file system written, or one per file without syncfs).</summary>
    public long SharedFlushWindows => Flusher.WindowCount;

    /// <summary>
    /// Flush system calls (fdatasync, syncfs) made for the appends of all logs of this pool —
    /// by the writer passes and segment seals, and by the shared commit windows — for benchmarks
    /// and metrics.
    /// </summary>
    public long FlushCount
    {
        get
        {
            long total = Flusher.FlushCount;
            foreach (LogWriterThread thread in _threads)
            {
                total += thread.FlushCount;
            }
            return total;
        }
    }

    internal LogWriterThread Assign()
    {
        int index = (int)((uint)Interlocked.Increment(ref _nextThread) % (uint)_threads.Length);
        return _threads[index];
    }

    /// <summary>Stops the threads once their work is done. Close every log of the pool first.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(this, SharedPool.IsValueCreated ? SharedPool.Value : null))
        {
            throw new InvalidOperationException("The shared writer pool lives as long as the process.");
        }
        Flusher.Stop(); // first: the passes that finish its last windows run on the threads
        foreach (LogWriterThread thread in _threads)
        {
            thread.Stop();
        }
    }
}
