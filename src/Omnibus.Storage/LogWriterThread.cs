using System.Diagnostics;

namespace Omnibus.Storage;

/// <summary>
/// One thread of a <see cref="LogWriterPool"/>: runs writer passes for the logs bound to it, in
/// the order they asked, and wakes logs that asked for a pass at a later time (lazy records,
/// interval flushes). A log asks by <see cref="Schedule"/> while holding its own append lock;
/// this thread never takes a log's lock while holding its own, so the order is always log, then
/// thread.
/// </summary>
internal sealed class LogWriterThread
{
    private readonly object _lock = new();
    private readonly Queue<PartitionLog> _ready = new();
    private readonly PriorityQueue<PartitionLog, long> _timed = new();
    private readonly Thread _thread;
    private bool _stopping;
    private long _flushCount;

    public LogWriterThread(int index)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = $"omnibus-log-writer-{index}" };
        _thread.Start();
    }

    /// <summary>True when called on this writer thread.</summary>
    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    public long FlushCount => Interlocked.Read(ref _flushCount);

    public void CountFlush() => Interlocked.Increment(ref _flushCount);

    /// <summary>Asks for a writer pass of <paramref name="log"/> as soon as possible.</summary>
    public void Schedule(PartitionLog log)
    {
        lock (_lock)
        {
            if (log.QueuedOnWriter)
            {
                return;
            }
            log.QueuedOnWriter = true;
            _ready.Enqueue(log);
            Monitor.Pulse(_lock);
        }
    }

    public void Stop()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.Pulse(_lock);
        }
        _thread.Join();
    }

    /// <summary>Drops a closed log's pending wake-ups, so the thread holds no reference to it.</summary>
    public void Forget(PartitionLog log)
    {
        lock (_lock)
        {
            while (_timed.Remove(log, out _, out _))
            {
            }
        }
    }

    private void Run()
    {
        while (RunOne())
        {
        }
    }

    // Separate so that no stack slot of the loop keeps the last log alive while the thread waits.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool RunOne()
    {
        PartitionLog? log = Next();
        if (log is null)
        {
            return false;
        }
        long? due = log.RunWriterPass();
        if (due is long at)
        {
            lock (_lock)
            {
                // A stale entry only costs a pass that finds nothing due yet.
                _timed.Enqueue(log, at);
            }
        }
        return true;
    }

    private PartitionLog? Next()
    {
        lock (_lock)
        {
            while (true)
            {
                if (_ready.TryDequeue(out PartitionLog? ready))
                {
                    ready.QueuedOnWriter = false;
                    return ready;
                }
                if (_timed.TryPeek(out PartitionLog? timed, out long due))
                {
                    long now = Stopwatch.GetTimestamp();
                    if (due <= now)
                    {
                        _timed.Dequeue();
                        return timed;
                    }
                    if (_stopping)
                    {
                        return null;
                    }
                    Monitor.Wait(_lock, Stopwatch.GetElapsedTime(now, due) + TimeSpan.FromMilliseconds(1));
                    continue;
                }
                if (_stopping)
                {
                    return null;
                }
                Monitor.Wait(_lock);
            }
        }
    }
}
