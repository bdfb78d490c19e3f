using Omnibus.Core.Matching;
using Omnibus.Core.Security;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>Options of the core engine. Defaults are documented in docs/core.md.</summary>
public sealed record BrokerOptions
{
    /// <summary>Where everything is stored. Default <c>./data</c>.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>
    /// Where the logs and catalogs live: <see cref="FileLogStore.Instance"/> (the default, durable,
    /// under <see cref="DataDirectory"/>) or a <see cref="Storage.Memory.MemoryLogStore"/> (nothing on
    /// disk; a broker reopened on the same instance finds its entities and messages, a new instance is empty).
    /// </summary>
    public ILogStore Store { get; init; } = FileLogStore.Instance;

    /// <summary>Clock for locks, TTL, schedules and duplicate-detection windows.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Durability of message logs and delivery state. Default <c>always</c>.</summary>
    public DurabilityPolicy Durability { get; init; } = DurabilityPolicy.Always;

    /// <summary>Segment size of message logs. Default 64 MiB.</summary>
    public long SegmentSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>How often lock expiry, schedules, TTL and idle entities are checked. Default 100 ms.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Bytes of recently sent messages each partition keeps in memory, so receivers that keep up
    /// are served without reading the log file. Default 4 MiB; 0 turns it off.
    /// </summary>
    public long RecentMessagesCacheBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>
    /// Compiles subscription rules. The default knows only true/false filters; the host plugs in a
    /// rule language (the Service Bus SQL and correlation filters: Omnibus.ServiceBus).
    /// </summary>
    public IRuleCompiler RuleCompiler { get; init; } = TrueFalseRuleCompiler.Instance;

    /// <summary>
    /// Exchange types besides the built-in direct, fanout, topic, headers and rules (SNS filter
    /// policies, say). Default none.
    /// </summary>
    public IReadOnlyList<Routing.IExchangeType> ExchangeTypes { get; init; } = [];

    /// <summary>Decides what each caller may do on each entity; the default allows everything.</summary>
    public IAuthorizationHook Authorization { get; init; } = AllowAllAuthorization.Instance;

    /// <summary>
    /// Free bytes the volume holding the data directory must keep: below it new messages are
    /// refused with <see cref="MessagingErrorCode.StorageFull"/>, so settlements, dead-lettering
    /// and the delivery state still find room. Default 64 MiB; 0 turns the floor off (a write that
    /// finds the disk full still refuses sends until a probe sees space again).
    /// </summary>
    public long MinFreeSpaceBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How often the free space is probed (sooner when the bytes sent since the last probe reach the floor). Default 1 s.</summary>
    public TimeSpan FreeSpaceProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gives the free bytes of the volume holding a directory (the data directory). Default: the
    /// space available to the process (<see cref="DriveInfo.AvailableFreeSpace"/>, statvfs on Linux).
    /// Tests inject their own.
    /// </summary>
    public Func<string, long> FreeSpaceProbe { get; init; } = StorageSpace.ProbeVolume;

    /// <summary>Validates the options, naming the first bad setting.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(DataDirectory, nameof(DataDirectory));
        ArgumentNullException.ThrowIfNull(Store, nameof(Store));
        if (SweepInterval <= TimeSpan.Zero || SweepInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(SweepInterval), SweepInterval, "SweepInterval must be between 1 ms and 1 minute.");
        }
        if (SegmentSize < LogOptions.MinSegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSize), SegmentSize, $"SegmentSize must be at least {LogOptions.MinSegmentSize} bytes.");
        }
        if (MinFreeSpaceBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinFreeSpaceBytes), MinFreeSpaceBytes, "MinFreeSpaceBytes must not be negative (0 turns the floor off).");
        }
        if (FreeSpaceProbeInterval <= TimeSpan.Zero || FreeSpaceProbeInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(FreeSpaceProbeInterval), FreeSpaceProbeInterval, "FreeSpaceProbeInterval must be between 1 ms and 1 minute.");
        }
        ArgumentNullException.ThrowIfNull(FreeSpaceProbe, nameof(FreeSpaceProbe));
    }
}
