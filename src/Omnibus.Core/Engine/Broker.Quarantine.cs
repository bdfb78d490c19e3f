using Omnibus.Core.Entities;
using Omnibus.Core.Routing;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>A queue, topic or stream whose stored data could not be opened: kept in the catalog, refused to traffic, named with the damage.</summary>
public sealed record QuarantinedEntity(EntityKind Kind, string Name, string Reason, string? FilePath);

public sealed partial class Broker
{
    private readonly Dictionary<string, QuarantinedEntity> _quarantine = new(StringComparer.Ordinal);
    private readonly List<QueueDescription> _quarantinedQueues = [];
    private readonly Dictionary<string, string> _quarantinedQueueDirectories = new(StringComparer.Ordinal);
    private readonly List<TopicDocument> _quarantinedTopics = [];
    private readonly List<BindingDescription> _quarantinedBindings = [];

    /// <summary>
    /// Queues, topics and streams that opening the broker found damaged (a record that fails its
    /// checksum in the middle of a segment, a segment missing at the head, in the middle or at the
    /// tail). The rest of the broker serves; these refuse every call with
    /// <see cref="MessagingErrorCode.EntityDisabled"/> and the damage, keep their definitions and
    /// bindings, and can be deleted, recovered (<see cref="RecoverQuarantinedAsync"/>), or restored
    /// from their files by a restart.
    /// </summary>
    public IReadOnlyList<QuarantinedEntity> Quarantined
    {
        get
        {
            IEnumerable<QuarantinedEntity> streams = Volatile.Read(ref _streams)?.Quarantined
                .Select(s => new QuarantinedEntity(EntityKind.Stream, s.Definition.Name, s.Reason, s.FilePath)) ?? [];
            lock (_catalogLock)
            {
                return [.. _quarantine.Values.Concat(streams).OrderBy(q => q.Name, StringComparer.Ordinal).ThenBy(q => q.Kind)];
            }
        }
    }

    private bool TryQuarantineQueue(QueueDescription q, string directory, StorageException e)
    {
        if (e is not (StorageCorruptionException or StorageFormatException))
        {
            return false;
        }
        _quarantine[q.Name] = new QuarantinedEntity(EntityKind.Queue, q.Name, e.Message, e.FilePath);
        _quarantinedQueues.Add(q);
        _quarantinedQueueDirectories[q.Name] = directory;
        return true;
    }

    private bool TryQuarantineTopic(TopicDocument t, StorageException e)
    {
        if (e is not (StorageCorruptionException or StorageFormatException))
        {
            return false;
        }
        _quarantine[t.Topic.Name] = new QuarantinedEntity(EntityKind.Topic, t.Topic.Name, e.Message, e.FilePath);
        _quarantinedTopics.Add(t);
        return true;
    }

    /// <summary>What a call naming a missing entity gets: the quarantine's reason when the entity is quarantined, else not found.</summary>
    private MessagingException Missing(string path)
    {
        lock (_catalogLock)
        {
            foreach (QuarantinedEntity q in _quarantine.Values)
            {
                if (path == q.Name || path.StartsWith(q.Name + "/", StringComparison.Ordinal))
                {
                    return new MessagingException(MessagingErrorCode.EntityDisabled,
                        $"The {q.Kind.ToString().ToLowerInvariant()} '{q.Name}' is quarantined: its stored data is damaged ({q.Reason}) Recover it (omnibus recover), restore the file and restart, or delete the entity.");
                }
            }
        }
        return MessagingException.NotFound(path);
    }

    /// <summary>Deletes a quarantined entity's definition, bindings and files; false when <paramref name="name"/> is not quarantined.</summary>
    private bool TryDeleteQuarantined(string name, EntityKind kind)
    {
        string directory;
        lock (_catalogLock)
        {
            if (!_quarantine.TryGetValue(name, out QuarantinedEntity? q) || q.Kind != kind)
            {
                return false;
            }
            if (_recovering.Contains(name))
            {
                throw new MessagingException(MessagingErrorCode.InvalidOperation, $"The {kind.ToString().ToLowerInvariant()} '{name}' is being recovered; delete it after that ends.");
            }
            _quarantine.Remove(name);
            if (kind == EntityKind.Queue)
            {
                _quarantinedQueues.RemoveAll(d => d.Name == name);
                directory = Path.Combine(QueuesDirectory, _quarantinedQueueDirectories[name]);
                _quarantinedQueueDirectories.Remove(name);
            }
            else
            {
                TopicDocument t = _quarantinedTopics.Single(d => d.Topic.Name == name);
                _quarantinedTopics.Remove(t);
                directory = Path.Combine(TopicsDirectory, t.Directory ?? EntityNames.DirectoryName(name));
            }
            _quarantinedBindings.RemoveAll(b => b.Destination == name && b.DestinationKind != BindingDestinationKind.Exchange);
            SaveCatalog(new EntityChange(kind, name, EntityChangeKind.Deleted));
            SaveRouting();
        }
        Store.DeleteDirectory(directory);
        // Transactions that waited for it can be completed without it now.
        ApplyWaitingTransactionsAsync().GetAwaiter().GetResult();
        return true;
    }
}
