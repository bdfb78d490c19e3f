using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Management.Metrics;
using Omnibus.Management.Security;

namespace Omnibus.Management.Api;

/// <summary>JSON entity management for the CLI and scripts: the core's own descriptions, plus counts.</summary>
internal static class EntityApi
{
    // Names are read from the path by ApiPathNames (percent-decoded once, so %2F is a slash in a name), not
    // from the route values, which keep %2F as Kestrel leaves it. Segments: "", "api", "queues" | "topics", name...
    private const int NameSegment = 3;
    private const int SubscriptionSegment = 5;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/entities", (Broker b) => EntitySnapshot.All(b).Select(EntityCounts.From));

        api.MapGet("/queues", (Broker b) => b.ListQueues());
        api.MapGet("/queues/{**name}", (Broker b, HttpContext http) => QueueInfo(b, ApiPathNames.Rest(http, NameSegment)));
        api.MapPut("/queues/{**name}", (Broker b, HttpContext http, QueueDescription body) => PutQueue(b, http, ApiPathNames.Rest(http, NameSegment), body));
        api.MapDelete("/queues/{**name}", (Broker b, HttpContext http) => { b.DeleteQueue(ApiPathNames.Rest(http, NameSegment), HttpCaller.Of(http)); return Results.NoContent(); });

        api.MapGet("/topics", (Broker b) => b.ListTopics());
        api.MapGet("/topics/{topic}/subscriptions", (Broker b, HttpContext http) => b.ListSubscriptions(ApiPathNames.Segment(http, NameSegment)));
        api.MapGet("/topics/{topic}/subscriptions/{name}", (Broker b, HttpContext http) =>
            SubscriptionInfo(b, ApiPathNames.Segment(http, NameSegment), ApiPathNames.Segment(http, SubscriptionSegment)));
        api.MapPut("/topics/{topic}/subscriptions/{name}", (Broker b, HttpContext http, SubscriptionDescription body, string? filter) =>
            PutSubscription(b, http, ApiPathNames.Segment(http, NameSegment), ApiPathNames.Segment(http, SubscriptionSegment), body, filter));
        api.MapDelete("/topics/{topic}/subscriptions/{name}", (Broker b, HttpContext http) =>
        {
            b.DeleteSubscription(ApiPathNames.Segment(http, NameSegment), ApiPathNames.Segment(http, SubscriptionSegment), HttpCaller.Of(http));
            return Results.NoContent();
        });
        api.MapGet("/topics/{**name}", (Broker b, HttpContext http) => TopicInfo(b, ApiPathNames.Rest(http, NameSegment)));
        api.MapPut("/topics/{**name}", (Broker b, HttpContext http, TopicDescription body) => PutTopic(b, http, ApiPathNames.Rest(http, NameSegment), body));
        api.MapDelete("/topics/{**name}", (Broker b, HttpContext http) => { b.DeleteTopic(ApiPathNames.Rest(http, NameSegment), HttpCaller.Of(http)); return Results.NoContent(); });
    }

    private static object QueueInfo(Broker b, string name) => new { Description = b.GetQueue(name), Counts = EntityCounts.From(b.GetQueueRuntimeInfo(name)) };

    private static IResult PutQueue(Broker b, HttpContext http, string name, QueueDescription body) =>
        b.ListQueues().Any(q => Same(q.Name, name))
            ? Results.Ok(b.UpdateQueue(body with { Name = name }, HttpCaller.Of(http)))
            : Results.Created($"/api/queues/{ApiPathNames.Escape(name)}", b.CreateQueue(body with { Name = name }, HttpCaller.Of(http)));

    private static object TopicInfo(Broker b, string name)
    {
        var info = b.GetTopicRuntimeInfo(name);
        return new { Description = b.GetTopic(name), info.SubscriptionCount, info.SizeInBytes, Sent = info.Totals.Sent };
    }

    private static IResult PutTopic(Broker b, HttpContext http, string name, TopicDescription body) =>
        b.ListTopics().Any(t => Same(t.Name, name))
            ? Results.Ok(b.UpdateTopic(body with { Name = name }, HttpCaller.Of(http)))
            : Results.Created($"/api/topics/{ApiPathNames.Escape(name)}", b.CreateTopic(body with { Name = name }, HttpCaller.Of(http)));

    private static object SubscriptionInfo(Broker b, string topic, string name) => new
    {
        Description = b.GetSubscription(topic, name),
        Rules = b.GetRules(topic, name),
        Counts = EntityCounts.From(b.GetSubscriptionRuntimeInfo(topic, name)),
    };

    private static IResult PutSubscription(Broker b, HttpContext http, string topic, string name, SubscriptionDescription body, string? filter) =>
        b.ListSubscriptions(topic).Any(s => Same(s.Name, name))
            ? Results.Ok(b.UpdateSubscription(body with { TopicName = topic, Name = name }, HttpCaller.Of(http)))
            : Results.Created($"/api/topics/{ApiPathNames.Escape(topic)}/subscriptions/{ApiPathNames.Escape(name)}", b.CreateSubscription(body with { TopicName = topic, Name = name },
                filter is null ? null : new RuleDescription { Name = RuleDescription.DefaultRuleName, Filter = RuleFilterDescription.Sql(filter) }, HttpCaller.Of(http)));

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);
}

/// <summary>Counts and totals of one entity, flattened for JSON and tables.</summary>
public sealed record EntityCounts(string Kind, string Path, long Active, long Scheduled, long Deferred, long DeadLettered, long SizeInBytes,
    long Sent, long Received, long Completed, long Abandoned, long DeadLetteredTotal, long Expired)
{
    public static EntityCounts From(EntitySnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Kind, s.Path, s.Active, s.Scheduled, s.Deferred, s.DeadLettered, s.SizeInBytes,
            s.Totals.Sent, s.Totals.Received, s.Totals.Completed, s.Totals.Abandoned, s.Totals.DeadLettered, s.Totals.Expired);
    }

    public static EntityCounts From(Core.Engine.EntityRuntimeInfo rt)
    {
        ArgumentNullException.ThrowIfNull(rt);
        string kind = rt.Path.Contains("/Subscriptions/", StringComparison.OrdinalIgnoreCase) ? "subscription" : "queue";
        return From(new EntitySnapshot(kind, rt.Path, rt.ActiveMessageCount, rt.ScheduledMessageCount, rt.DeferredMessageCount, rt.DeadLetterMessageCount, rt.SizeInBytes, rt.Totals));
    }
}
