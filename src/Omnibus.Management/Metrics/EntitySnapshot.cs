using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Management.Metrics;

/// <summary>Counts and totals of one entity at one moment (metrics, stats, CLI tables).</summary>
public sealed record EntitySnapshot(
    string Kind,
    string Path,
    long Active,
    long Scheduled,
    long Deferred,
    long DeadLettered,
    long SizeInBytes,
    EntityCounters Totals)
{
    /// <summary>Every queue, topic and subscription. An entity deleted while walking is skipped.</summary>
    public static IEnumerable<EntitySnapshot> All(Broker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var result = new List<EntitySnapshot>();
        foreach (QueueDescription q in broker.ListQueues())
        {
            Try(result, () => From("queue", broker.GetQueueRuntimeInfo(q.Name)));
        }
        foreach (TopicDescription t in broker.ListTopics())
        {
            Try(result, () =>
            {
                var info = broker.GetTopicRuntimeInfo(t.Name);
                return new EntitySnapshot("topic", t.Name, 0, info.ScheduledMessageCount, 0, 0, info.SizeInBytes, info.Totals);
            });
            IReadOnlyList<SubscriptionDescription> subs = [];
            Try(result, () => { subs = broker.ListSubscriptions(t.Name); return null; });
            foreach (SubscriptionDescription s in subs)
            {
                Try(result, () => From("subscription", broker.GetSubscriptionRuntimeInfo(t.Name, s.Name)));
            }
        }
        return result;
    }

    private static EntitySnapshot From(string kind, EntityRuntimeInfo rt) =>
        new(kind, rt.Path, rt.ActiveMessageCount, rt.ScheduledMessageCount, rt.DeferredMessageCount, rt.DeadLetterMessageCount, rt.SizeInBytes, rt.Totals);

    private static void Try(List<EntitySnapshot> into, Func<EntitySnapshot?> read)
    {
        try
        {
            if (read() is { } s)
            {
                into.Add(s);
            }
        }
        catch (MessagingException e) when (e.Code is MessagingErrorCode.EntityNotFound or MessagingErrorCode.EntityDisabled)
        {
            // Gone meanwhile, or quarantined (it has no counts; omnibus_entities_quarantined and /health/ready name it).
        }
    }
}
