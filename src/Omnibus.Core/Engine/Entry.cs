namespace Omnibus.Core.Engine;

/// <summary>Where an unsettled message is in its life inside one receivable.</summary>
internal enum EntryState : byte
{
    Available,
    Locked,
    Deferred,
    Scheduled,

    /// <summary>Being expired or dead-lettered: in nobody's hands, about to leave.</summary>
    Leaving,
}

/// <summary>
/// The in-memory record of one unsettled message in one receivable: positions and times only,
/// never the body (about 100 bytes; one million queued messages hold ~100 MiB here).
/// </summary>
internal sealed class Entry
{
    public long Sequence;
    public int Partition;
    public long EnqueuedTicks;
    public long ExpiresTicks;
    public long ScheduledTicks;
    public int Size;
    public string? SessionId;
    public EntryState State;

    /// <summary>The priority receives order by: the message's own, capped at the queue's maximum; 0 on a queue without priorities.</summary>
    public byte Priority;
    public Guid LockToken;
    public long LockedUntilTicks;
    public long LockedAtTicks;
    public int DeliveryCount;

    /// <summary>Properties changed by abandon / defer / dead-letter calls, applied when the message is read.</summary>
    public Dictionary<string, object?>? Overrides;

    /// <summary>The session lock the entry was delivered under, for settlement checks.</summary>
    public Guid SessionLockToken;

    /// <summary>Received by sequence number from the deferred messages: released (abandoned, lock expired), it is deferred again.</summary>
    public bool ReturnsToDeferred;

    /// <summary>Removed from the index but its settlement not yet durable: its group stays held until it is.</summary>
    public bool SettlePending;
}

/// <summary>A receiver's lock on one session of a session-enabled queue or subscription.</summary>
public sealed record SessionLock(string SessionId, Guid LockToken, DateTimeOffset LockedUntil);

/// <summary>How a receive takes messages.</summary>
public enum ReceiveMode
{
    /// <summary>Lock the message; the receiver settles it (complete, abandon, dead-letter, defer).</summary>
    PeekLock,

    /// <summary>Remove the message as it is handed out (at-most-once).</summary>
    ReceiveAndDelete,
}
