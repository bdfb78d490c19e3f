using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Omnibus.Storage.Format;

namespace Omnibus.Storage;

/// <summary>
/// One segment file of a partition log, named by the sequence number of its first record. Readers
/// hold a reference while they read, so retention can unlink the file at any time and the handle
/// closes when the last reader lets go. The file handle itself is used through short leases
/// (<see cref="UseHandle"/>): once the log hands the segment to a <see cref="FileHandleCache"/>, an
/// unused handle may be closed (idle, or over the cache's budget) and is reopened on the next use,
/// so idle logs hold no file handles.
/// </summary>
internal sealed class Segment
{
    private int _references = 1; // the log's own reference
    private long _visibleLength;
    private long _visibleNextSequence;

    private readonly object _fileLock = new();
    private SafeFileHandle? _handle;   // null while closed for idleness, or after the last release
    private int _handleUsers;          // leases in progress; a handle in use is never closed
    private long _lastUseTimestamp;
    private bool _pinned;              // the file was unlinked or replaced: the handle must stay open
    private bool _released;
    private FileHandleCache? _cache;

    public Segment(string path, long baseSequence, SafeFileHandle handle, SparseIndex index)
    {
        Path = path;
        BaseSequence = baseSequence;
        _handle = handle;
        Index = index;
        _visibleNextSequence = baseSequence;
        NextSequence = baseSequence;
        Length = SegmentHeader.Size;
        _visibleLength = SegmentHeader.Size;
    }

    public string Path { get; }

    public long BaseSequence { get; }

    public SparseIndex Index { get; }

    /// <summary>Bytes written (writer's view).</summary>
    public long Length { get; set; }

    /// <summary>Sequence after the last written record (writer's view).</summary>
    public long NextSequence { get; set; }

    public long FirstTimestampMs { get; set; } = long.MinValue;

    public long LastTimestampMs { get; set; } = long.MinValue;

    private volatile bool _isSealed;

    /// <summary>True once the writer has moved on to a newer segment.</summary>
    public bool IsSealed
    {
        get => _isSealed;
        set => _isSealed = value;
    }

    /// <summary>Bytes readers may read: everything whose append has completed.</summary>
    public long VisibleLength => Volatile.Read(ref _visibleLength);

    /// <summary>Sequence after the last record readers may read.</summary>
    public long VisibleNextSequence => Volatile.Read(ref _visibleNextSequence);

    public long RecordCount => NextSequence - BaseSequence;

    public static string FileName(long baseSequence) => baseSequence.ToString("D20", CultureInfo.InvariantCulture) + ".seg";

    public static string IndexPathFor(string segmentPath) => System.IO.Path.ChangeExtension(segmentPath, ".idx");

    public string IndexPath => IndexPathFor(Path);

    public SegmentSummary Summary => new(Length, NextSequence, FirstTimestampMs, LastTimestampMs);

    /// <summary>Publishes what the writer has made durable (or written, for relaxed policies).</summary>
    public void Publish()
    {
        Volatile.Write(ref _visibleLength, Length);
        Volatile.Write(ref _visibleNextSequence, NextSequence);
    }

    public bool TryAcquire()
    {
        while (true)
        {
            int current = Volatile.Read(ref _references);
            if (current <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            CloseForGood();
        }
    }

    /// <summary>When the handle was last used (<see cref="TimeProvider.GetTimestamp"/> of the cache's clock).</summary>
    public long LastUseTimestamp => Volatile.Read(ref _lastUseTimestamp);

    /// <summary>
    /// Lets <paramref name="cache"/> close this segment's handle while unused. Until then (during
    /// recovery, and for logs used on their own) the handle stays open.
    /// </summary>
    public void AttachTo(FileHandleCache cache)
    {
        bool overBudget;
        lock (_fileLock)
        {
            if (_released || _cache is not null)
            {
                return;
            }
            _cache = cache;
            _lastUseTimestamp = cache.Now;
            overBudget = _handle is not null && cache.Track(this);
        }
        if (overBudget)
        {
            cache.Trim();
        }
    }

    /// <summary>The open file handle for one operation; reopened if it was closed while idle. Dispose the lease when done.</summary>
    public HandleLease UseHandle()
    {
        SafeFileHandle handle;
        bool overBudget = false;
        lock (_fileLock)
        {
            ObjectDisposedException.ThrowIf(_released, this);
            if (_handle is null)
            {
                _handle = OpenFile();
                overBudget = _cache?.Track(this) == true;
            }
            handle = _handle;
            _handleUsers++;
        }
        if (overBudget)
        {
            _cache!.Trim();
        }
        return new HandleLease(this, handle);
    }

    internal void EndUse()
    {
        lock (_fileLock)
        {
            _handleUsers--;
            if (_cache is not null)
            {
                _lastUseTimestamp = _cache.Now;
            }
        }
    }

    /// <summary>Closes the handle if no one uses it and it was last used before <paramref name="cutoff"/>; true if it closed.</summary>
    internal bool TryCloseUnused(long cutoff)
    {
        lock (_fileLock)
        {
            if (_handle is null || _handleUsers > 0 || _pinned || _released || _lastUseTimestamp > cutoff)
            {
                return false;
            }
            _handle.Dispose();
            _handle = null;
            _cache?.Untrack(this);
            return true;
        }
    }

    /// <summary>
    /// Called before the segment's file is unlinked or replaced by another file of the same name,
    /// while the log still holds its reference. If readers are inside, their handle is kept open (a
    /// closed one could no longer be reopened) and true is returned: the caller releases the log's
    /// reference after the unlink as usual. If no one else holds the segment and its handle is
    /// closed, the segment ends here (nothing can acquire it any more) and false is returned: the
    /// caller must not release it again.
    /// </summary>
    public bool RetireBeforeUnlink()
    {
        bool overBudget = false;
        lock (_fileLock)
        {
            if (_handle is null)
            {
                if (Interlocked.CompareExchange(ref _references, 0, 1) == 1)
                {
                    _released = true;
                    return false;
                }
                _handle = OpenFile();
                overBudget = _cache?.Track(this) == true;
            }
            _pinned = true;
        }
        if (overBudget)
        {
            _cache!.Trim();
        }
        return true;
    }

    private void CloseForGood()
    {
        lock (_fileLock)
        {
            _released = true;
            _handle?.Dispose();
            _handle = null;
            _cache?.Untrack(this);
        }
    }

    // Sealed segments are only read; the active one is also written (and trimmed when sealed).
    private SafeFileHandle OpenFile() => IsSealed
        ? File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
        : File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
}

/// <summary>One use of a segment's file handle (see <see cref="Segment.UseHandle"/>).</summary>
internal readonly struct HandleLease : IDisposable
{
    private readonly Segment _segment;

    public HandleLease(Segment segment, SafeFileHandle handle)
    {
        _segment = segment;
        Handle = handle;
    }

    public SafeFileHandle Handle { get; }

    public void Dispose() => _segment.EndUse();
}
