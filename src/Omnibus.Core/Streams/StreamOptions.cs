using Omnibus.Storage;

namespace Omnibus.Core.Streams;

/// <summary>Options of a namespace's streams; the broker fills them from its own (docs/core.md, Streams).</summary>
public sealed record StreamOptions
{
    /// <summary>The namespace's data directory; streams live under <c>streams/</c> in it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Clock for append times, retention, tombstone retention and long-poll waits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the stream logs and the offset store live (see <see cref="Engine.BrokerOptions.Store"/>).</summary>
    public Storage.ILogStore Store { get; init; } = Storage.FileLogStore.Instance;

    /// <summary>Durability of stream partitions and of committed group offsets. Default <c>always</c>.</summary>
    public DurabilityPolicy Durability { get; init; } = DurabilityPolicy.Always;

    /// <summary>Default segment size of a partition. Default 64 MiB.</summary>
    public long SegmentSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest stored record. Default 16 MiB.</summary>
    public int MaxRecordBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How often retention and compaction run. Default 10 seconds.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Commit records after which the group offsets are snapshotted and their log trimmed. Default 10,000.</summary>
    public int OffsetSnapshotEvery { get; init; } = 10_000;

    /// <summary>The broker's free-space state: appends are refused while it is full (null: never refused).</summary>
    internal Engine.StorageSpace? Space { get; init; }
}
