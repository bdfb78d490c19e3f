namespace Omnibus.Core.Streams;

/// <summary>
/// A read of one partition: from <see cref="Offset"/>, at most <see cref="MaxBytes"/> of stored
/// records (the first record is returned whole even when larger, as Kafka's Fetch requires) and
/// <see cref="MaxCount"/> records. With <see cref="MaxWait"/> above zero the read waits until
/// <see cref="MinBytes"/> are there or the wait ends, then returns what there is (maybe nothing).
/// </summary>
public sealed record StreamReadRequest
{
    /// <summary>The partition.</summary>
    public int Partition { get; init; }

    /// <summary>The first offset wanted (the earliest offset to the high watermark).</summary>
    public long Offset { get; init; }

    /// <summary>Byte budget of the answer. Default 1 MiB.</summary>
    public int MaxBytes { get; init; } = 1024 * 1024;

    /// <summary>Most records returned. Default 10,000.</summary>
    public int MaxCount { get; init; } = 10_000;

    /// <summary>Bytes to wait for before answering. Default 1 (any record).</summary>
    public int MinBytes { get; init; } = 1;

    /// <summary>Longest wait for <see cref="MinBytes"/>. Default zero (answer at once).</summary>
    public TimeSpan MaxWait { get; init; }

    /// <summary>
    /// Committed records only (a read-committed isolation level): the read stops at the last stable offset and
    /// leaves out the records of aborted transactions; markers are returned, since they say where a
    /// transaction ended. Default false: every record, markers included.
    /// </summary>
    public bool CommittedOnly { get; init; }
}

/// <summary>
/// What a read found: the records, the offset to read from next (past any gaps compaction left,
/// so a reader never loops on them), and the partition's earliest offset and high watermark
/// (the next offset to be written) as seen at the end of the read.
/// </summary>
public sealed record StreamReadResult(IReadOnlyList<StreamEntry> Entries, long NextOffset, long EarliestOffset, long HighWatermark)
{
    /// <summary>
    /// The first offset whose transaction is not decided yet (the high watermark when none is open);
    /// known only for a <see cref="StreamReadRequest.CommittedOnly"/> read, else the high watermark.
    /// </summary>
    public long LastStableOffset { get; init; } = HighWatermark;

    /// <summary>Stored bytes of the records returned.</summary>
    public long Bytes => Entries.Sum(e => (long)e.StoredBytes);
}

/// <summary>The first record at or after a time: its offset and append time.</summary>
public sealed record StreamOffsetAtTime(long Offset, long AppendTimeMs);

/// <summary>A consumer group's committed position in one partition, with the metadata the client stored and when (Unix ms).</summary>
public sealed record CommittedOffset(long Offset, string? Metadata, long CommitTimeMs);

/// <summary>One entry of an offset commit.</summary>
public sealed record OffsetCommit(string Stream, int Partition, long Offset, string? Metadata = null);
