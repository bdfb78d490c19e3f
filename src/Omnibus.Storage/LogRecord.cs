namespace Omnibus.Storage;

/// <summary>
/// A record as read by <see cref="LogReader"/>. <see cref="Body"/> points into the reader's buffer
/// and is valid until the reader's next call; copy it to keep it.
/// </summary>
public readonly record struct LogRecord(long Sequence, long TimestampMs, ReadOnlyMemory<byte> Body);

/// <summary>A record with its own copy of the body.</summary>
public sealed record StoredRecord(long Sequence, long TimestampMs, byte[] Body);

/// <summary>A description of one segment, for operations and tests.</summary>
public sealed record SegmentInfo(string Path, long BaseSequence, long NextSequence, long Length, bool IsSealed, long FirstTimestampMs, long LastTimestampMs);
