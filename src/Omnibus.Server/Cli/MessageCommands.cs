using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Omnibus.Server.Cli;

/// <summary><c>omnibus send | receive | peek | dlq resubmit | stats</c>.</summary>
internal static class MessageCommands
{
    private static Argument<string> Entity() => new("entity")
    {
        Description = "Queue, topic, or topic/Subscriptions/name; append /$DeadLetterQueue for a dead-letter queue.",
    };

    public static Command Send(CliContext ctx)
    {
        Argument<string> entity = Entity();
        var body = new Option<string?>("--body") { Description = "Message body text." };
        var file = new Option<FileInfo?>("--file") { Description = "Read the body from a file." };
        var count = new Option<int>("--count") { Description = "How many copies to send.", DefaultValueFactory = _ => 1 };
        var props = new Option<string[]>("--property") { Description = "Application property key=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var session = new Option<string?>("--session-id") { Description = "Session id." };
        var subject = new Option<string?>("--subject") { Description = "Subject (label)." };
        var contentType = new Option<string?>("--content-type") { Description = "Content type." };
        var messageId = new Option<string?>("--message-id") { Description = "Message id (default: a new GUID per message)." };
        var cmd = new Command("send", "Send messages to a queue or topic.") { entity, body, file, count, props, session, subject, contentType, messageId };
        cmd.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            string? text = p.GetValue(file) is { } f ? await File.ReadAllTextAsync(f.FullName).ConfigureAwait(false) : p.GetValue(body);
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string kv in p.GetValue(props) ?? [])
            {
                int eq = kv.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new CliException($"--property '{kv}' is not key=value.");
                }
                properties[kv[..eq]] = kv[(eq + 1)..];
            }
            int n = p.GetValue(count);
            if (n is < 1 or > 10_000)
            {
                throw new CliException("--count must be from 1 to 10000.");
            }
            var messages = Enumerable.Range(0, n).Select(_ => new
            {
                body = text ?? "",
                sessionId = p.GetValue(session),
                subject = p.GetValue(subject),
                contentType = p.GetValue(contentType),
                messageId = p.GetValue(messageId),
                properties,
            }).ToList();
            JsonElement result = await c.PostAsync("api/messages/send", new { entity = p.GetValue(entity), messages }).ConfigureAwait(false);
            ctx.Print(p, result, r => ctx.Output.WriteLine(
                $"Sent {n} message(s) to {p.GetValue(entity)}; sequence numbers {string.Join(", ", r.GetProperty("sequenceNumbers").EnumerateArray().Select(Table.Text))}."));
        }));
        return cmd;
    }

    public static Command Receive(CliContext ctx)
    {
        Argument<string> entity = Entity();
        var max = new Option<int>("--max") { Description = "Most messages to take.", DefaultValueFactory = _ => 1 };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the first message.", DefaultValueFactory = _ => 5 };
        var cmd = new Command("receive", "Receive and delete messages (at-most-once).") { entity, max, wait };
        cmd.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement got = await c.PostAsync("api/messages/receive", new { entity = p.GetValue(entity), maxMessages = p.GetValue(max), waitSeconds = p.GetValue(wait) }).ConfigureAwait(false);
            ctx.Print(p, got, e => MessagesTable(ctx.Output, e));
        }));
        return cmd;
    }

    public static Command Peek(CliContext ctx)
    {
        Argument<string> entity = Entity();
        var max = new Option<int>("--max") { Description = "Most messages to show.", DefaultValueFactory = _ => 10 };
        var from = new Option<long>("--from") { Description = "First sequence number.", DefaultValueFactory = _ => 0 };
        var cmd = new Command("peek", "Show messages without locking or removing them.") { entity, max, from };
        cmd.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            string query = $"api/messages/peek?entity={Uri.EscapeDataString(p.GetValue(entity)!)}&max={p.GetValue(max).ToString(CultureInfo.InvariantCulture)}&from={p.GetValue(from).ToString(CultureInfo.InvariantCulture)}";
            JsonElement got = await c.GetAsync(query).ConfigureAwait(false);
            ctx.Print(p, got, e => MessagesTable(ctx.Output, e));
        }));
        return cmd;
    }

    public static Command DeadLetter(CliContext ctx)
    {
        Argument<string> entity = new("entity") { Description = "Queue or topic/Subscriptions/name whose dead-letter queue is emptied back into it." };
        var max = new Option<int>("--max") { Description = "Most messages to move.", DefaultValueFactory = _ => int.MaxValue };
        var resubmit = new Command("resubmit", "Move dead-lettered messages back to their entity (a subscription's go back through its topic).") { entity, max };
        resubmit.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement r = await c.PostAsync("api/dlq/resubmit", new { entity = p.GetValue(entity), maxMessages = p.GetValue(max) }).ConfigureAwait(false);
            ctx.Print(p, r, e => ctx.Output.WriteLine($"Resubmitted {Table.Field(e, "resubmitted")} message(s) to {Table.Field(e, "target")}."));
        }));
        return new Command("dlq", "Dead-letter queue operations.") { resubmit };
    }

    public static Command Stats(CliContext ctx)
    {
        var cmd = new Command("stats", "Message counts and totals of every entity.");
        cmd.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement all = await c.GetAsync("api/entities").ConfigureAwait(false);
            ctx.Print(p, all, e => Table.Write(ctx.Output,
                ["kind", "entity", "active", "scheduled", "deferred", "dead-lettered", "sent", "received", "completed", "abandoned", "expired"],
                e.EnumerateArray().Select(x => (IReadOnlyList<string>)
                [
                    Table.Field(x, "kind"), Table.Field(x, "path"), Table.Field(x, "active"), Table.Field(x, "scheduled"), Table.Field(x, "deferred"),
                    Table.Field(x, "deadLettered"), Table.Field(x, "sent"), Table.Field(x, "received"), Table.Field(x, "completed"),
                    Table.Field(x, "abandoned"), Table.Field(x, "expired"),
                ])));
        }));
        return cmd;
    }

    private static void MessagesTable(TextWriter output, JsonElement messages) =>
        Table.Write(output, ["seq", "message-id", "state", "deliveries", "enqueued", "body"],
            messages.EnumerateArray().Select(m => (IReadOnlyList<string>)
            [
                Table.Field(m, "sequenceNumber"), Table.Field(m, "messageId"), Table.Field(m, "state"), Table.Field(m, "deliveryCount"),
                Table.Field(m, "enqueuedTime"), Shorten(Table.Field(m, "body") is { Length: > 0 } b ? b : "base64:" + Table.Field(m, "bodyBase64")),
            ]));

    private static string Shorten(string s) => s.Length <= 60 ? s.ReplaceLineEndings(" ") : s[..57].ReplaceLineEndings(" ") + "...";
}
