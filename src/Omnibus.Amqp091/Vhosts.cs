using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp091.Connection;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091;

/// <summary>
/// RabbitMQ's virtual hosts as the core's namespaces: vhost <c>/</c> is the default namespace, which every
/// protocol reaches; any other vhost is the namespace of the same name. Without a
/// <see cref="NamespaceRegistry"/> (a broker hosted on its own) only <c>/</c> exists. Each vhost keeps
/// its own front-end queue state (exclusive owners, consumers), since queue names repeat across vhosts.
/// </summary>
public sealed class Vhosts
{
    /// <summary>The vhost every client gets when it names none.</summary>
    public const string DefaultName = "/";

    private readonly Broker _default;
    private readonly NamespaceRegistry? _namespaces;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Broker, Vhost> _byBroker = new();

    public Vhosts(Broker defaultBroker, NamespaceRegistry? namespaces, ILogger<Vhosts> logger)
    {
        _default = defaultBroker;
        _namespaces = namespaces;
        _logger = logger;
    }

    /// <summary>The names of every vhost, <c>/</c> first.</summary>
    public IReadOnlyList<string> Names =>
        _namespaces is null ? [DefaultName] : [DefaultName, .. _namespaces.Names.Where(n => n != NamespaceRegistry.DefaultName)];

    /// <summary>The vhost of that name, with its <c>amq.*</c> exchanges declared; false when there is none.</summary>
    internal bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Vhost? vhost)
    {
        vhost = null;
        Broker? broker = name == DefaultName ? _default : null;
        if (broker is null && (name == NamespaceRegistry.DefaultName || _namespaces is null || !_namespaces.TryGet(name, out broker)))
        {
            return false;
        }
        vhost = _byBroker.GetOrAdd(broker, b => Restored(Predeclared(new Vhost(name, b))));
        return true;
    }

    /// <summary>The default vhost.</summary>
    internal Vhost Default
    {
        get
        {
            TryGet(DefaultName, out Vhost? vhost);
            return vhost!;
        }
    }

    /// <summary>Creates a vhost (a namespace); false when it exists already. <see cref="MessagingException"/> for a name the core refuses.</summary>
    public bool Create(string name)
    {
        if (TryGet(name, out _))
        {
            return false;
        }
        if (_namespaces is null || name == NamespaceRegistry.DefaultName)
        {
            // "default" is the name the other protocols give vhost '/': a vhost of that name would be two things.
            throw new MessagingException(MessagingErrorCode.InvalidOperation, _namespaces is null
                ? "This broker serves only the vhost '/'."
                : $"The vhost name '{NamespaceRegistry.DefaultName}' is reserved: it is the namespace of vhost '/'.");
        }
        try
        {
            _namespaces.Create(name);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityAlreadyExists)
        {
            return false;
        }
        return TryGet(name, out _);
    }

    /// <summary>Deletes a vhost and everything in it; false when there is none. The default vhost cannot be deleted.</summary>
    public bool Delete(string name)
    {
        if (name == DefaultName)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, "The vhost '/' cannot be deleted.");
        }
        if (!TryGet(name, out Vhost? vhost))
        {
            return false;
        }
        _byBroker.TryRemove(vhost.Broker, out _);
        _namespaces!.Delete(name);
        return true;
    }

    /// <summary>
    /// The front-end's queue flags as the queues' stored settings keep them, when a vhost is first used in this
    /// process: single-active-consumer and auto-delete flags come back, and exclusive queues are deleted, since
    /// the connection that owned them is gone (RabbitMQ deletes them when its node starts).
    /// </summary>
    private Vhost Restored(Vhost vhost)
    {
        foreach (QueueDescription queue in vhost.Broker.ListQueues())
        {
            if (QueueArguments.Flag(queue, QueueArguments.ExclusiveSetting))
            {
                try
                {
                    vhost.Broker.DeleteQueue(queue.Name);
                }
                catch (MessagingException e)
                {
                    _logger.LogWarning(e, "Could not delete the exclusive queue {Queue} of vhost {Vhost} left from before a restart.", queue.Name, vhost.Name);
                }
                continue;
            }
            if (QueueArguments.Flag(queue, QueueArguments.SingleActiveSetting))
            {
                vhost.Queues.DeclaredSingleActive(queue.Name);
            }
            if (QueueArguments.Flag(queue, QueueArguments.AutoDeleteSetting))
            {
                vhost.Queues.DeclaredAutoDelete(queue.Name);
            }
        }
        return vhost;
    }

    /// <summary>The exchanges every RabbitMQ vhost has (amq.direct, amq.fanout, amq.topic, amq.headers, amq.match).</summary>
    private Vhost Predeclared(Vhost vhost)
    {
        foreach ((string name, string type) in new[] { ("amq.direct", ExchangeTypes.Direct), ("amq.fanout", ExchangeTypes.Fanout), ("amq.topic", ExchangeTypes.Topic), ("amq.headers", ExchangeTypes.Headers), ("amq.match", ExchangeTypes.Headers) })
        {
            try
            {
                vhost.Broker.DeclareExchange(new ExchangeDescription { Name = name, Type = type, Durable = true });
            }
            catch (MessagingException e)
            {
                _logger.LogWarning(e, "Could not declare {Exchange} in vhost {Vhost}.", name, vhost.Name);
            }
        }
        return vhost;
    }
}

/// <summary>One vhost: its namespace in the core and the front-end's queue state for it.</summary>
internal sealed class Vhost(string name, Broker broker)
{
    public string Name { get; } = name;

    public Broker Broker { get; } = broker;

    /// <summary>Exclusive owners, consumers and flags of this vhost's queues, across every connection.</summary>
    public QueueUsage Queues { get; } = new(name);
}
