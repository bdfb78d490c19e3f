using Omnibus.Amqp091.Connection;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Management;

/// <summary>What every management request reads: the core, the open 0-9-1 connections, the sampled rates and the options.</summary>
internal sealed class ManagementState
{
    public ManagementState(Amqp091ConnectionRegistry registry, MessageRates rates, RabbitMqManagementOptions options, Amqp091Options amqp, TimeProvider clock)
    {
        (Registry, Rates, Options, Amqp, Clock) = (registry, rates, options, amqp, clock);
    }

    /// <summary>The default namespace (vhost <c>/</c>), for what belongs to the node: its disk alarm.</summary>
    public Broker Broker => Registry.Vhosts.Default.Broker;

    public Vhosts Vhosts => Registry.Vhosts;

    /// <summary>The vhost a request names; false when there is none of that name.</summary>
    public bool TryVhost(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Vhost? vhost) => Registry.Vhosts.TryGet(name, out vhost);

    /// <summary>Every vhost, <c>/</c> first; one deleted while the list is read is left out.</summary>
    public IEnumerable<Vhost> AllVhosts()
    {
        foreach (string name in Registry.Vhosts.Names)
        {
            if (Registry.Vhosts.TryGet(name, out Vhost? vhost))
            {
                yield return vhost;
            }
        }
    }

    public Amqp091ConnectionRegistry Registry { get; }

    public MessageRates Rates { get; }

    public RabbitMqManagementOptions Options { get; }

    public Amqp091Options Amqp { get; }

    public TimeProvider Clock { get; }

    /// <summary>When the API started (its rate sampling did, with the host).</summary>
    public DateTimeOffset StartedAt => Rates.StartedAt;

    /// <summary>The connections (to <paramref name="vhost"/>, or to any) and what their channels hold, taken once per request.</summary>
    public LiveView Live(Vhost? vhost = null) => vhost is null
        ? new(Registry.Connections, [])
        : new([.. Registry.Connections.Where(c => c.VirtualHost == vhost.Name)], vhost.Queues.AutoDeleteQueues);
}

/// <summary>One request's view of the open connections: channels, consumers per queue, exclusive and auto-delete queues.</summary>
internal sealed class LiveView
{
    public LiveView(IReadOnlyList<Amqp091Connection> connections, IReadOnlyList<string> autoDelete)
    {
        Connections = connections;
        AutoDelete.UnionWith(autoDelete);
        foreach (Amqp091Connection c in connections)
        {
            foreach (string q in c.ExclusiveQueues)
            {
                ExclusiveOwners[q] = c;
            }
            foreach (Amqp091Channel ch in c.OpenChannels)
            {
                Channels.Add((c, ch));
                foreach (ConsumerInfo consumer in ch.Consumers)
                {
                    Consumers.Add((c, ch, consumer));
                    ConsumersByQueue[consumer.Queue] = ConsumersByQueue.GetValueOrDefault(consumer.Queue) + 1;
                }
            }
        }
    }

    public IReadOnlyList<Amqp091Connection> Connections { get; }

    public List<(Amqp091Connection Connection, Amqp091Channel Channel)> Channels { get; } = [];

    public List<(Amqp091Connection Connection, Amqp091Channel Channel, ConsumerInfo Consumer)> Consumers { get; } = [];

    public Dictionary<string, int> ConsumersByQueue { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Amqp091Connection> ExclusiveOwners { get; } = new(StringComparer.Ordinal);

    public HashSet<string> AutoDelete { get; } = new(StringComparer.Ordinal);
}
