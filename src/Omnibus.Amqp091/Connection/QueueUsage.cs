using Omnibus.Amqp091.Codec;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// What RabbitMQ keeps on a queue process and the core has no notion of, kept once for the whole front-end
/// (every connection and channel shares it): the connection owning an exclusive queue, the consumers of each
/// queue in the order they registered (for consumer counts, exclusive consumers and the single active
/// consumer), and which queues are auto-delete or single-active-consumer. In memory: it ends with the broker.
/// </summary>
internal sealed class QueueUsage(string vhost)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Amqp091Connection> _exclusiveOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Amqp091Channel.Consumer>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _autoDelete = new(StringComparer.Ordinal);
    private readonly HashSet<string> _singleActive = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Amqp091Channel> _replyChannels = new(StringComparer.Ordinal);

    /// <summary>The vhost whose queues these are, for RabbitMQ's error texts.</summary>
    public string Vhost { get; } = vhost;

    public Amqp091Exception Locked(string queue, ushort classId, ushort methodId) =>
        new(ReplyCodes.ResourceLocked, $"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' in vhost '{Vhost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.", false, classId, methodId);

    /// <summary>
    /// 405 when another live connection owns <paramref name="queue"/> exclusively. An owner entry whose queue
    /// is gone (expired, deleted through another protocol) is dropped instead.
    /// </summary>
    public void CheckExclusiveAccess(Broker broker, string queue, Amqp091Connection connection, ushort classId, ushort methodId)
    {
        Amqp091Connection? owner;
        lock (_gate)
        {
            owner = _exclusiveOwners.GetValueOrDefault(queue);
        }
        if (owner is null || owner == connection)
        {
            return;
        }
        if (!Declarations.QueueExists(broker, queue))
        {
            Forget(queue);
            return;
        }
        throw Locked(queue, classId, methodId);
    }

    public bool IsExclusive(string queue)
    {
        lock (_gate)
        {
            return _exclusiveOwners.ContainsKey(queue);
        }
    }

    public void ClaimExclusive(string queue, Amqp091Connection connection)
    {
        lock (_gate)
        {
            _exclusiveOwners[queue] = connection;
        }
    }

    public IReadOnlyList<string> ExclusiveQueuesOf(Amqp091Connection connection)
    {
        lock (_gate)
        {
            return [.. _exclusiveOwners.Where(e => e.Value == connection).Select(e => e.Key).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The exclusive queues of a connection that went: they are to be deleted, and are no longer locked.</summary>
    public IReadOnlyList<string> ReleaseExclusive(Amqp091Connection connection)
    {
        lock (_gate)
        {
            string[] owned = [.. _exclusiveOwners.Where(e => e.Value == connection).Select(e => e.Key)];
            foreach (string queue in owned)
            {
                _exclusiveOwners.Remove(queue);
            }
            return owned;
        }
    }

    /// <summary>A queue was deleted: nothing of it is kept (its consumers are cancelled by their pumps).</summary>
    public void Forget(string queue)
    {
        lock (_gate)
        {
            _exclusiveOwners.Remove(queue);
            _autoDelete.Remove(queue);
            _singleActive.Remove(queue);
        }
    }

    public void DeclaredAutoDelete(string queue)
    {
        lock (_gate)
        {
            _autoDelete.Add(queue);
        }
    }

    public IReadOnlyList<string> AutoDeleteQueues
    {
        get
        {
            lock (_gate)
            {
                return [.. _autoDelete];
            }
        }
    }

    public void DeclaredSingleActive(string queue)
    {
        lock (_gate)
        {
            _singleActive.Add(queue);
        }
    }

    public bool IsSingleActive(string queue)
    {
        lock (_gate)
        {
            return _singleActive.Contains(queue);
        }
    }

    /// <summary>Consumers of the queue on every channel of every connection.</summary>
    public int ConsumerCount(string queue)
    {
        lock (_gate)
        {
            return _consumers.TryGetValue(queue, out List<Amqp091Channel.Consumer>? list) ? list.Count : 0;
        }
    }

    /// <summary>
    /// Registers a consumer, or refuses it with 403 when the queue has an exclusive consumer or when an exclusive
    /// one asks for a queue that has consumers. It is activated at once unless the queue is single-active and
    /// already has its active consumer.
    /// </summary>
    public void AddConsumer(Amqp091Channel.Consumer consumer)
    {
        lock (_gate)
        {
            if (!_consumers.TryGetValue(consumer.Queue, out List<Amqp091Channel.Consumer>? list))
            {
                list = [];
                _consumers[consumer.Queue] = list;
            }
            if (list.Any(c => c.Exclusive) || (consumer.Exclusive && list.Count > 0))
            {
                if (list.Count == 0)
                {
                    _consumers.Remove(consumer.Queue);
                }
                throw new Amqp091Exception(ReplyCodes.AccessRefused, $"ACCESS_REFUSED - queue '{consumer.Queue}' in vhost '{Vhost}' in exclusive use", false, 60, 20);
            }
            list.Add(consumer);
            if (!_singleActive.Contains(consumer.Queue) || list.Count == 1)
            {
                consumer.Activate();
            }
            foreach (Amqp091Channel.Consumer outranked in list.Where(c => c.Priority < consumer.Priority))
            {
                outranked.Reconsider();
            }
        }
    }

    /// <summary>Whether the queue's consumers differ in priority (only then do priorities decide anything).</summary>
    public bool HasPriorities(string queue)
    {
        lock (_gate)
        {
            return _consumers.TryGetValue(queue, out List<Amqp091Channel.Consumer>? list) && list.Count > 1 && list.Any(c => c.Priority != list[0].Priority);
        }
    }

    /// <summary>Whether another active consumer of the queue has a higher priority and room for a delivery.</summary>
    public bool OutrankedByOneWithRoom(Amqp091Channel.Consumer consumer)
    {
        lock (_gate)
        {
            return _consumers.TryGetValue(consumer.Queue, out List<Amqp091Channel.Consumer>? list)
                && list.Any(c => c != consumer && c.Priority > consumer.Priority && c.IsActive && !c.Stop.IsCancellationRequested && c.HasRoom);
        }
    }

    /// <summary>
    /// Removes a consumer (cancelled, its channel or connection gone, its queue deleted). On a single-active queue
    /// the oldest remaining consumer becomes active when the active one goes.
    /// </summary>
    /// <returns>True when it was the last consumer of an auto-delete queue, which is now to be deleted.</returns>
    public bool RemoveConsumer(Amqp091Channel.Consumer consumer)
    {
        lock (_gate)
        {
            if (!_consumers.TryGetValue(consumer.Queue, out List<Amqp091Channel.Consumer>? list) || !list.Remove(consumer))
            {
                return false;
            }
            if (list.Count > 0)
            {
                if (consumer.IsActive && _singleActive.Contains(consumer.Queue))
                {
                    // The next active consumer: the highest priority, the oldest among equals.
                    list.MaxBy(c => c.Priority)!.Activate();
                }
                return false;
            }
            _consumers.Remove(consumer.Queue);
            return _autoDelete.Remove(consumer.Queue);
        }
    }

    /// <summary>A channel consuming direct reply-to, under its routable name.</summary>
    public void AddReplyChannel(string name, Amqp091Channel channel)
    {
        lock (_gate)
        {
            _replyChannels[name] = channel;
        }
    }

    public void RemoveReplyChannel(string name, Amqp091Channel channel)
    {
        lock (_gate)
        {
            if (_replyChannels.GetValueOrDefault(name) == channel)
            {
                _replyChannels.Remove(name);
            }
        }
    }

    public Amqp091Channel? ReplyChannel(string name)
    {
        lock (_gate)
        {
            return _replyChannels.GetValueOrDefault(name);
        }
    }
}
