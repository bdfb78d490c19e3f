namespace Omnibus.Amqp.Listener;

/// <summary>
/// Settings of the AMQP 1.0 listener, validated when the listener is registered. Defaults are
/// the Service Bus emulator's, so its connection string works unchanged.
/// </summary>
public sealed class AmqpListenerOptions
{
    /// <summary>The smallest max-frame-size AMQP allows (spec part 2, 2.7.1).</summary>
    public const uint MinimumMaxFrameSize = 512;

    /// <summary>Largest frame this side accepts (announced in open). 64 KiB, what the .NET SDK uses.</summary>
    public uint MaxFrameSize { get; set; } = 64 * 1024;

    /// <summary>Upper bound on one delivery's size; a link announces the smaller of this and its entity's limit.</summary>
    public ulong MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Idle time-out announced in open. The connection is closed when the peer sends nothing for
    /// twice this long (one missed heartbeat is tolerated). The .NET SDK refuses values below 5 s.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Container id announced in open.</summary>
    public string ContainerId { get; set; } = "omnibus";

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxFrameSize < MinimumMaxFrameSize)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), MaxFrameSize, $"MaxFrameSize must be at least {MinimumMaxFrameSize}.");
        }
        if (MaxMessageSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "MaxMessageSize must be at least 1024 bytes.");
        }
        if (IdleTimeout < TimeSpan.FromSeconds(5) || IdleTimeout.TotalMilliseconds > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "IdleTimeout must be at least 5 seconds (the .NET SDK refuses less).");
        }
        if (string.IsNullOrWhiteSpace(ContainerId))
        {
            throw new ArgumentException("ContainerId must not be empty.", nameof(ContainerId));
        }
    }
}
