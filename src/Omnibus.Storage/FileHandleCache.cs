using System.Collections.Concurrent;

namespace Omnibus.Storage;

/// <summary>
/// Bounds the segment file handles kept open by the logs that share it, so the number of open files
/// does not grow with the number of logs: a handle unused for <see cref="IdleTimeout"/> is closed,
/// and when more than <see cref="MaxOpen"/> are open the least recently used unused ones are closed
/// at once. A closed handle is reopened on its segment's next use. Handles in use, and those of
/// segments whose file was already unlinked, are never closed (so the budget can be exceeded by
/// them, never by idle ones).
/// </summary>
public sealed class FileHandleCache : IDisposable
{
    /// <summary>Default budget of open segment handles.</summary>
    public const int DefaultMaxOpen = 4096;

    /// <summary>Default time after which an unused handle is closed.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(30);

    private static readonly object SharedLock = new();
    private static FileHandleCache? _shared;

    private readonly ConcurrentDictionary<Segment, byte> _open = new(ReferenceEqualityComparer.Instance);
    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private readonly long _idleTicks;
    private int _openCount;
    private int _trimming;
    private long _closedCount;

    /// <param name="maxOpen">Open handles above which the least recently used unused ones are closed.</param>
    /// <param name="idleTimeout">Unused this long, a handle is closed; <see cref="Timeout.InfiniteTimeSpan"/> to close only over budget.</param>
    /// <param name="timeProvider">The clock for idleness and the sweep timer.</param>
    public FileHandleCache(int maxOpen, TimeSpan idleTimeout, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOpen, 1);
        if (idleTimeout <= TimeSpan.Zero && idleTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(idleTimeout), idleTimeout, "The idle timeout must be positive or infinite.");
        }
        MaxOpen = maxOpen;
        IdleTimeout = idleTimeout;
        _time = timeProvider ?? TimeProvider.System;
        if (idleTimeout != Timeout.InfiniteTimeSpan)
        {
            _idleTicks = (long)(idleTimeout.TotalSeconds * _time.TimestampFrequency);
            TimeSpan sweep = idleTimeout / 2;
            _timer = _time.CreateTimer(_ => CloseIdle(), null, sweep, sweep);
        }
    }

    /// <summary>The cache logs use unless <see cref="LogOptions.FileHandles"/> names another.</summary>
    public static FileHandleCache Shared
    {
        get
        {
            lock (SharedLock)
            {
                return _shared ??= new FileHandleCache(DefaultMaxOpen, DefaultIdleTimeout);
            }
        }
    }

    /// <summary>
    /// Sets the budget and idle timeout of <see cref="Shared"/> (the host does this from its settings
    /// at start-up). Once a log has used it, asking for the settings it has already is a no-op and
    /// asking for others throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static void ConfigureShared(int maxOpen, TimeSpan idleTimeout)
    {
        lock (SharedLock)
        {
            if (_shared is not null)
            {
                if (_shared.MaxOpen == maxOpen && _shared.IdleTimeout == idleTimeout)
                {
                    return;
                }
                throw new InvalidOperationException("The shared file handle cache is already in use with other settings; configure it before the first log opens.");
            }
            _shared = new FileHandleCache(maxOpen, idleTimeout);
        }
    }

    /// <summary>Open handles above which unused ones are closed.</summary>
    public int MaxOpen { get; }

    /// <summary>Unused this long, a handle is closed.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Segment handles open now.</summary>
    public int OpenCount => Volatile.Read(ref _openCount);

    /// <summary>Handles closed so far for idleness or the budget (each reopened on its next use).</summary>
    public long ClosedCount => Interlocked.Read(ref _closedCount);

    internal long Now => _time.GetTimestamp();

    /// <summary>Closes every unused handle idle for at least <see cref="IdleTimeout"/>; returns how many closed.</summary>
    public int CloseIdle() => _idleTicks == 0 ? 0 : CloseUnused(Now - _idleTicks, int.MaxValue);

    // Track and Untrack are called under the segment's file lock, so the set always matches the
    // segments whose handle is open; Trim is called after that lock is left.
    internal bool Track(Segment segment) => _open.TryAdd(segment, 0) && Interlocked.Increment(ref _openCount) > MaxOpen;

    internal void Untrack(Segment segment)
    {
        if (_open.TryRemove(segment, out _))
        {
            Interlocked.Decrement(ref _openCount);
        }
    }

    // Over budget: close the least recently used unused handles down to seven eighths of it, so the
    // next opens do not trim again one by one.
    internal void Trim()
    {
        if (Interlocked.Exchange(ref _trimming, 1) == 1)
        {
            return;
        }
        try
        {
            int excess = OpenCount - MaxOpen / 8 * 7;
            if (excess > 0)
            {
                CloseUnused(long.MaxValue, excess);
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    private int CloseUnused(long cutoff, int atMost)
    {
        var candidates = new List<(Segment Segment, long LastUse)>();
        foreach (Segment segment in _open.Keys)
        {
            long lastUse = segment.LastUseTimestamp;
            if (lastUse <= cutoff)
            {
                candidates.Add((segment, lastUse));
            }
        }
        candidates.Sort((a, b) => a.LastUse.CompareTo(b.LastUse));
        int closed = 0;
        foreach ((Segment segment, _) in candidates)
        {
            if (closed >= atMost)
            {
                break;
            }
            if (segment.TryCloseUnused(cutoff))
            {
                closed++;
            }
        }
        Interlocked.Add(ref _closedCount, closed);
        return closed;
    }

    /// <summary>Stops the idle sweep (open handles stay with their logs).</summary>
    public void Dispose() => _timer?.Dispose();
}
