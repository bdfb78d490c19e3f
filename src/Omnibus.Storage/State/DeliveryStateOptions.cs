namespace Omnibus.Storage.State;

/// <summary>Options of a delivery-state store.</summary>
public sealed record DeliveryStateOptions
{
    /// <summary>Write a checkpoint after this many change records. Default 10,000.</summary>
    public int CheckpointEvery { get; init; } = 10_000;

    /// <summary>Segment size of the change log. Default 4 MiB.</summary>
    public long ChangeLogSegmentSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Durability of state changes. Default <see cref="DurabilityPolicy.Always"/>.</summary>
    public DurabilityPolicy Durability { get; init; } = DurabilityPolicy.Always;

    /// <summary>Where a new subscription's floor starts (a subscription created on a live topic starts at its end).</summary>
    public long InitialFloor { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (CheckpointEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "CheckpointEvery must be at least 1.");
        }
        if (ChangeLogSegmentSize < LogOptions.MinSegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ChangeLogSegmentSize), ChangeLogSegmentSize, $"ChangeLogSegmentSize must be at least {LogOptions.MinSegmentSize}.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(InitialFloor);
    }
}
