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
}

/// <summary>A record read from a stream: its offset, the broker's append time (Unix ms), its stored size in bytes, and the record.</summary>
public sealed record StreamEntry(long Offset, long AppendTimeMs, int StoredBytes, StreamRecord Record);
