namespace Omnibus.Storage;

/// <summary>Options of one partition log. Defaults are the documented ones (docs/storage.md).</summary>
public sealed record LogOptions
{
    /// <summary>Smallest allowed segment size.</summary>
    public const long MinSegmentSize = 4096;

    /// <summary>A segment is sealed and a new one started once it reaches this size. Default 64 MiB.</summary>
    public long SegmentSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest record body accepted. Default 16 MiB.</summary>
    public int MaxRecordSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>One sparse index entry per this many bytes of segment. Default 64 KiB (1,024 entries per 64 MiB segment).</summary>
    public int IndexInterval { get; init; } = 64 * 1024;

    /// <summary>How appends become durable. Default <see cref="DurabilityPolicy.Always"/>.</summary>
    public DurabilityPolicy Durability { get; init; } = DurabilityPolicy.Always;

    /// <summary>Deletion of old segments for stream-style logs. Default unlimited.</summary>
    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Unlimited;

    /// <summary>
    /// Prepare the next segment of a busy log (one that has filled a segment) as a zero-filled file
    /// ahead of time, so appends overwrite existing blocks and each fdatasync is cheaper. Default true.
    /// </summary>
    public bool PreallocateSegments { get; init; } = true;

    /// <summary>Verify every record's CRC when reading. Default true.</summary>
    public bool VerifyChecksumsOnRead { get; init; } = true;

    /// <summary>
    /// Bytes of the most recently appended records to keep in memory (copies, in one ring buffer
    /// allocated at the first append) for <see cref="PartitionLog.ReadMany"/>, so a consumer keeping
    /// up never touches the file. Default 0 (off).
    /// </summary>
    public long RecentRecordsCacheBytes { get; init; }

    /// <summary>Writer threads that write and flush the log. Default null: <see cref="LogWriterPool.Shared"/>.</summary>
    public LogWriterPool? WriterPool { get; init; }

    /// <summary>
    /// Under <see cref="DurabilityPolicy.Always"/>, make appends durable in the commit windows of the
    /// pool's shared flusher (one fdatasync or syncfs for every log written at the time) when the
    /// pool shares flushes (<see cref="LogWriterPool.SharedFlush"/>). False: the log fdatasyncs its
    /// own file in every writer pass. Default true.
    /// </summary>
    public bool SharedFlush { get; init; } = true;

    /// <summary>
    /// Closes segment file handles the log is not using (idle, or over a budget shared with other
    /// logs) and reopens them on use. Default null: <see cref="FileHandleCache.Shared"/>.
    /// </summary>
    public FileHandleCache? FileHandles { get; init; }

    /// <summary>Source of record timestamps and retention age.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (SegmentSize < MinSegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSize), SegmentSize, $"SegmentSize must be at least {MinSegmentSize} bytes.");
        }
        if (MaxRecordSize is < 1 or > 1024 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRecordSize), MaxRecordSize, "MaxRecordSize must be between 1 byte and 1 GiB.");
        }
        if (IndexInterval is < 512 or > 64 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(IndexInterval), IndexInterval, "IndexInterval must be between 512 bytes and 64 MiB.");
        }
        if (Retention.MaxBytes is < 0 || Retention.MaxAge < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Retention), Retention, "Retention limits must not be negative.");
        }
        if (RecentRecordsCacheBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RecentRecordsCacheBytes), RecentRecordsCacheBytes, "RecentRecordsCacheBytes must not be negative.");
        }
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
