namespace Omnibus.Core.Engine;

/// <summary>The delivery settings of a queue, subscription or dead-letter queue (changed by updates).</summary>
internal sealed record ReceivableSettings
{
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxDeliveryCount { get; init; } = 10;
    public bool DeadLetteringOnMessageExpiration { get; init; }
    public bool RequiresSession { get; init; }

    /// <summary>Messages sharing a group id (their session id) go out one at a time, in order, without a session accept; ignored when <see cref="RequiresSession"/>.</summary>
    public bool MessageGroups { get; init; }

    /// <summary>The highest message priority receives order by (0: none, sequence order only); fixed when the entity is created.</summary>
    public byte MaxPriority { get; init; }
    public Entities.EntityStatus Status { get; init; } = Entities.EntityStatus.Active;

    /// <summary>Length limits on ready messages outside sessions (null: none), and what a send past them does.</summary>
    public long? MaxLength { get; init; }
    public long? MaxLengthBytes { get; init; }
    public Entities.QueueOverflow Overflow { get; init; }

    /// <summary>Messages pushed out or refused at the length limit are dead-lettered (else dropped).</summary>
    public bool DeadLetterOverflow { get; init; }

    public bool HasLengthLimit => MaxLength is not null || MaxLengthBytes is not null;
}
