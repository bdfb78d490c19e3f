using Omnibus.Core.Entities;
using Omnibus.Core.Routing;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>A queue or topic whose stored data could not be opened: kept in the catalog, refused to traffic, named with the damage.</summary>
public sealed record QuarantinedEntity(EntityKind Kind, string Name, string Reason, string? FilePath);

public sealed partial class Broker
{
    private readonly Dictionary<string, QuarantinedEntity> _quarantine = new(StringComparer.Ordinal);
    private readonly List<QueueDescription> _quarantinedQueues = [];
    private readonly Dictionary<string, string> _quarantinedQueueDirectories = new(StringComparer.Ordinal);
    private readonly List<TopicDocument> _quarantinedTopics = [];
    private readonly List<BindingDescription> _quarantinedBindings = [];

    /// <summary>
    /// Queues and topics that opening the broker found damaged (a record that fails its checksum
    /// in the middle of a segment, a segment missing from the sequence). The rest of the broker
    /// serves; these refuse every call with <see cref="MessagingErrorCode.EntityDisabled"/> and
    /// the damage, keep their definitions and bindings, and can be deleted. Restoring their files
    /// and restarting brings them back.
    /// </summary>
    public IReadOnlyList<QuarantinedEntity> Quarantined
    {
        get
        {
            lock (_catalogLock)
            {
                return [.. _quarantine.Values.OrderBy(q => q.Name, StringComparer.Ordinal)];
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
                        $"The {q.Kind.ToString().ToLowerInvariant()} '{q.Name}' is quarantined: its stored data is damaged ({q.Reason}) Restore the file and restart, or delete the entity.");
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
        return true;
    }
}
