namespace Omnibus.Core.Messages;

/// <summary>
/// What the broker needs of a stored message without reading its properties or body: enough to
/// build a subscription's in-memory index on start-up.
/// </summary>
internal readonly record struct StoredMessageHeader(
    bool RoutesAll,
    int[]? Routes,
    long EnqueuedTicks,
    string? MessageId,
    string? SessionId,
    string? PartitionKey,
    long TimeToLiveTicks,
    long ScheduledTicks,
    int BodyLength,
    byte? Priority = null)
{
    public bool IsRoutedTo(int subscriptionId) => RoutesAll || (Routes is not null && Array.IndexOf(Routes, subscriptionId) >= 0);

    public long ExpiresTicks
    {
        get
        {
            if (TimeToLiveTicks <= 0 || TimeToLiveTicks == TimeSpan.MaxValue.Ticks)
            {
                return long.MaxValue;
            }
            long start = Math.Max(EnqueuedTicks, ScheduledTicks);
            return long.MaxValue - start <= TimeToLiveTicks ? long.MaxValue : start + TimeToLiveTicks;
        }
    }
}

