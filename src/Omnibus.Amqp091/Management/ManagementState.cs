using Omnibus.Amqp091.Connection;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Management;

/// <summary>What every management request reads: the core, the open 0-9-1 connections, the sampled rates and the options.</summary>
internal sealed class ManagementState
{
    public ManagementState(Broker broker, Amqp091ConnectionRegistry registry, MessageRates rates, RabbitMqManagementOptions options, Amqp091Options amqp, TimeProvider clock, Amqp091ConnectionHandler handler)
    {
        (Broker, Registry, Rates, Options, Amqp, Clock) = (broker, registry, rates, options, amqp, clock);
        // The amq.* exchanges every vhost has, as the first AMQP connection would declare them.
        handler.Predeclare();
    }

    public Broker Broker { get; }

    public Amqp091ConnectionRegistry Registry { get; }

    public MessageRates Rates { get; }

    public RabbitMqManagementOptions Options { get; }

    public Amqp091Options Amqp { get; }

    public TimeProvider Clock { get; }

    /// <summary>When the API started (its rate sampling did, with the host).</summary>
    public DateTimeOffset StartedAt => Rates.StartedAt;

    /// <summary>The connections and what their channels hold, taken once per request.</summary>
    public LiveView Live() => new(Registry.Connections, Registry.Queues.AutoDeleteQueues);
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
