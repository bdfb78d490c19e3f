namespace Omnibus.Core.Streams;

/// <summary>One header of a stream record: a name and bytes (or none). Order and repeats are kept.</summary>
public sealed record StreamHeader(string Name, byte[]? Value);

/// <summary>
/// What a producer appends to a stream: a key, a value (none = a tombstone on a compacted stream),
/// the producer's timestamp (Unix milliseconds) kept apart from the broker's append time, and headers.
/// </summary>
public sealed record StreamRecord
{
    /// <summary>The key (compaction and partitioning use it); null for none.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The value; null is a tombstone.</summary>
    public byte[]? Value { get; init; }

    /// <summary>The producer's timestamp, Unix milliseconds; null when it gave none.</summary>
    public long? Timestamp { get; init; }

    /// <summary>Headers, in order.</summary>
    public IReadOnlyList<StreamHeader> Headers { get; init; } = [];

    /// <summary>
    /// The producer transaction the record belongs to; null for a record outside any transaction.
    /// Such a record is not committed until a marker of the same producer follows it in its partition.
    /// </summary>
    public StreamTransaction? Transaction { get; init; }

    /// <summary>
    /// When set, the record carries no data: it ends <see cref="Transaction"/> in its partition,
    /// committing or aborting that producer's records since its previous marker.
    /// </summary>
    public StreamTransactionOutcome? Marker { get; init; }
}

/// <summary>A producer's transaction as a stream knows it: the producer's id and epoch.</summary>
public sealed record StreamTransaction(long ProducerId, short ProducerEpoch);

/// <summary>How a transaction ended in a partition.</summary>
public enum StreamTransactionOutcome : byte
{
    /// <summary>The transaction's records are committed.</summary>
    Committed = 1,

    /// <summary>The transaction's records are aborted: committed readers never see them.</summary>
    Aborted = 2,
}

/// <summary>A record read from a stream: its offset, the broker's append time (Unix ms), its stored size in bytes, and the record.</summary>
public sealed record StreamEntry(long Offset, long AppendTimeMs, int StoredBytes, StreamRecord Record);
