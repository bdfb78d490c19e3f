using System.Text.Json;
using System.Text.Json.Nodes;
using Omnibus.Amqp091.Codec;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;
using Omnibus.Core.Security;

namespace Omnibus.Amqp091.Management;

/// <summary>
/// <c>/api/definitions</c>: export the queues, exchanges and bindings a RabbitMQ client declared, and import such
/// a file (queues, exchanges, then bindings). Users, permissions, policies and parameters are exported empty and
/// ignored on import: users live in the options, and policies do not exist here.
/// </summary>
internal static class Definitions
{
    /// <summary>The definitions of <paramref name="only"/>, or of every vhost.</summary>
    public static JsonObject Export(ManagementState state, Vhost? only)
    {
        List<Vhost> vhosts = only is null ? [.. state.AllVhosts()] : [only];
        var queues = new JsonArray();
        var exchanges = new JsonArray();
        var bindings = new JsonArray();
        foreach (Vhost vhost in vhosts)
        {
            ExportInto(vhost, state.Live(vhost), queues, exchanges, bindings);
        }
        return new JsonObject
        {
            ["rabbit_version"] = OverviewViews.CompatibleRabbitMqVersion,
            ["rabbitmq_version"] = OverviewViews.CompatibleRabbitMqVersion,
            ["product_name"] = "Omnibus",
            ["product_version"] = OverviewViews.ProductVersion,
            ["users"] = new JsonArray(),
            ["vhosts"] = new JsonArray([.. vhosts.Select(v => new JsonObject { ["name"] = v.Name, ["limits"] = new JsonArray(), ["metadata"] = new JsonObject { ["description"] = OverviewViews.Description(v), ["tags"] = new JsonArray() } })]),
            ["permissions"] = new JsonArray(),
            ["topic_permissions"] = new JsonArray(),
            ["parameters"] = new JsonArray(),
            ["global_parameters"] = new JsonArray(),
            ["policies"] = new JsonArray(),
            ["queues"] = queues,
            ["exchanges"] = exchanges,
            ["bindings"] = bindings,
        };
    }

    private static void ExportInto(Vhost vhost, LiveView live, JsonArray queuesOut, JsonArray exchangesOut, JsonArray bindingsOut)
    {
        List<ExchangeDescription> exchanges = [.. vhost.Broker.ListExchanges().Where(IsExported)];
        var exported = exchanges.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        List<QueueDescription> queues = [.. vhost.Broker.ListQueues().Where(q => !live.ExclusiveOwners.ContainsKey(q.Name))];
        var queueNames = queues.Select(q => q.Name).ToHashSet(StringComparer.Ordinal);
        foreach (QueueDescription q in queues)
        {
            queuesOut.Add(new JsonObject
            {
                ["name"] = q.Name,
                ["vhost"] = vhost.Name,
                ["durable"] = true,
                ["auto_delete"] = live.AutoDelete.Contains(q.Name),
                ["arguments"] = JsonTables.ToJson(QueueArguments.FromDescription(q, vhost.Queues.IsSingleActive(q.Name))),
            });
        }
        foreach (ExchangeDescription x in exchanges)
        {
            JsonObject json = TopologyViews.Exchange(vhost, x);
            json.Remove("user_who_performed_action");
            exchangesOut.Add(json);
        }
        foreach (BindingDescription b in vhost.Broker.ListBindings()
            .Where(b => exported.Contains(b.Source) && (b.DestinationKind == BindingDestinationKind.Exchange ? exported.Contains(b.Destination) : queueNames.Contains(b.Destination))))
        {
            JsonObject json = TopologyViews.Binding(vhost, b);
            json.Remove("properties_key");
            bindingsOut.Add(json);
        }
    }

    /// <summary>What a RabbitMQ client declared: not the default exchange, not <c>amq.*</c>, and of a 0-9-1 type (not another protocol's routing points).</summary>
    private static bool IsExported(ExchangeDescription x) =>
        x.Name.Length > 0 && !x.Name.StartsWith("amq.", StringComparison.Ordinal) && Declarations.ExchangeTypeNames.Contains(x.Type);

    /// <summary>
    /// Declares what the file names, queues first, then exchanges, then bindings; what exists already must be
    /// equivalent. Each item goes to its own vhost (or to <paramref name="vhost"/> when one is named); an item of a vhost
    /// that does not exist refuses the whole import before anything is declared.
    /// </summary>
    /// <returns>Null, or why the file was refused.</returns>
    public static string? Import(ManagementState state, JsonElement file, string? vhost, CallerIdentity caller)
    {
        if (file.ValueKind != JsonValueKind.Object)
        {
            return "the definitions must be a JSON object";
        }
        if (vhost is null)
        {
            // A whole-broker file makes the vhosts it lists, as RabbitMQ's import does.
            foreach (JsonElement v in Items(file, "vhosts"))
            {
                if (Text(v, "name") is { } name && name != Vhosts.DefaultName)
                {
                    state.Vhosts.Create(name);
                }
            }
        }
        List<JsonElement> queues = Items(file, "queues"), exchanges = Items(file, "exchanges"), bindings = Items(file, "bindings");
        foreach (JsonElement item in queues.Concat(exchanges).Concat(bindings))
        {
            string itemVhost = vhost ?? Text(item, "vhost") ?? Vhosts.DefaultName;
            if (!state.TryVhost(itemVhost, out _))
            {
                return $"vhost '{itemVhost}' does not exist";
            }
        }
        Vhost VhostOf(JsonElement item)
        {
            state.TryVhost(vhost ?? Text(item, "vhost") ?? Vhosts.DefaultName, out Vhost? v);
            return v ?? throw new Amqp091Exception(ReplyCodes.NotFound, "NOT_FOUND - the vhost was deleted during the import", false);
        }
        foreach (JsonElement q in queues)
        {
            string name = Text(q, "name") ?? throw new Amqp091Exception(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - a queue without a name", false);
            Vhost v = VhostOf(q);
            Declarations.DeclareQueue(v.Broker, v.Queues, name, JsonTables.FromJson(Property(q, "arguments")), caller);
        }
        foreach (JsonElement x in exchanges)
        {
            Declarations.DeclareExchange(VhostOf(x).Broker, ManagementRequests.ExchangeFrom(Text(x, "name") ?? "", x), caller);
        }
        foreach (JsonElement b in bindings)
        {
            VhostOf(b).Broker.Bind(new BindingDescription
            {
                Source = Text(b, "source") ?? "",
                Destination = Text(b, "destination") ?? "",
                DestinationKind = Text(b, "destination_type") == "exchange" ? BindingDestinationKind.Exchange : BindingDestinationKind.Queue,
                RoutingKey = Text(b, "routing_key") ?? "",
                Arguments = MessageMapping.ToCoreTable(JsonTables.FromJson(Property(b, "arguments"))),
            }, caller);
        }
        return null;
    }

    private static List<JsonElement> Items(JsonElement file, string name) =>
        file.TryGetProperty(name, out JsonElement list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : [];

    internal static JsonElement? Property(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out JsonElement v) ? v : null;

    internal static string? Text(JsonElement item, string name) =>
        Property(item, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    /// <summary>A boolean field; rabbitmqadmin sends some as the strings <c>"true"</c> / <c>"false"</c>, which count too.</summary>
    internal static bool Flag(JsonElement item, string name, bool fallback) => Property(item, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } v when bool.TryParse(v.GetString(), out bool b) => b,
        _ => fallback,
    };

    /// <summary>An integer field, given as a number or as a string of digits (rabbitmqadmin sends <c>"count": "5"</c>).</summary>
    internal static long? Integer(JsonElement item, string name) => Property(item, name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out long n) => n,
        { ValueKind: JsonValueKind.String } v when long.TryParse(v.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long n) => n,
        _ => null,
    };
}
