using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Omnibus.Storage.Format;

namespace Omnibus.Storage;

/// <summary>
/// One segment file of a partition log, named by the sequence number of its first record. Readers
/// hold a reference while they read, so retention can unlink the file at any time and the handle
/// closes when the last reader lets go.
/// </summary>
internal sealed class Segment
{
    private int _references = 1; // the log's own reference
    private long _visibleLength;
    private long _visibleNextSequence;

    public Segment(string path, long baseSequence, SafeFileHandle handle, SparseIndex index)
    {
        Path = path;
        BaseSequence = baseSequence;
        Handle = handle;
        Index = index;
        _visibleNextSequence = baseSequence;
        NextSequence = baseSequence;
        Length = SegmentHeader.Size;
        _visibleLength = SegmentHeader.Size;
    }

    public string Path { get; }

    public long BaseSequence { get; }

    public SafeFileHandle Handle { get; }

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
            Handle.Dispose();
        }
    }
}
