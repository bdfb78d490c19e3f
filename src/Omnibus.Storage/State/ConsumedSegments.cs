namespace Omnibus.Storage.State;

/// <summary>Deletes the segments of a log that every subscription over it has finished with.</summary>
public static class ConsumedSegments
{
    /// <summary>
    /// Deletes every sealed segment of <paramref name="log"/> wholly below the lowest sequence any of
    /// <paramref name="subscriptions"/> still needs (completed or dead-lettered everywhere, or passed
    /// by every offset cursor). A log with no subscriptions keeps nothing: like a Service Bus topic
    /// without subscriptions, its messages have no reader. Returns the number of segments deleted.
    /// </summary>
    public static int Delete(IPartitionLog log, IEnumerable<DeliveryStateStore> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(subscriptions);
        long lowest = log.NextSequence;
        foreach (DeliveryStateStore store in subscriptions)
        {
            lock (store.SyncRoot)
            {
                lowest = Math.Min(lowest, store.State.LowestNeeded);
            }
        }
        return log.DeleteSegmentsBefore(lowest);
    }
}
