namespace Omnibus.Storage;

/// <summary>
/// An append-only partition log: dense 64-bit sequence numbers from 0, records grouped into
/// segments that retention deletes and compaction rewrites whole. Two implementations: the file
/// log (<see cref="PartitionLog"/>, durable) and the memory log (<see cref="Memory.MemoryPartitionLog"/>,
/// gone with the process). Both pass the same storage test suite; callers never need to know which
/// one they hold. Opened through an <see cref="ILogStore"/>.
/// </summary>
public interface IPartitionLog : IDisposable, IAsyncDisposable
{
    /// <summary>The log's location: a directory for the file log, a key for the memory log.</summary>
    string Directory { get; }

    /// <summary>The options the log was opened with.</summary>
    LogOptions Options { get; }

    /// <summary>What opening the log found and repaired (nothing, for the memory log).</summary>
    RecoveryReport Recovery { get; }

    /// <summary>The oldest sequence number still stored (segments before it were deleted).</summary>
    long FirstSequence { get; }

    /// <summary>The sequence number the next acknowledged record becomes visible at; readers see everything below it.</summary>
    long NextSequence { get; }

    /// <summary>Bytes the log's segments hold, headers included.</summary>
    long SizeInBytes { get; }

    /// <summary>The segments, oldest first.</summary>
    IReadOnlyList<SegmentInfo> Segments { get; }

    /// <summary>Appends one record; completes with its sequence number once durable under the log's policy.</summary>
    Task<long> AppendAsync(ReadOnlyMemory<byte> body);

    /// <summary>
    /// Appends records atomically (after a crash all of them are there or none), stamped with the
    /// log's clock; completes with the first one's sequence number once durable. With
    /// <paramref name="urgent"/> false the records may wait briefly for company (see
    /// <see cref="PartitionLog.LazyWriteDelay"/>), for records nobody waits for.
    /// </summary>
    Task<long> AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> bodies, bool urgent = true);

    /// <summary>
    /// Appends records that already have their sequence numbers and timestamps (a follower copying
    /// a leader's log): <paramref name="records"/> must be dense and start at <see cref="NextSequence"/>
    /// counting what is still being written, else <see cref="LogOffsetMismatchException"/> says which
    /// sequence the log expected. Atomic and durable as <see cref="AppendBatchAsync"/>.
    /// </summary>
    Task<long> AppendAtAsync(IReadOnlyList<LogRecord> records);

    /// <summary>Opens a reader positioned at <paramref name="fromSequence"/> (not below <see cref="FirstSequence"/>).</summary>
    ILogReader OpenReader(long fromSequence);

    /// <summary>Reads up to <paramref name="maxCount"/> records from <paramref name="fromSequence"/>, copying their bodies.</summary>
    IReadOnlyList<StoredRecord> Read(long fromSequence, int maxCount);

    /// <summary>Reads one record, or null when it does not exist (deleted or not yet appended).</summary>
    StoredRecord? ReadOne(long sequence);

    /// <summary>Reads the records with the given sequence numbers; null where one does not exist.</summary>
    IReadOnlyList<StoredRecord?> ReadMany(IReadOnlyList<long> sequences);

    /// <summary>The first record appended at or after <paramref name="timestampMs"/> (Unix ms), or <see cref="NextSequence"/>.</summary>
    long FindSequenceAtOrAfterTime(long timestampMs);

    /// <summary>Deletes every sealed segment all of whose records are below <paramref name="sequence"/>; returns how many.</summary>
    int DeleteSegmentsBefore(long sequence);

    /// <summary>Applies the log's <see cref="RetentionPolicy"/> to whole sealed segments; returns how many were deleted.</summary>
    int EnforceRetention();

    /// <summary>
    /// Empties the body of every record of the sealed segment starting at <paramref name="baseSequence"/>
    /// for which <paramref name="keepBody"/> is false; sequences and times stay. Returns the bytes freed.
    /// </summary>
    long CompactSegment(long baseSequence, Func<LogRecord, bool> keepBody);

    /// <summary>Makes everything already written durable, whatever the policy.</summary>
    void FlushToDisk();
}
