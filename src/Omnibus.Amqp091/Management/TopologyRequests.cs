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
        if (path.Length > 1 && !ManagementHttp.IsKnownVhost(path[1]))
        {
            return ManagementHttp.NotFound();
        }
        return ListQuery.Answer(http, [.. state.Broker.ListExchanges().Select(TopologyViews.Exchange)], state.Options);
    }

    /// <summary>The management API names the default exchange <c>amq.default</c> in paths.</summary>
    public static string ExchangeName(string segment) => segment == "amq.default" ? "" : segment;

    public static IResult GetExchange(HttpContext http, ManagementState state)
    {
        (string vhost, string segment) = QueueRequests.VhostAndName(http);
        string name = ExchangeName(segment);
        return ManagementHttp.IsKnownVhost(vhost) && Declarations.ExchangeExists(state.Broker, name)
            ? ManagementHttp.Json(ListQuery.Project(TopologyViews.Exchange(state.Broker.GetExchange(name)), QueueRequests.Columns(http)))
            : ManagementHttp.NotFound();
    }

    /// <summary>Declares the exchange from <c>{"type", "durable", "auto_delete", "internal", "arguments"}</c>: 201 when created, 204 when an equivalent one existed.</summary>
    public static async Task<IResult> PutExchangeAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string name) = QueueRequests.VhostAndName(http);
        if (!ManagementHttp.IsKnownVhost(vhost))
        {
            return ManagementHttp.NotFound();
        }
        using JsonDocument body = await QueueRequests.ReadBodyAsync(http).ConfigureAwait(false);
        if (Definitions.Text(body.RootElement, "type") is null)
        {
            return ManagementHttp.BadRequest("[{key_missing,type}]");
        }
        bool existed = Declarations.ExchangeExists(state.Broker, name);
        Declarations.DeclareExchange(state.Broker, ManagementRequests.ExchangeFrom(name, body.RootElement), ManagementAuthenticationFilter.Caller(http));
        return existed ? Results.NoContent() : Results.StatusCode(StatusCodes.Status201Created);
    }

    /// <summary>Deletes the exchange with its bindings; <c>if-unused=true</c> refuses one that is a binding's source.</summary>
    public static IResult DeleteExchange(HttpContext http, ManagementState state)
    {
        (string vhost, string segment) = QueueRequests.VhostAndName(http);
        string name = ExchangeName(segment);
        if (!ManagementHttp.IsKnownVhost(vhost) || (name.Length > 0 && !Declarations.ExchangeExists(state.Broker, name)))
        {
            return ManagementHttp.NotFound();
        }
        if (name.Length == 0 || name.StartsWith("amq.", StringComparison.Ordinal))
        {
            return ManagementHttp.Error(StatusCodes.Status403Forbidden, "access_refused", $"deletion of system exchange '{name}' is not allowed");
        }
        state.Broker.DeleteExchange(name, ManagementHttp.Flag(http, "if-unused"), ManagementAuthenticationFilter.Caller(http));
        return Results.NoContent();
    }

    /// <summary><c>…/bindings/source</c> (bindings from the exchange) or <c>…/bindings/destination</c> (to it).</summary>
    public static IResult ExchangeBindings(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        (string vhost, string name, string side) = (path[1], ExchangeName(path[2]), path[4]);
        if (!ManagementHttp.IsKnownVhost(vhost) || (name.Length > 0 && !Declarations.ExchangeExists(state.Broker, name)))
        {
            return ManagementHttp.NotFound();
        }
        IEnumerable<JsonObject> bindings = side == "source"
            ? (name.Length == 0 ? state.Broker.ListQueues().Select(TopologyViews.DefaultBinding) : state.Broker.ListBindings(name).Select(TopologyViews.Binding))
            : state.Broker.ListBindings().Where(b => b.DestinationKind == BindingDestinationKind.Exchange && b.Destination == name).Select(TopologyViews.Binding);
        return ManagementHttp.Json(new JsonArray([.. bindings]));
    }

    public static IResult ListBindings(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        if (path.Length > 1 && !ManagementHttp.IsKnownVhost(path[1]))
        {
            return ManagementHttp.NotFound();
        }
        return ListQuery.Answer(http, TopologyViews.AllBindings(state.Broker), state.Options);
    }

    /// <summary><c>/api/bindings/{vhost}/e/{source}/{q|e}/{destination}</c>: the bindings between the two.</summary>
    public static IResult BindingsBetween(HttpContext http, ManagementState state) =>
        Between(http, state) is { } found ? ManagementHttp.Json(new JsonArray([.. found.Select(TopologyViews.Binding)])) : ManagementHttp.NotFound();

    /// <summary>Binds from <c>{"routing_key", "arguments"}</c>: 201 with the new binding's address in <c>Location</c>.</summary>
    public static async Task<IResult> CreateBindingAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string source, BindingDestinationKind kind, string destination) = BindingPath(http);
        if (!ManagementHttp.IsKnownVhost(vhost))
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
        state.Broker.Bind(binding, ManagementAuthenticationFilter.Caller(http));
        string key = TopologyViews.Binding(binding)["properties_key"]!.GetValue<string>();
        http.Response.Headers.Location = Uri.EscapeDataString(key);
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    public static IResult GetBinding(HttpContext http, ManagementState state) =>
        Find(http, state) is { } binding ? ManagementHttp.Json(TopologyViews.Binding(binding)) : ManagementHttp.NotFound();

    public static IResult DeleteBinding(HttpContext http, ManagementState state)
    {
        if (Find(http, state) is not { } binding)
        {
            return ManagementHttp.NotFound();
        }
        state.Broker.Unbind(binding, ManagementAuthenticationFilter.Caller(http));
        return Results.NoContent();
    }

    private static BindingDescription? Find(HttpContext http, ManagementState state)
    {
        string key = ManagementHttp.Segments(http)[6];
        return Between(http, state)?.FirstOrDefault(b => TopologyViews.Binding(b)["properties_key"]!.GetValue<string>() == key);
    }

    private static List<BindingDescription>? Between(HttpContext http, ManagementState state)
    {
        (string vhost, string source, BindingDestinationKind kind, string destination) = BindingPath(http);
        if (!ManagementHttp.IsKnownVhost(vhost) || !Declarations.ExchangeExists(state.Broker, source))
        {
            return null;
        }
        if (source.Length == 0)
        {
            return kind == BindingDestinationKind.Queue && Declarations.QueueExists(state.Broker, destination)
                ? [new BindingDescription { Source = "", Destination = destination, RoutingKey = destination }]
                : [];
        }
        return [.. state.Broker.ListBindings(source).Where(b => b.DestinationKind == kind && b.Destination == destination)];
    }

    private static (string Vhost, string Source, BindingDestinationKind Kind, string Destination) BindingPath(HttpContext http)
    {
        // bindings / {vhost} / e / {source} / q|e / {destination} [/ {props}]
        string[] path = ManagementHttp.Segments(http);
        return (path[1], ExchangeName(path[3]), path[4] == "e" ? BindingDestinationKind.Exchange : BindingDestinationKind.Queue, path[5]);
    }
}
