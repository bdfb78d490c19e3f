namespace Omnibus.Storage;

/// <summary>
/// Retention for stream-style logs (Kafka topics, RabbitMQ streams): whole segments are deleted
/// from the head once the log holds more than <see cref="MaxBytes"/>, or once every record of a
/// segment is older than <see cref="MaxAge"/>. The active segment is never deleted.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>Keep everything (the default for queues: consumption, not age, frees space).</summary>
    public static RetentionPolicy Unlimited { get; } = new();

    /// <summary>Delete segments whose newest record is older than this.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Delete the oldest segments while the log is larger than this.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>True when neither limit is set.</summary>
    public bool IsUnlimited => MaxAge is null && MaxBytes is null;
}
