using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Management;

/// <summary>The overview, who-am-I, vhosts, nodes, connections, channels, consumers and definitions requests.</summary>
internal static class ManagementRequests
{
    public static IResult Overview(HttpContext http, ManagementState state)
    {
        LiveView live = state.Live();
        JsonObject overview = OverviewViews.Overview(state, live, QueueViews.All(state, live));
        return ManagementHttp.Json(ListQuery.Project(overview, QueueRequests.Columns(http)));
    }

    public static IResult WhoAmI(HttpContext http) => ManagementHttp.Json(OverviewViews.WhoAmI(ManagementAuthenticationFilter.Caller(http).Name));

    public static IResult Vhosts(HttpContext http, ManagementState state) =>
        ListQuery.Answer(http, [OverviewViews.Vhost(state, QueueViews.All(state, state.Live()))], state.Options);

    public static IResult Vhost(HttpContext http, ManagementState state) =>
        ManagementHttp.IsKnownVhost(ManagementHttp.Segment(http, 1))
            ? ManagementHttp.Json(OverviewViews.Vhost(state, QueueViews.All(state, state.Live())))
            : ManagementHttp.NotFound();

    public static IResult Nodes(HttpContext http, ManagementState state) => ListQuery.Answer(http, [OverviewViews.Node(state)], state.Options);

    public static IResult Node(HttpContext http, ManagementState state) =>
        ManagementHttp.Segment(http, 1) == state.Options.NodeName ? ManagementHttp.Json(OverviewViews.Node(state)) : ManagementHttp.NotFound();

    /// <summary>The RabbitMQ users (<see cref="Amqp091Options.Users"/>), every one an administrator; no password hashes are given.</summary>
    public static IResult Users(HttpContext http, ManagementState state) =>
        ListQuery.Answer(http, [.. state.Amqp.Users.Keys.Order(StringComparer.Ordinal).Select(User)], state.Options);

    public static IResult OneUser(HttpContext http, ManagementState state)
    {
        string name = ManagementHttp.Segment(http, 1);
        return state.Amqp.Users.ContainsKey(name) ? ManagementHttp.Json(User(name)) : ManagementHttp.NotFound();
    }

    /// <summary>Every user may configure, write and read everything in <c>/</c>: there is no access control per entity yet.</summary>
    public static IResult Permissions(HttpContext http, ManagementState state) =>
        ManagementHttp.Json(new JsonArray([.. state.Amqp.Users.Keys.Order(StringComparer.Ordinal).Select(u => new JsonObject
        {
            ["user"] = u,
            ["vhost"] = ManagementHttp.DefaultVhost,
            ["configure"] = ".*",
            ["write"] = ".*",
            ["read"] = ".*",
        })]));

    private static JsonObject User(string name) => new()
    {
        ["name"] = name,
        ["tags"] = new JsonArray("administrator"),
        ["limits"] = new JsonObject(),
    };

    public static IResult Connections(HttpContext http, ManagementState state) =>
        ListQuery.Answer(http, [.. state.Live().Connections.Select(c => ConnectionViews.Connection(state, c))], state.Options);

    public static IResult Connection(HttpContext http, ManagementState state)
    {
        string name = ManagementHttp.Segment(http, 1);
        return state.Live().Connections.FirstOrDefault(c => c.Name == name) is { } c
            ? ManagementHttp.Json(ConnectionViews.Connection(state, c))
            : ManagementHttp.NotFound();
    }

    /// <summary>rabbitmqadmin's <c>close connection</c>: 320 CONNECTION_FORCED with the <c>X-Reason</c> header's text; 204.</summary>
    public static IResult CloseConnection(HttpContext http, ManagementState state)
    {
        string name = ManagementHttp.Segment(http, 1);
        if (state.Live().Connections.FirstOrDefault(c => c.Name == name) is not { } connection)
        {
            return ManagementHttp.NotFound();
        }
        string reason = http.Request.Headers["X-Reason"].ToString() is { Length: > 0 } given ? given : "Closed via management plugin";
        connection.CloseByOperator(reason);
        return Results.NoContent();
    }

    public static IResult ConnectionChannels(HttpContext http, ManagementState state)
    {
        string name = ManagementHttp.Segment(http, 1);
        LiveView live = state.Live();
        if (live.Connections.All(c => c.Name != name))
        {
            return ManagementHttp.NotFound();
        }
        return ListQuery.Answer(http, [.. live.Channels.Where(e => e.Connection.Name == name).Select(e => ConnectionViews.Channel(state, e.Connection, e.Channel))], state.Options);
    }

    public static IResult Channels(HttpContext http, ManagementState state) =>
        ListQuery.Answer(http, [.. state.Live().Channels.Select(e => ConnectionViews.Channel(state, e.Connection, e.Channel))], state.Options);

    public static IResult Channel(HttpContext http, ManagementState state)
    {
        string name = ManagementHttp.Segment(http, 1);
        return state.Live().Channels.FirstOrDefault(e => ConnectionViews.ChannelName(e.Connection, e.Channel) == name) is { Connection: not null } found
            ? ManagementHttp.Json(ConnectionViews.Channel(state, found.Connection, found.Channel))
            : ManagementHttp.NotFound();
    }

    public static IResult Consumers(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        if (path.Length > 1 && !ManagementHttp.IsKnownVhost(path[1]))
        {
            return ManagementHttp.NotFound();
        }
        List<JsonObject> consumers = [.. state.Live().Consumers.Select(e => ConnectionViews.Consumer(state, e.Connection, e.Channel, e.Consumer))];
        return ManagementHttp.Json(new JsonArray([.. consumers.Select(c => ListQuery.Project(c, QueueRequests.Columns(http)))]));
    }

    public static IResult ExportDefinitions(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        if (path.Length > 1 && !ManagementHttp.IsKnownVhost(path[1]))
        {
            return ManagementHttp.NotFound();
        }
        JsonObject definitions = Definitions.Export(state, state.Live());
        if (path.Length > 1)
        {
            // A vhost's export names neither vhosts nor users, as RabbitMQ's.
            foreach (string key in new[] { "users", "vhosts", "permissions", "topic_permissions", "global_parameters" })
            {
                definitions.Remove(key);
            }
        }
        return ManagementHttp.Json(definitions);
    }

    /// <summary>Imports a definitions file (JSON body, or the <c>file</c> field of a form as the web UI sends it): 204 when everything was declared.</summary>
    public static async Task<IResult> ImportDefinitionsAsync(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        string? vhost = path.Length > 1 ? path[1] : null;
        if (vhost is not null && !ManagementHttp.IsKnownVhost(vhost))
        {
            return ManagementHttp.NotFound();
        }
        using JsonDocument body = http.Request.HasFormContentType
            ? JsonDocument.Parse((await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false))["file"].ToString())
            : await QueueRequests.ReadBodyAsync(http).ConfigureAwait(false);
        string? refused = Definitions.Import(state, body.RootElement, vhost, ManagementAuthenticationFilter.Caller(http));
        return refused is null ? Results.NoContent() : ManagementHttp.BadRequest(refused);
    }

    /// <summary>An exchange from a JSON declaration (<c>type</c>, <c>durable</c>, <c>auto_delete</c>, <c>internal</c>, <c>arguments</c>), with RabbitMQ's defaults.</summary>
    public static ExchangeDescription ExchangeFrom(string name, JsonElement json)
    {
        Dictionary<string, object?> arguments = JsonTables.FromJson(Definitions.Property(json, "arguments"));
        return new ExchangeDescription
        {
            Name = name,
            Type = Definitions.Text(json, "type") ?? ExchangeTypes.Direct,
            Durable = Definitions.Flag(json, "durable", fallback: true),
            AutoDelete = Definitions.Flag(json, "auto_delete", fallback: false),
            Internal = Definitions.Flag(json, "internal", fallback: false),
            AlternateExchange = arguments.GetValueOrDefault("alternate-exchange") as string,
            Arguments = MessageMapping.ToCoreTable(arguments),
        };
    }
}
