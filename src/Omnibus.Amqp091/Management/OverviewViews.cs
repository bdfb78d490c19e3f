using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Omnibus.Amqp091.Management;

/// <summary><c>/api/overview</c>, <c>/api/vhosts</c>, <c>/api/nodes</c> and <c>/api/whoami</c>.</summary>
internal static class OverviewViews
{
    /// <summary>The RabbitMQ release whose management API shapes these answers follow; tools read it as the server's version.</summary>
    public const string CompatibleRabbitMqVersion = "3.13.7";

    public static string ProductVersion => typeof(OverviewViews).Assembly.GetName().Version?.ToString() ?? "0";

    public static JsonObject Overview(ManagementState state, LiveView live, List<JsonObject> queues)
    {
        (JsonObject totals, JsonObject stats) = Totals(queues);
        return new JsonObject
        {
            ["management_version"] = CompatibleRabbitMqVersion,
            ["rabbitmq_version"] = CompatibleRabbitMqVersion,
            ["product_name"] = "Omnibus",
            ["product_version"] = ProductVersion,
            ["rates_mode"] = "basic",
            ["cluster_name"] = state.Options.ClusterName,
            ["node"] = state.Options.NodeName,
            ["erlang_version"] = "none (.NET " + Environment.Version + ")",
            ["disable_stats"] = false,
            ["enable_queue_totals"] = true,
            ["exchange_types"] = new JsonArray([.. Declarations.ExchangeTypeNames.Select(t => new JsonObject { ["name"] = t, ["description"] = "", ["enabled"] = true })]),
            ["object_totals"] = new JsonObject
            {
                ["connections"] = live.Connections.Count,
                ["channels"] = live.Channels.Count,
                ["consumers"] = live.Consumers.Count,
                ["exchanges"] = state.AllVhosts().Sum(v => v.Broker.ListExchanges().Count),
                ["queues"] = queues.Count,
            },
            ["queue_totals"] = totals,
            ["message_stats"] = stats,
        };
    }

    /// <summary>Message counts summed over queues (<c>queue_totals</c>, a vhost's counts) and their <c>message_stats</c> summed.</summary>
    public static (JsonObject Totals, JsonObject Stats) Totals(List<JsonObject> queues)
    {
        long messages = 0, ready = 0, unacked = 0;
        MessageCounts counts = default;
        MessageRatesPerSecond rates = default;
        foreach (JsonObject q in queues)
        {
            messages += q["messages"]!.GetValue<long>();
            ready += q["messages_ready"]!.GetValue<long>();
            unacked += q["messages_unacknowledged"]!.GetValue<long>();
            JsonNode s = q["message_stats"]!;
            counts += new MessageCounts(s["publish"]!.GetValue<long>(), s["deliver_get"]!.GetValue<long>(), s["ack"]!.GetValue<long>());
            rates += new MessageRatesPerSecond(Rate(s, "publish_details"), Rate(s, "deliver_get_details"), Rate(s, "ack_details"));
        }
        var totals = new JsonObject
        {
            ["messages"] = messages,
            ["messages_details"] = ManagementHttp.Details(0),
            ["messages_ready"] = ready,
            ["messages_ready_details"] = ManagementHttp.Details(0),
            ["messages_unacknowledged"] = unacked,
            ["messages_unacknowledged_details"] = ManagementHttp.Details(0),
        };
        return (totals, QueueViews.MessageStats(counts, rates));
    }

    private static double Rate(JsonNode stats, string details) => stats[details]!["rate"]!.GetValue<double>();

    public static JsonObject Vhost(ManagementState state, Vhost v, List<JsonObject> queues)
    {
        (JsonObject totals, JsonObject stats) = Totals(queues);
        string description = Description(v);
        var vhost = new JsonObject
        {
            ["name"] = v.Name,
            ["description"] = description,
            ["tags"] = new JsonArray(),
            ["metadata"] = new JsonObject { ["description"] = description, ["tags"] = new JsonArray() },
            ["default_queue_type"] = "classic",
            ["tracing"] = false,
            ["cluster_state"] = new JsonObject { [state.Options.NodeName] = "running" },
            ["message_stats"] = stats,
        };
        foreach (KeyValuePair<string, JsonNode?> e in totals)
        {
            vhost[e.Key] = e.Value?.DeepClone();
        }
        return vhost;
    }

    public static string Description(Vhost v) => v.Name == Vhosts.DefaultName ? "Default virtual host" : "";

    public static JsonObject Node(ManagementState state)
    {
        using Process self = Process.GetCurrentProcess();
        return new JsonObject
        {
            ["name"] = state.Options.NodeName,
            ["type"] = "disc",
            ["running"] = true,
            ["uptime"] = (long)(state.Clock.GetUtcNow() - state.StartedAt).TotalMilliseconds,
            ["processors"] = Environment.ProcessorCount,
            ["mem_used"] = self.WorkingSet64,
            ["disk_free"] = state.Broker.Space.State.FreeBytes,
            ["disk_free_alarm"] = state.Broker.Space.IsFull,
            ["mem_alarm"] = false,
            ["os_pid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["partitions"] = new JsonArray(),
        };
    }

    public static JsonObject WhoAmI(string user) => new()
    {
        ["name"] = user,
        ["tags"] = new JsonArray("administrator"),
        ["is_internal_user"] = true,
    };
}
