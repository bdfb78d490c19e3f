using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Management;

/// <summary><c>/api/exchanges</c> (list, show, declare, delete, an exchange's bindings) and <c>/api/bindings</c> (list, create, show, delete).</summary>
internal static class TopologyRequests
{
    public static IResult ListExchanges(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        Vhost? only = null;
        if (path.Length > 1 && !state.TryVhost(path[1], out only))
        {
            return ManagementHttp.NotFound();
        }
        IEnumerable<Vhost> vhosts = only is null ? state.AllVhosts() : [only];
        return ListQuery.Answer(http, [.. vhosts.SelectMany(v => v.Broker.ListExchanges().Select(x => TopologyViews.Exchange(v, x)))], state.Options);
    }

    /// <summary>The management API names the default exchange <c>amq.default</c> in paths.</summary>
    public static string ExchangeName(string segment) => segment == "amq.default" ? "" : segment;

    public static IResult GetExchange(HttpContext http, ManagementState state)
    {
        (string vhost, string segment) = QueueRequests.VhostAndName(http);
        string name = ExchangeName(segment);
        return state.TryVhost(vhost, out Vhost? v) && Declarations.ExchangeExists(v.Broker, name)
            ? ManagementHttp.Json(ListQuery.Project(TopologyViews.Exchange(v, v.Broker.GetExchange(name)), QueueRequests.Columns(http)))
            : ManagementHttp.NotFound();
    }

    /// <summary>Declares the exchange from <c>{"type", "durable", "auto_delete", "internal", "arguments"}</c>: 201 when created, 204 when an equivalent one existed.</summary>
    public static async Task<IResult> PutExchangeAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string name) = QueueRequests.VhostAndName(http);
        if (!state.TryVhost(vhost, out Vhost? v))
        {
            return ManagementHttp.NotFound();
        }
        using JsonDocument body = await QueueRequests.ReadBodyAsync(http).ConfigureAwait(false);
        if (Definitions.Text(body.RootElement, "type") is null)
        {
            return ManagementHttp.BadRequest("[{key_missing,type}]");
        }
        bool existed = Declarations.ExchangeExists(v.Broker, name);
        Declarations.DeclareExchange(v.Broker, ManagementRequests.ExchangeFrom(name, body.RootElement), ManagementAuthenticationFilter.Caller(http));
        return existed ? Results.NoContent() : Results.StatusCode(StatusCodes.Status201Created);
    }

    /// <summary>Deletes the exchange with its bindings; <c>if-unused=true</c> refuses one that is a binding's source.</summary>
    public static IResult DeleteExchange(HttpContext http, ManagementState state)
    {
        (string vhost, string segment) = QueueRequests.VhostAndName(http);
        string name = ExchangeName(segment);
        if (!state.TryVhost(vhost, out Vhost? v) || (name.Length > 0 && !Declarations.ExchangeExists(v.Broker, name)))
        {
            return ManagementHttp.NotFound();
        }
        if (name.Length == 0 || name.StartsWith("amq.", StringComparison.Ordinal))
        {
            return ManagementHttp.Error(StatusCodes.Status403Forbidden, "access_refused", $"deletion of system exchange '{name}' is not allowed");
        }
        v.Broker.DeleteExchange(name, ManagementHttp.Flag(http, "if-unused"), ManagementAuthenticationFilter.Caller(http));
        return Results.NoContent();
    }

    /// <summary><c>…/bindings/source</c> (bindings from the exchange) or <c>…/bindings/destination</c> (to it).</summary>
    public static IResult ExchangeBindings(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        (string vhost, string name, string side) = (path[1], ExchangeName(path[2]), path[4]);
        if (!state.TryVhost(vhost, out Vhost? v) || (name.Length > 0 && !Declarations.ExchangeExists(v.Broker, name)))
        {
            return ManagementHttp.NotFound();
        }
        IEnumerable<JsonObject> bindings = side == "source"
            ? (name.Length == 0 ? v.Broker.ListQueues().Select(q => TopologyViews.DefaultBinding(v, q)) : v.Broker.ListBindings(name).Select(b => TopologyViews.Binding(v, b)))
            : v.Broker.ListBindings().Where(b => b.DestinationKind == BindingDestinationKind.Exchange && b.Destination == name).Select(b => TopologyViews.Binding(v, b));
        return ManagementHttp.Json(new JsonArray([.. bindings]));
    }

    public static IResult ListBindings(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        Vhost? only = null;
        if (path.Length > 1 && !state.TryVhost(path[1], out only))
        {
            return ManagementHttp.NotFound();
        }
        IEnumerable<Vhost> vhosts = only is null ? state.AllVhosts() : [only];
        return ListQuery.Answer(http, [.. vhosts.SelectMany(TopologyViews.AllBindings)], state.Options);
    }

    /// <summary><c>/api/bindings/{vhost}/e/{source}/{q|e}/{destination}</c>: the bindings between the two.</summary>
    public static IResult BindingsBetween(HttpContext http, ManagementState state) =>
        Between(http, state) is ({ } v, { } found) ? ManagementHttp.Json(new JsonArray([.. found.Select(b => TopologyViews.Binding(v, b))])) : ManagementHttp.NotFound();

    /// <summary>Binds from <c>{"routing_key", "arguments"}</c>: 201 with the new binding's address in <c>Location</c>.</summary>
    public static async Task<IResult> CreateBindingAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string source, BindingDestinationKind kind, string destination) = BindingPath(http);
        if (!state.TryVhost(vhost, out Vhost? v))
        {
            return ManagementHttp.NotFound();
        }
        if (source.Length == 0)
        {
            return ManagementHttp.Error(StatusCodes.Status403Forbidden, "access_refused", "operation not permitted on the default exchange");
        }
        using JsonDocument body = await QueueRequests.ReadBodyAsync(http).ConfigureAwait(false);
        var binding = new BindingDescription
        {
            Source = source,
            Destination = destination,
            DestinationKind = kind,
            RoutingKey = Definitions.Text(body.RootElement, "routing_key") ?? "",
            Arguments = MessageMapping.ToCoreTable(JsonTables.FromJson(Definitions.Property(body.RootElement, "arguments"))),
        };
        v.Broker.Bind(binding, ManagementAuthenticationFilter.Caller(http));
        string key = TopologyViews.Binding(v, binding)["properties_key"]!.GetValue<string>();
        http.Response.Headers.Location = Uri.EscapeDataString(key);
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    public static IResult GetBinding(HttpContext http, ManagementState state) =>
        Find(http, state) is ({ } v, { } binding) ? ManagementHttp.Json(TopologyViews.Binding(v, binding)) : ManagementHttp.NotFound();

    public static IResult DeleteBinding(HttpContext http, ManagementState state)
    {
        if (Find(http, state) is not ({ } v, { } binding))
        {
            return ManagementHttp.NotFound();
        }
        v.Broker.Unbind(binding, ManagementAuthenticationFilter.Caller(http));
        return Results.NoContent();
    }

    private static (Vhost? Vhost, BindingDescription? Binding) Find(HttpContext http, ManagementState state)
    {
        string key = ManagementHttp.Segments(http)[6];
        (Vhost? v, List<BindingDescription>? between) = Between(http, state);
        return v is null || between is null ? default : (v, between.FirstOrDefault(b => TopologyViews.Binding(v, b)["properties_key"]!.GetValue<string>() == key));
    }

    /// <summary>The vhost and the bindings the path names; both null when the vhost or the source exchange does not exist.</summary>
    private static (Vhost? Vhost, List<BindingDescription>? Bindings) Between(HttpContext http, ManagementState state)
    {
        (string vhost, string source, BindingDestinationKind kind, string destination) = BindingPath(http);
        if (!state.TryVhost(vhost, out Vhost? v) || !Declarations.ExchangeExists(v.Broker, source))
        {
            return default;
        }
        if (source.Length == 0)
        {
            return (v, kind == BindingDestinationKind.Queue && Declarations.QueueExists(v.Broker, destination)
                ? [new BindingDescription { Source = "", Destination = destination, RoutingKey = destination }]
                : []);
        }
        return (v, [.. v.Broker.ListBindings(source).Where(b => b.DestinationKind == kind && b.Destination == destination)]);
    }

    private static (string Vhost, string Source, BindingDestinationKind Kind, string Destination) BindingPath(HttpContext http)
    {
        // bindings / {vhost} / e / {source} / q|e / {destination} [/ {props}]
        string[] path = ManagementHttp.Segments(http);
        return (path[1], ExchangeName(path[3]), path[4] == "e" ? BindingDestinationKind.Exchange : BindingDestinationKind.Queue, path[5]);
    }
}
