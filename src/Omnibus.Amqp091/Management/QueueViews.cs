using System.Text.Json.Nodes;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Amqp091.Management;

/// <summary>A queue as <c>/api/queues</c> shows it (RabbitMQ's field names; docs/amqp091.md lists what is approximated).</summary>
internal static class QueueViews
{
    /// <summary>Every queue with its counts; a queue deleted while the list is read is left out.</summary>
    public static List<JsonObject> All(ManagementState state, Vhost vhost, LiveView live)
    {
        var all = new List<JsonObject>();
        foreach (QueueDescription queue in vhost.Broker.ListQueues())
        {
            if (TryOne(state, vhost, live, queue.Name) is { } json)
            {
                all.Add(json);
            }
        }
        return all;
    }

    /// <summary>One queue, or null when there is none of that name.</summary>
    /// <summary>Every queue of every vhost.</summary>
    public static List<JsonObject> All(ManagementState state) =>
        [.. state.AllVhosts().SelectMany(v => All(state, v, state.Live(v)))];

    public static JsonObject? TryOne(ManagementState state, Vhost vhost, LiveView live, string name)
    {
        QueueDescription queue;
        EntityRuntimeInfo info;
        try
        {
            queue = vhost.Broker.GetQueue(name);
            info = vhost.Broker.GetQueueRuntimeInfo(name);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            return null;
        }
        MessageCounts totals = MessageCounts.Of(info.Totals);
        MessageRatesPerSecond rates = vhost.Name == Vhosts.DefaultName ? state.Rates.RatesOf(name) : default;
        long unacked = info.LockedMessageCount;
        long ready = Math.Max(0, info.ActiveMessageCount - unacked);
        var json = new JsonObject
        {
            ["name"] = queue.Name,
            ["vhost"] = vhost.Name,
            ["durable"] = true,
            ["auto_delete"] = live.AutoDelete.Contains(queue.Name),
            ["exclusive"] = live.ExclusiveOwners.ContainsKey(queue.Name),
            ["arguments"] = JsonTables.ToJson(QueueArguments.FromDescription(queue, vhost.Queues.IsSingleActive(queue.Name))),
            ["node"] = state.Options.NodeName,
            ["state"] = "running",
            ["type"] = "classic",
            ["policy"] = null,
            ["exclusive_consumer_tag"] = null,
            ["consumers"] = live.ConsumersByQueue.GetValueOrDefault(queue.Name),
            ["messages"] = ready + unacked,
            ["messages_details"] = ManagementHttp.Details(0),
            ["messages_ready"] = ready,
            ["messages_ready_details"] = ManagementHttp.Details(0),
            ["messages_unacknowledged"] = unacked,
            ["messages_unacknowledged_details"] = ManagementHttp.Details(0),
            ["message_stats"] = MessageStats(totals, rates),
        };
        if (live.ExclusiveOwners.TryGetValue(queue.Name, out Connection.Amqp091Connection? owner))
        {
            json["owner_pid_details"] = ConnectionViews.Details(owner);
        }
        return json;
    }

    /// <summary>RabbitMQ's <c>message_stats</c>: publish, deliver_get and ack with their rates.</summary>
    public static JsonObject MessageStats(MessageCounts totals, MessageRatesPerSecond rates) => new()
    {
        ["publish"] = totals.Publish,
        ["publish_details"] = ManagementHttp.Details(rates.Publish),
        ["deliver_get"] = totals.DeliverGet,
        ["deliver_get_details"] = ManagementHttp.Details(rates.DeliverGet),
        ["ack"] = totals.Ack,
        ["ack_details"] = ManagementHttp.Details(rates.Ack),
    };
}
