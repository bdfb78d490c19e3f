using System.CommandLine;
using System.Text.Json;

namespace Omnibus.Server.Cli;

/// <summary><c>omnibus queue|topic|subscription create|list|show|delete</c>.</summary>
internal static class EntityCommands
{
    private static readonly string[] CountHeaders = ["name", "active", "scheduled", "deferred", "dead-lettered", "bytes"];

    public static Command Queue(CliContext ctx)
    {
        var name = new Argument<string>("name") { Description = "Queue name." };
        var lockDuration = new Option<TimeSpan?>("--lock-duration") { Description = "Peek-lock duration (hh:mm:ss)." };
        var maxDelivery = new Option<int?>("--max-delivery-count") { Description = "Attempts before dead-lettering." };
        var ttl = new Option<TimeSpan?>("--ttl") { Description = "Default message time to live." };
        var sessions = new Option<bool>("--requires-session") { Description = "Session-aware queue." };
        var dedup = new Option<bool>("--duplicate-detection") { Description = "Drop repeated message ids within the window." };
        var partitions = new Option<int?>("--partitions") { Description = "Partition count (1-32)." };
        var forward = new Option<string?>("--forward-to") { Description = "Forward every message to this queue or topic." };
        var dlOnExpiry = new Option<bool>("--dead-letter-on-expiration") { Description = "Dead-letter expired messages." };
        var maxPriority = new Option<int?>("--max-priority") { Description = "Highest message priority received first (1-255; none by default)." };

        var create = new Command("create", "Create a queue.") { name, lockDuration, maxDelivery, ttl, sessions, dedup, partitions, forward, dlOnExpiry, maxPriority };
        create.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            var body = new Dictionary<string, object?> { ["name"] = p.GetValue(name) };
            Put(body, "lockDuration", p.GetValue(lockDuration));
            Put(body, "maxDeliveryCount", p.GetValue(maxDelivery));
            Put(body, "defaultMessageTimeToLive", p.GetValue(ttl));
            Put(body, "requiresSession", p.GetValue(sessions) ? true : null);
            Put(body, "requiresDuplicateDetection", p.GetValue(dedup) ? true : null);
            Put(body, "partitionCount", p.GetValue(partitions));
            Put(body, "forwardTo", p.GetValue(forward));
            Put(body, "deadLetteringOnMessageExpiration", p.GetValue(dlOnExpiry) ? true : null);
            Put(body, "maxPriority", p.GetValue(maxPriority));
            JsonElement created = await c.PutAsync($"api/queues/{Uri.EscapeDataString(p.GetValue(name)!)}", body).ConfigureAwait(false);
            ctx.Print(p, created, e => ctx.Output.WriteLine($"Created queue {Table.Field(e, "name")}."));
        }));

        var queue = new Command("queue", "Manage queues.") { create };
        AddListShowDelete(ctx, queue, "queue", "api/queues", "queue");
        return queue;
    }

    public static Command Topic(CliContext ctx)
    {
        var name = new Argument<string>("name") { Description = "Topic name." };
        var ttl = new Option<TimeSpan?>("--ttl") { Description = "Default message time to live." };
        var dedup = new Option<bool>("--duplicate-detection") { Description = "Drop repeated message ids within the window." };
        var partitions = new Option<int?>("--partitions") { Description = "Partition count (1-32)." };
        var create = new Command("create", "Create a topic.") { name, ttl, dedup, partitions };
        create.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            var body = new Dictionary<string, object?> { ["name"] = p.GetValue(name) };
            Put(body, "defaultMessageTimeToLive", p.GetValue(ttl));
            Put(body, "requiresDuplicateDetection", p.GetValue(dedup) ? true : null);
            Put(body, "partitionCount", p.GetValue(partitions));
            JsonElement created = await c.PutAsync($"api/topics/{Uri.EscapeDataString(p.GetValue(name)!)}", body).ConfigureAwait(false);
            ctx.Print(p, created, e => ctx.Output.WriteLine($"Created topic {Table.Field(e, "name")}."));
        }));
        var topic = new Command("topic", "Manage topics.") { create };
        AddListShowDelete(ctx, topic, "topic", "api/topics", "topic");
        return topic;
    }

    public static Command Subscription(CliContext ctx)
    {
        Argument<string> Topic() => new("topic") { Description = "Topic name." };
        Argument<string> Name() => new("name") { Description = "Subscription name." };
        Argument<string> topicA = Topic(), nameA = Name();
        var lockDuration = new Option<TimeSpan?>("--lock-duration") { Description = "Peek-lock duration (hh:mm:ss)." };
        var maxDelivery = new Option<int?>("--max-delivery-count") { Description = "Attempts before dead-lettering." };
        var sessions = new Option<bool>("--requires-session") { Description = "Session-aware subscription." };
        var filter = new Option<string?>("--filter") { Description = "SQL filter of the $Default rule (default: every message)." };
        var create = new Command("create", "Create a subscription.") { topicA, nameA, lockDuration, maxDelivery, sessions, filter };
        create.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            string topic = p.GetValue(topicA)!, name = p.GetValue(nameA)!;
            var body = new Dictionary<string, object?> { ["topicName"] = topic, ["name"] = name };
            Put(body, "lockDuration", p.GetValue(lockDuration));
            Put(body, "maxDeliveryCount", p.GetValue(maxDelivery));
            Put(body, "requiresSession", p.GetValue(sessions) ? true : null);
            string query = p.GetValue(filter) is { } f ? "?filter=" + Uri.EscapeDataString(f) : "";
            JsonElement created = await c.PutAsync($"api/topics/{Uri.EscapeDataString(topic)}/subscriptions/{Uri.EscapeDataString(name)}{query}", body).ConfigureAwait(false);
            ctx.Print(p, created, e => ctx.Output.WriteLine($"Created subscription {topic}/Subscriptions/{Table.Field(e, "name")}."));
        }));

        Argument<string> listTopic = Topic();
        var list = new Command("list", "List the subscriptions of a topic with their counts.") { listTopic };
        list.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            string prefix = p.GetValue(listTopic) + "/Subscriptions/";
            JsonElement all = await c.GetAsync("api/entities").ConfigureAwait(false);
            var subs = all.EnumerateArray().Where(e => Table.Field(e, "kind") == "subscription"
                && Table.Field(e, "path").StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            ctx.Print(p, JsonSerializer.SerializeToElement(subs), _ => CountsTable(ctx.Output, subs));
        }));

        Argument<string> showTopic = Topic(), showName = Name();
        var show = new Command("show", "Show a subscription's settings, rules and counts.") { showTopic, showName };
        show.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement s = await c.GetAsync($"api/topics/{Uri.EscapeDataString(p.GetValue(showTopic)!)}/subscriptions/{Uri.EscapeDataString(p.GetValue(showName)!)}").ConfigureAwait(false);
            ctx.Print(p, s, e => Table.WriteObject(ctx.Output, e));
        }));

        Argument<string> delTopic = Topic(), delName = Name();
        var delete = new Command("delete", "Delete a subscription and its messages.") { delTopic, delName };
        delete.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            await c.DeleteAsync($"api/topics/{Uri.EscapeDataString(p.GetValue(delTopic)!)}/subscriptions/{Uri.EscapeDataString(p.GetValue(delName)!)}").ConfigureAwait(false);
            ctx.Output.WriteLine($"Deleted subscription {p.GetValue(delTopic)}/Subscriptions/{p.GetValue(delName)}.");
        }));
        return new Command("subscription", "Manage topic subscriptions.") { create, list, show, delete };
    }

    private static void AddListShowDelete(CliContext ctx, Command parent, string kind, string route, string label)
    {
        var list = new Command("list", $"List {kind}s with their message counts.");
        list.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement all = await c.GetAsync("api/entities").ConfigureAwait(false);
            var rows = all.EnumerateArray().Where(e => Table.Field(e, "kind") == kind).ToList();
            ctx.Print(p, JsonSerializer.SerializeToElement(rows), _ => CountsTable(ctx.Output, rows));
        }));
        var showName = new Argument<string>("name");
        var show = new Command("show", $"Show a {kind}'s settings and counts.") { showName };
        show.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement e = await c.GetAsync($"{route}/{Uri.EscapeDataString(p.GetValue(showName)!)}").ConfigureAwait(false);
            ctx.Print(p, e, x => Table.WriteObject(ctx.Output, x));
        }));
        var delName = new Argument<string>("name");
        var delete = new Command("delete", $"Delete a {kind} and everything in it.") { delName };
        delete.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            await c.DeleteAsync($"{route}/{Uri.EscapeDataString(p.GetValue(delName)!)}").ConfigureAwait(false);
            ctx.Output.WriteLine($"Deleted {label} {p.GetValue(delName)}.");
        }));
        parent.Subcommands.Add(list);
        parent.Subcommands.Add(show);
        parent.Subcommands.Add(delete);
    }

    public static void CountsTable(TextWriter output, IEnumerable<JsonElement> rows) =>
        Table.Write(output, CountHeaders, rows.Select(e => (IReadOnlyList<string>)
        [
            Table.Field(e, "path"), Table.Field(e, "active"), Table.Field(e, "scheduled"),
            Table.Field(e, "deferred"), Table.Field(e, "deadLettered"), Table.Field(e, "sizeInBytes"),
        ]));

    private static void Put(Dictionary<string, object?> body, string key, object? value)
    {
        if (value is not null)
        {
            body[key] = value;
        }
    }
}
