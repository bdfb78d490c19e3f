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
        JsonObject overview = OverviewViews.Overview(state, live, QueueViews.All(state));
        return ManagementHttp.Json(ListQuery.Project(overview, QueueRequests.Columns(http)));
    }

    public static IResult WhoAmI(HttpContext http) => ManagementHttp.Json(OverviewViews.WhoAmI(ManagementAuthenticationFilter.Caller(http).Name));

    public static IResult Vhosts(HttpContext http, ManagementState state) =>
        ListQuery.Answer(http, [.. state.AllVhosts().Select(v => OverviewViews.Vhost(state, v, QueueViews.All(state, v, state.Live(v))))], state.Options);

    public static IResult Vhost(HttpContext http, ManagementState state) =>
        state.TryVhost(ManagementHttp.Segment(http, 1), out Vhost? v)
            ? ManagementHttp.Json(OverviewViews.Vhost(state, v, QueueViews.All(state, v, state.Live(v))))
            : ManagementHttp.NotFound();

    /// <summary>Creates the vhost (a namespace of the core): 201, or 204 when it existed.</summary>
    public static IResult PutVhost(HttpContext http, ManagementState state)
    {
        string name = ManagementHttp.Segment(http, 1);
        try
        {
            return state.Vhosts.Create(name) ? Results.StatusCode(StatusCodes.Status201Created) : Results.NoContent();
        }
        catch (Core.MessagingException e) when (e.Code is Core.MessagingErrorCode.InvalidArgument or Core.MessagingErrorCode.InvalidOperation)
        {
            return ManagementHttp.BadRequest(e.Message);
        }
    }

    /// <summary>Deletes the vhost with everything in it, closing its connections first (320, as RabbitMQ): 204, 404 when there is none.</summary>
    public static IResult DeleteVhost(HttpContext http, ManagementState state)
    {
        string name = ManagementHttp.Segment(http, 1);
        if (!state.TryVhost(name, out Vhost? vhost))
        {
            return ManagementHttp.NotFound();
        }
        if (name == Amqp091.Vhosts.DefaultName)
        {
            return ManagementHttp.BadRequest("the default vhost '/' cannot be deleted");
        }
        foreach (Connection.Amqp091Connection c in state.Live(vhost).Connections)
        {
            c.CloseByOperator($"vhost '{name}' is deleted");
        }
        return state.Vhosts.Delete(name) ? Results.NoContent() : ManagementHttp.NotFound();
    }

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

    /// <summary>Every user may configure, write and read everything in every vhost: there is no access control per entity yet.</summary>
    public static IResult Permissions(HttpContext http, ManagementState state) =>
        ManagementHttp.Json(new JsonArray([.. state.Amqp.Users.Keys.Order(StringComparer.Ordinal).SelectMany(u => state.Vhosts.Names.Select(v => (User: u, Vhost: v))).Select(p => new JsonObject
        {
            ["user"] = p.User,
            ["vhost"] = p.Vhost,
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
        Vhost? vhost = null;
        if (path.Length > 1 && !state.TryVhost(path[1], out vhost))
        {
            return ManagementHttp.NotFound();
        }
        List<JsonObject> consumers = [.. state.Live(vhost).Consumers.Select(e => ConnectionViews.Consumer(state, e.Connection, e.Channel, e.Consumer))];
        return ManagementHttp.Json(new JsonArray([.. consumers.Select(c => ListQuery.Project(c, QueueRequests.Columns(http)))]));
    }

    public static IResult ExportDefinitions(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        Vhost? vhost = null;
        if (path.Length > 1 && !state.TryVhost(path[1], out vhost))
        {
            return ManagementHttp.NotFound();
        }
        JsonObject definitions = Definitions.Export(state, vhost);
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
        if (vhost is not null && !state.TryVhost(vhost, out _))
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
