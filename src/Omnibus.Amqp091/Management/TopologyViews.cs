using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Management;

/// <summary>Exchanges and bindings as <c>/api/exchanges</c> and <c>/api/bindings</c> show them.</summary>
internal static class TopologyViews
{
    public static JsonObject Exchange(Vhost vhost, ExchangeDescription x)
    {
        Dictionary<string, object?> arguments = new(x.Arguments, StringComparer.Ordinal);
        if (x.AlternateExchange is { } alternate)
        {
            arguments["alternate-exchange"] = alternate;
        }
        return new JsonObject
        {
            ["name"] = x.Name,
            ["vhost"] = vhost.Name,
            ["type"] = Declarations.TypeNameOf(x),
            ["durable"] = x.Durable,
            ["auto_delete"] = x.AutoDelete,
            ["internal"] = x.Internal,
            ["arguments"] = JsonTables.ToJson(arguments),
            ["user_who_performed_action"] = "omnibus",
        };
    }

    public static JsonObject Binding(Vhost vhost, BindingDescription b)
    {
        JsonObject arguments = JsonTables.ToJson(b.Arguments);
        return new JsonObject
        {
            ["source"] = b.Source,
            ["vhost"] = vhost.Name,
            ["destination"] = b.Destination,
            ["destination_type"] = b.DestinationKind == BindingDestinationKind.Exchange ? "exchange" : "queue",
            ["routing_key"] = b.RoutingKey,
            ["arguments"] = arguments,
            ["properties_key"] = PropertiesKey(b.RoutingKey, arguments),
        };
    }

    /// <summary>
    /// The binding's identity in URLs: the routing key when there are no arguments (as RabbitMQ), else the key, <c>~</c>
    /// and a digest of the arguments (RabbitMQ's own digest differs; a key is only ever used against the broker that gave it).
    /// </summary>
    public static string PropertiesKey(string routingKey, JsonObject arguments)
    {
        if (arguments.Count == 0)
        {
            return routingKey.Length == 0 ? "~" : routingKey;
        }
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(arguments.ToJsonString()));
        return routingKey + "~" + Convert.ToBase64String(digest, 0, 9).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Every binding: the default exchange's implicit one to each queue first, as RabbitMQ lists them, then the declared ones.</summary>
    public static List<JsonObject> AllBindings(Vhost vhost)
    {
        List<JsonObject> all = [.. vhost.Broker.ListQueues().Select(q => DefaultBinding(vhost, q))];
        all.AddRange(vhost.Broker.ListBindings().Select(b => Binding(vhost, b)));
        return all;
    }

    public static JsonObject DefaultBinding(Vhost vhost, QueueDescription q) => Binding(vhost, new BindingDescription { Source = "", Destination = q.Name, RoutingKey = q.Name });
}
