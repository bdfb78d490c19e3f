using System.Security.Cryptography;
using Omnibus.Amqp091.Codec;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Connection;

/// <summary>exchange.* and queue.*: declarations map one to one onto the core's exchanges, queues and bindings.</summary>
internal sealed partial class Amqp091Channel
{
    private Broker Broker => Connection.Broker;

    private void ExchangeDeclare(ref WireReader args)
    {
        args.ReadShort();
        string name = args.ReadShortString();
        string type = args.ReadShortString();
        bool passive = args.ReadBit(), durable = args.ReadBit(), autoDelete = args.ReadBit(), isInternal = args.ReadBit(), noWait = args.ReadBit();
        Dictionary<string, object?> arguments = args.ReadTable();
        if (passive && name.Length > 0)
        {
            Broker.GetExchange(name);
        }
        else
        {
            Declarations.DeclareExchange(Broker, new ExchangeDescription
            {
                Name = name,
                Type = type,
                Durable = durable,
                AutoDelete = autoDelete,
                Internal = isInternal,
                AlternateExchange = arguments.GetValueOrDefault("alternate-exchange") as string,
                Arguments = MessageMapping.ToCoreTable(arguments),
            }, Connection.Caller);
        }
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.ExchangeDeclareOk);
        }
    }

    private static bool Exists(Action lookup) => Declarations.Exists(lookup);

    private void ExchangeDelete(ref WireReader args)
    {
        args.ReadShort();
        string name = args.ReadShortString();
        bool ifUnused = args.ReadBit(), noWait = args.ReadBit();
        if (name.StartsWith("amq.", StringComparison.Ordinal) || name.Length == 0)
        {
            throw new Amqp091Exception(ReplyCodes.AccessRefused, $"ACCESS_REFUSED - deletion of system exchange '{name}' is not allowed", false, 40, 20);
        }
        if (Exists(() => Broker.GetExchange(name)))
        {
            Broker.DeleteExchange(name, ifUnused, Connection.Caller);
        }
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.ExchangeDeleteOk);
        }
    }

    private void ExchangeBind(ref WireReader args, bool bind)
    {
        args.ReadShort();
        string destination = args.ReadShortString();
        string source = args.ReadShortString();
        string key = args.ReadShortString();
        bool noWait = args.ReadBit();
        Dictionary<string, object?> arguments = args.ReadTable();
        var binding = new BindingDescription { Source = source, Destination = destination, DestinationKind = BindingDestinationKind.Exchange, RoutingKey = key, Arguments = MessageMapping.ToCoreTable(arguments) };
        ApplyBinding(binding, bind, noWait, bind ? MethodIds.ExchangeBindOk : MethodIds.ExchangeUnbindOk);
    }

    /// <summary>queue.bind/unbind and exchange.bind/unbind alike: the core's Bind or Unbind, then the ok unless no-wait.</summary>
    private void ApplyBinding(BindingDescription binding, bool bind, bool noWait, uint ok)
    {
        if (bind)
        {
            Broker.Bind(binding, Connection.Caller);
        }
        else
        {
            Broker.Unbind(binding, Connection.Caller);
        }
        if (!noWait)
        {
            Connection.SendMethod(Id, ok);
        }
    }

    private void QueueDeclare(ref WireReader args)
    {
        args.ReadShort();
        string name = args.ReadShortString();
        bool passive = args.ReadBit(), durable = args.ReadBit(), exclusive = args.ReadBit(), autoDelete = args.ReadBit(), noWait = args.ReadBit();
        Dictionary<string, object?> arguments = args.ReadTable();
        _ = durable; // every Omnibus queue is durable; a transient one still lives until deleted
        if (name.Length == 0)
        {
            name = "amq.gen-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
        bool exists = Exists(() => Broker.GetQueue(name));
        if (passive && !exists)
        {
            throw new Amqp091Exception(ReplyCodes.NotFound, $"NOT_FOUND - no queue '{name}' in vhost '{Connection.Queues.Vhost}'", false, 50, 10);
        }
        QueueUsage usage = Connection.Queues;
        if (exists)
        {
            usage.CheckExclusiveAccess(Broker, name, Connection, 50, 10);
            // The owner may redeclare without exclusive; anyone asking exclusive of a queue not owned is locked out.
            if (!passive && exclusive && !usage.IsExclusive(name))
            {
                throw usage.Locked(name, 50, 10);
            }
        }
        if (!passive && Declarations.DeclareQueue(Broker, usage, name, arguments, Connection.Caller, autoDelete, exclusive))
        {
            if (exclusive)
            {
                usage.ClaimExclusive(name, Connection);
            }
            if (autoDelete)
            {
                usage.DeclaredAutoDelete(name);
            }
        }
        if (!noWait)
        {
            EntityRuntimeInfo info = Broker.GetQueueRuntimeInfo(name);
            Connection.SendMethod(Id, MethodIds.QueueDeclareOk, w => w.ShortString(name).Long((uint)Math.Min(info.ActiveMessageCount, uint.MaxValue)).Long((uint)ConsumerCount(name)));
        }
    }

    private void QueueBind(ref WireReader args, bool bind)
    {
        args.ReadShort();
        string queue = args.ReadShortString();
        string exchange = args.ReadShortString();
        string key = args.ReadShortString();
        bool noWait = bind && args.ReadBit();
        Dictionary<string, object?> arguments = args.ReadTable();
        if (exchange.Length == 0)
        {
            throw new Amqp091Exception(ReplyCodes.AccessRefused, $"ACCESS_REFUSED - operation not permitted on the default exchange", false, 50, (ushort)(bind ? 20 : 50));
        }
        if (Exists(() => Broker.GetQueue(queue)))
        {
            Connection.Queues.CheckExclusiveAccess(Broker, queue, Connection, 50, (ushort)(bind ? 20 : 50));
        }
        var binding = new BindingDescription { Source = exchange, Destination = queue, RoutingKey = key, Arguments = MessageMapping.ToCoreTable(arguments) };
        ApplyBinding(binding, bind, noWait, bind ? MethodIds.QueueBindOk : MethodIds.QueueUnbindOk);
    }

    private void QueueDelete(ref WireReader args)
    {
        args.ReadShort();
        string queue = args.ReadShortString();
        bool ifUnused = args.ReadBit(), ifEmpty = args.ReadBit(), noWait = args.ReadBit();
        long count = 0;
        if (Exists(() => Broker.GetQueue(queue)))
        {
            Connection.Queues.CheckExclusiveAccess(Broker, queue, Connection, 50, 40);
            count = Broker.GetQueueRuntimeInfo(queue).ActiveMessageCount;
            if (ifUnused && ConsumerCount(queue) > 0)
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - queue '{queue}' in vhost '{Connection.Queues.Vhost}' in use", false, 50, 40);
            }
            if (ifEmpty && count > 0)
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - queue '{queue}' in vhost '{Connection.Queues.Vhost}' is not empty", false, 50, 40);
            }
            Connection.Queues.Forget(queue);
            Broker.DeleteQueue(queue, Connection.Caller);
        }
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.QueueDeleteOk, w => w.Long((uint)Math.Min(count, uint.MaxValue)));
        }
    }

    private Task QueuePurgeAsync(ref WireReader args)
    {
        args.ReadShort();
        string queue = args.ReadShortString();
        bool noWait = args.ReadBit();
        Receivable receivable = Broker.GetReceivable(queue, Connection.Caller);
        Connection.Queues.CheckExclusiveAccess(Broker, queue, Connection, 50, 30);
        return PurgeAsync(receivable, noWait);
    }

    private async Task PurgeAsync(Receivable receivable, bool noWait)
    {
        long purged = 0;
        IReadOnlyList<Core.Messages.BrokerMessage> batch;
        while ((batch = await receivable.ReceiveAsync(256, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete).ConfigureAwait(false)).Count > 0)
        {
            purged += batch.Count;
        }
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.QueuePurgeOk, w => w.Long((uint)Math.Min(purged, uint.MaxValue)));
        }
    }
}
