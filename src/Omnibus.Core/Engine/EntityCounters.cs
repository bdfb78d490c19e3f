namespace Omnibus.Core.Engine;

/// <summary>Running totals of one entity, for metrics. Thread-safe.</summary>
public sealed class EntityCounters
{
    private long _sent, _received, _completed, _abandoned, _deadLettered, _expired, _deferred, _transferred;

    public long Sent => Volatile.Read(ref _sent);
    public long Received => Volatile.Read(ref _received);
    public long Completed => Volatile.Read(ref _completed);
    public long Abandoned => Volatile.Read(ref _abandoned);
    public long DeadLettered => Volatile.Read(ref _deadLettered);
    public long Expired => Volatile.Read(ref _expired);
    public long Deferred => Volatile.Read(ref _deferred);
    public long Transferred => Volatile.Read(ref _transferred);

    internal void AddSent(long n) => Interlocked.Add(ref _sent, n);
    internal void AddReceived(long n) => Interlocked.Add(ref _received, n);
    internal void AddCompleted(long n) => Interlocked.Add(ref _completed, n);
    internal void AddAbandoned() => Interlocked.Increment(ref _abandoned);
    internal void AddDeadLettered() => Interlocked.Increment(ref _deadLettered);
    internal void AddExpired() => Interlocked.Increment(ref _expired);
    internal void AddDeferred() => Interlocked.Increment(ref _deferred);
    internal void AddTransferred(long n) => Interlocked.Add(ref _transferred, n);
}

/// <summary>Point-in-time message counts of a queue or subscription (Service Bus runtime properties).</summary>
public sealed record EntityRuntimeInfo(
    string Path,
    long ActiveMessageCount,
    long ScheduledMessageCount,
    long DeferredMessageCount,
    long DeadLetterMessageCount,
    long TransferMessageCount,
    long SizeInBytes,
    long LockedMessageCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset AccessedAt,
    EntityCounters Totals);
