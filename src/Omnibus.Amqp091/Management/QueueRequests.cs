using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Omnibus.Core.Engine;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Management;

/// <summary><c>/api/queues</c>: list, show, declare (PUT), delete, purge (DELETE …/contents) and a queue's bindings.</summary>
internal static class QueueRequests
{
    public static IResult List(HttpContext http, ManagementState state)
    {
        string[] path = ManagementHttp.Segments(http);
        if (path.Length <= 1)
        {
            return ListQuery.Answer(http, QueueViews.All(state), state.Options);
        }
        return state.TryVhost(path[1], out Vhost? v)
            ? ListQuery.Answer(http, QueueViews.All(state, v, state.Live(v)), state.Options)
            : ManagementHttp.NotFound();
    }

    public static IResult Get(HttpContext http, ManagementState state)
    {
        (string vhost, string name) = VhostAndName(http);
        return state.TryVhost(vhost, out Vhost? v) && QueueViews.TryOne(state, v, state.Live(v), name) is { } queue
            ? ManagementHttp.Json(ListQuery.Project(queue, Columns(http)))
            : ManagementHttp.NotFound();
    }

    /// <summary>Declares the queue from <c>{"durable", "auto_delete", "arguments"}</c>: 201 when created, 204 when an equivalent one existed.</summary>
    public static async Task<IResult> PutAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string name) = VhostAndName(http);
        if (!state.TryVhost(vhost, out Vhost? v))
        {
            return ManagementHttp.NotFound();
        }
        using JsonDocument body = await ReadBodyAsync(http).ConfigureAwait(false);
        Dictionary<string, object?> arguments = JsonTables.FromJson(Definitions.Property(body.RootElement, "arguments"));
        bool created = Declarations.DeclareQueue(v.Broker, v.Queues, name, arguments, ManagementAuthenticationFilter.Caller(http));
        return created ? Results.StatusCode(StatusCodes.Status201Created) : Results.NoContent();
    }

    /// <summary>Deletes the queue; <c>if-empty=true</c> and <c>if-unused=true</c> refuse with 400 as RabbitMQ does.</summary>
    public static IResult Delete(HttpContext http, ManagementState state)
    {
        (string vhost, string name) = VhostAndName(http);
        if (!state.TryVhost(vhost, out Vhost? v) || !Declarations.QueueExists(v.Broker, name))
        {
            return ManagementHttp.NotFound();
        }
        if (ManagementHttp.Flag(http, "if-empty") && v.Broker.GetQueueRuntimeInfo(name).ActiveMessageCount > 0)
        {
            return ManagementHttp.BadRequest($"queue '{name}' in vhost '{vhost}' is not empty");
        }
        if (ManagementHttp.Flag(http, "if-unused") && state.Live(v).ConsumersByQueue.GetValueOrDefault(name) > 0)
        {
            return ManagementHttp.BadRequest($"queue '{name}' in vhost '{vhost}' in use");
        }
        v.Queues.Forget(name);
        v.Broker.DeleteQueue(name, ManagementAuthenticationFilter.Caller(http));
        return Results.NoContent();
    }

    /// <summary>Removes every ready message (those held by consumers stay, as in RabbitMQ).</summary>
    public static async Task<IResult> PurgeAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string name) = VhostAndName(http);
        if (!state.TryVhost(vhost, out Vhost? v))
        {
            return ManagementHttp.NotFound();
        }
        Receivable receivable = v.Broker.GetReceivable(name, ManagementAuthenticationFilter.Caller(http));
        while ((await receivable.ReceiveAsync(256, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete).ConfigureAwait(false)).Count > 0)
        {
        }
        return Results.NoContent();
    }

    /// <summary>The bindings to a queue, the default exchange's first.</summary>
    public static IResult Bindings(HttpContext http, ManagementState state)
    {
        (string vhost, string name) = VhostAndName(http);
        if (!state.TryVhost(vhost, out Vhost? v) || !Declarations.QueueExists(v.Broker, name))
        {
            return ManagementHttp.NotFound();
        }
        List<JsonObject> bindings = [TopologyViews.DefaultBinding(v, v.Broker.GetQueue(name))];
        bindings.AddRange(v.Broker.ListBindings()
            .Where(b => b.DestinationKind == BindingDestinationKind.Queue && b.Destination == name)
            .Select(b => TopologyViews.Binding(v, b)));
        return ManagementHttp.Json(new JsonArray([.. bindings]));
    }

    internal static (string Vhost, string Name) VhostAndName(HttpContext http)
    {
        string[] path = ManagementHttp.Segments(http);
        return (path[1], path[2]);
    }

    internal static string[] Columns(HttpContext http) =>
        http.Request.Query["columns"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The request's JSON body; an empty body reads as <c>{}</c>.</summary>
    internal static async Task<JsonDocument> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        return buffer.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(buffer.ToArray());
    }
}
