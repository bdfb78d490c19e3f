namespace Omnibus.Core.Streams;

/// <summary>
/// A stream: a partitioned log read by offset (Kafka topics, RabbitMQ streams). Nothing per
/// message is kept for its readers; consumer groups keep one committed offset per partition.
/// </summary>
public sealed record StreamDefinition
{
    /// <summary>Most partitions a stream may have.</summary>
    public const int MaxPartitions = 10_000;

    /// <summary>The name: case-sensitive, letters, digits, '.', '-', '_'.</summary>
    public required string Name { get; init; }

    /// <summary>Partitions; can grow at run time, never shrink. Default 1.</summary>
    public int PartitionCount { get; init; } = 1;

    /// <summary>Whole segments whose newest record is older than this are deleted. Null keeps them.</summary>
    public TimeSpan? RetentionAge { get; init; }

    /// <summary>The oldest segments of a partition are deleted while it is larger than this. Null keeps them.</summary>
    public long? RetentionBytesPerPartition { get; init; }

    /// <summary>Keep only the latest record per key (records need a key); a record without a value is a tombstone.</summary>
    public bool Compacted { get; init; }

    /// <summary>How long a tombstone is kept once compaction has removed what it deletes. Default one day.</summary>
    public TimeSpan DeleteRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Segment size of the partitions; null takes the broker's.</summary>
    public long? SegmentBytes { get; init; }

    /// <summary>
    /// Settings a front-end keeps with the stream (for example a topic's configuration, as the client gave it), stored and
    /// restored with the definition; the core does not read them. Null when there are none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>
    /// Per partition, the offset below which records are deleted on request (a client's delete-records request,
    /// <see cref="StreamRegistry.DeleteRecordsBefore"/>): the partition starts there for every
    /// reader, and the sweep frees the whole segments below it. Only that call moves it; an
    /// <see cref="StreamRegistry.Update"/> keeps it. Null when nothing was deleted so.
    /// </summary>
    public IReadOnlyDictionary<int, long>? DeletedBefore { get; init; }

    /// <summary>Throws <see cref="MessagingException"/> (InvalidArgument) naming the first bad setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > 249 || Name is "." or "..")
        {
            throw Invalid($"A stream name must be 1 to 249 characters and not '.' or '..'.");
        }
        foreach (char c in Name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                throw Invalid($"The stream name '{Name}' contains '{c}'; allowed are letters, digits, '.', '-', '_'.");
            }
        }
        if (PartitionCount is < 1 or > MaxPartitions)
        {
            throw Invalid($"A stream has 1 to {MaxPartitions} partitions, not {PartitionCount}.");
        }
        if (RetentionAge <= TimeSpan.Zero || RetentionBytesPerPartition <= 0 || DeleteRetention < TimeSpan.Zero)
        {
            throw Invalid("Retention limits must be positive.");
        }
        if (SegmentBytes < Storage.LogOptions.MinSegmentSize)
        {
            throw Invalid($"SegmentBytes must be at least {Storage.LogOptions.MinSegmentSize}.");
        }
    }

    private static MessagingException Invalid(string message) => new(MessagingErrorCode.InvalidArgument, message);
}
