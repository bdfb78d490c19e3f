using System.Globalization;

namespace Omnibus.Core.Engine;

/// <summary>What <see cref="StorageSpace"/> knows: whether new messages are refused, the free bytes last probed, the floor, and why.</summary>
public readonly record struct StorageSpaceState(bool IsFull, long FreeBytes, long FloorBytes, string? Reason);

/// <summary>
/// Whether the volume holding the data directory has room for new messages. Full is a state, not a
/// fault: below the floor (<see cref="BrokerOptions.MinFreeSpaceBytes"/>), or after a write found
/// the disk full, sends are refused with <see cref="MessagingErrorCode.StorageFull"/> while
/// receives, settlements, dead-lettering and deletes go on (the floor leaves them the room); a
/// probe that sees the space back ends it, with no restart. The free space is probed every
/// <see cref="BrokerOptions.FreeSpaceProbeInterval"/>, and sooner when the bytes sent since the
/// last probe would take the volume below the floor, so a burst cannot run far past it between probes.
/// </summary>
public sealed class StorageSpace : IDisposable
{
    private readonly object _lock = new();
    private readonly string _directory;
    private readonly Func<string, long> _probe;
    private readonly ITimer _timer;
    private long _free = long.MaxValue;   // at the last probe; unknown until one succeeds
    private long _addedSinceProbe;        // bytes sends stored since the last probe (an estimate: they may land in preallocated space)
    private volatile bool _full;
    private long? _freeWhenWriteFailed;   // under _lock: a write found the disk full with this much free
    private string? _reason;
    private int _probingEarly;

    internal StorageSpace(string directory, long floorBytes, TimeSpan interval, Func<string, long> probe, TimeProvider clock)
    {
        _directory = directory;
        FloorBytes = floorBytes;
        _probe = probe;
        Probe();
        _timer = clock.CreateTimer(_ => Probe(), null, interval, interval);
    }

    /// <summary>The free bytes the volume must keep (0: no floor).</summary>
    public long FloorBytes { get; }

    /// <summary>True while new messages are refused for want of space.</summary>
    public bool IsFull => _full;

    /// <summary>The current state.</summary>
    public StorageSpaceState State
    {
        get
        {
            lock (_lock)
            {
                return new StorageSpaceState(_full, Volatile.Read(ref _free), FloorBytes, _reason);
            }
        }
    }

    /// <summary>
    /// Raised when the broker starts or stops refusing new messages for want of space, with the new
    /// state. Runs on the thread that noticed (a probe timer or a send): keep handlers short.
    /// </summary>
    public event Action<StorageSpaceState>? Changed;

    /// <summary>The default probe: bytes available to this process on the volume holding <paramref name="directory"/>.</summary>
    public static long ProbeVolume(string directory) => new DriveInfo(directory).AvailableFreeSpace;

    /// <summary>Probes the free space now and updates the state (also run by the timer).</summary>
    public void Probe()
    {
        long free;
        try
        {
            free = _probe(_directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            return; // no figure: keep the state the last probe left
        }
        StorageSpaceState? changed = null;
        lock (_lock)
        {
            Volatile.Write(ref _free, free);
            Interlocked.Exchange(ref _addedSinceProbe, 0);
            if (_freeWhenWriteFailed is long atFailure && free > atFailure && free >= FloorBytes)
            {
                _freeWhenWriteFailed = null; // space was freed since the write failed
            }
            bool belowFloor = FloorBytes > 0 && free < FloorBytes;
            bool full = belowFloor || _freeWhenWriteFailed is not null;
            if (belowFloor)
            {
                _reason = $"{Describe(free)} free on the volume of '{_directory}', below the floor of {Describe(FloorBytes)}.";
            }
            else if (!full)
            {
                _reason = null;
            }
            if (full != _full)
            {
                _full = full;
                changed = new StorageSpaceState(full, free, FloorBytes, _reason);
            }
        }
        if (changed is { } state)
        {
            Changed?.Invoke(state);
        }
    }

    /// <summary>Refuses a send while full.</summary>
    internal void ThrowIfFull(string entityPath)
    {
        if (_full)
        {
            throw Refusal(entityPath);
        }
    }

    /// <summary>The error a send gets while full.</summary>
    internal MessagingException Refusal(string entityPath) =>
        new(MessagingErrorCode.StorageFull, $"The messaging entity '{entityPath}' cannot take new messages: {State.Reason ?? "the disk holding the broker's data is full."} Receiving and settling go on; sends resume once space is freed.");

    /// <summary>
    /// Counts bytes a send is about to store; probes at once when they would take the volume below
    /// the floor by the last probe's figure, instead of waiting for the timer.
    /// </summary>
    internal void Added(long bytes)
    {
        if (FloorBytes == 0 || _full)
        {
            return;
        }
        long added = Interlocked.Add(ref _addedSinceProbe, bytes);
        if (Volatile.Read(ref _free) - added >= FloorBytes || Interlocked.Exchange(ref _probingEarly, 1) != 0)
        {
            return;
        }
        try
        {
            Probe();
        }
        finally
        {
            Volatile.Write(ref _probingEarly, 0);
        }
    }

    /// <summary>
    /// A write found the disk full (ENOSPC): full from now until a probe sees more space than there
    /// is now (and at least the floor). Returns the error the send gets.
    /// </summary>
    internal MessagingException WriteFailed(string entityPath, Exception cause)
    {
        long free;
        try
        {
            free = _probe(_directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            free = 0;
        }
        StorageSpaceState? changed = null;
        lock (_lock)
        {
            Volatile.Write(ref _free, free);
            _freeWhenWriteFailed = free;
            _reason = $"a write found the volume of '{_directory}' full ({Describe(free)} free).";
            if (!_full)
            {
                _full = true;
                changed = new StorageSpaceState(true, free, FloorBytes, _reason);
            }
        }
        if (changed is { } state)
        {
            Changed?.Invoke(state);
        }
        return new MessagingException(MessagingErrorCode.StorageFull,
            $"The messaging entity '{entityPath}' cannot take new messages: {_reason} Nothing acknowledged was lost; receiving and settling go on, sends resume once space is freed.", cause);
    }

    private static string Describe(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB"
        : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";

    /// <summary>Stops probing.</summary>
    public void Dispose() => _timer.Dispose();
}
