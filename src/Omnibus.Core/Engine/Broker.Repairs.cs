using Omnibus.Storage;

namespace Omnibus.Core.Engine;

public sealed partial class Broker
{
    /// <summary>Every log that opening this broker repaired (empty after a clean shutdown), in entity order.</summary>
    public IReadOnlyList<StorageRepair> RepairsAtOpen { get; private set; } = [];

    /// <summary>
    /// A missing catalog beside entity directories means the definitions were lost, not that the
    /// broker is new (the catalog is written with the first entity): opening would serve an empty
    /// broker over data it no longer knows, so it refuses and says so.
    /// </summary>
    private void RefuseLostCatalog()
    {
        string catalog = Path.Combine(DataDirectory, EntityCatalog.FileName);
        if (Store.Exists(catalog))
        {
            return;
        }
        string? orphaned = new[] { QueuesDirectory, TopicsDirectory }.FirstOrDefault(Store.Exists);
        if (orphaned is not null)
        {
            throw new StorageFormatException(
                $"'{catalog}' is missing, but '{orphaned}' holds entity data: the definitions of those entities are lost. " +
                $"Restore {EntityCatalog.FileName} from a backup, or move '{orphaned}' away to start without that data. Nothing was changed.")
            { FilePath = catalog };
        }
    }

    /// <summary>
    /// A catalog that records a <c>routing.json</c> which is not there means the exchanges and bindings were lost:
    /// opening would route nothing where the applications expect it, so it refuses and says so.
    /// </summary>
    private void RefuseLostRouting(CatalogDocument catalog)
    {
        string routing = Path.Combine(DataDirectory, Routing.RoutingCatalog.FileName);
        _hasRouting = catalog.HasRouting || Store.Exists(routing);
        if (catalog.HasRouting && !Store.Exists(routing))
        {
            throw new StorageFormatException(
                $"'{routing}' is missing, but '{Path.Combine(DataDirectory, EntityCatalog.FileName)}' records that it was written: the exchanges and bindings are lost. " +
                $"Restore {Routing.RoutingCatalog.FileName} from a backup, or create an empty one ({{\"Version\":1}}) to start without them. Nothing was changed.")
            { FilePath = routing };
        }
    }

    private void CollectRepairs()
    {
        var repairs = new List<StorageRepair>();
        void Add(string entity, string prefix, MessageLog log)
        {
            for (int i = 0; i < log.Partitions.Length; i++)
            {
                if (log.Partitions[i]?.Recovery is { IsClean: false } report)
                {
                    repairs.Add(new StorageRepair(entity, $"{prefix}p{i}", report));
                }
            }
        }
        foreach (QueueEntity q in _queues.Values.OrderBy(q => q.Description.Name, StringComparer.Ordinal))
        {
            Add($"queue {q.Description.Name}", "", q.Log);
            Add($"queue {q.Description.Name}", "dead-letter ", q.DeadLetterLog);
        }
        foreach (TopicEntity t in _topics.Values.OrderBy(t => t.Description.Name, StringComparer.Ordinal))
        {
            Add($"topic {t.Description.Name}", "", t.Log);
            foreach (SubscriptionEntity s in t.Subscriptions.Values.OrderBy(s => s.Description.Name, StringComparer.Ordinal))
            {
                Add($"subscription {t.Description.Name}/{s.Description.Name}", "dead-letter ", s.DeadLetterLog);
            }
        }
        if (_streams is { } streams)
        {
            foreach (Streams.StreamDefinition d in streams.List())
            {
                foreach (Streams.StreamPartition p in streams.Get(d.Name).Partitions)
                {
                    if (p.Log.Recovery is { IsClean: false } report)
                    {
                        repairs.Add(new StorageRepair($"stream {d.Name}", $"p{p.Index}", report));
                    }
                }
            }
        }
        RepairsAtOpen = repairs;
    }
}
