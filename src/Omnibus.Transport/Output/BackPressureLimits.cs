namespace Omnibus.Transport.Output;

/// <summary>
/// The water marks of a <see cref="BackPressuredWriter"/>: how much written output the socket may
/// leave untaken before producers wait, resume, or the read loop pauses.
/// </summary>
public sealed record BackPressureLimits
{
    /// <summary>The defaults: a few 64 KiB messages before data waits, a few MB before reads pause.</summary>
    public static BackPressureLimits Default { get; } = new();

    /// <summary>Backlog above which data (deliveries) waits: about a millisecond of a fast socket.</summary>
    public long DataHighWater { get; init; } = 256 * 1024;

    /// <summary>Backlog at which waiting data resumes.</summary>
    public long DataLowWater { get; init; } = 64 * 1024;

    /// <summary>Backlog above which the read loop pauses: a peer asking for answers it never reads.</summary>
    public long ReadPauseLimit { get; init; } = 4 * 1024 * 1024;

    /// <summary>Throws when the marks are not ordered low ≤ high ≤ read pause.</summary>
    public void Validate()
    {
        if (DataLowWater < 0 || DataLowWater > DataHighWater || DataHighWater > ReadPauseLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(DataHighWater), "Back-pressure limits must satisfy 0 <= DataLowWater <= DataHighWater <= ReadPauseLimit.");
        }
    }
}
