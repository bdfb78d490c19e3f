using System.CommandLine;
using System.Text.Json;

namespace Omnibus.Server.Cli;

/// <summary><c>omnibus quarantine list|recover</c>: entities whose stored data is damaged, and salvaging them.</summary>
internal static class QuarantineCommands
{
    public static Command Quarantine(CliContext ctx)
    {
        var list = new Command("list", "List quarantined queues, topics and streams (damaged stored data) and the transactions waiting for them.");
        list.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement all = await c.GetAsync("api/quarantine").ConfigureAwait(false);
            ctx.Print(p, all, e =>
            {
                var rows = e.GetProperty("entities").EnumerateArray().ToList();
                if (rows.Count == 0)
                {
                    ctx.Output.WriteLine("Nothing is quarantined.");
                    return;
                }
                Table.Write(ctx.Output, ["kind", "name", "reason"], rows.Select(r => (IReadOnlyList<string>)[Table.Field(r, "kind"), Table.Field(r, "name"), Table.Field(r, "reason")]));
                foreach (JsonElement w in e.GetProperty("waitingTransactions").EnumerateArray())
                {
                    ctx.Output.WriteLine($"Transaction {Table.Field(w, "id")} waits for {string.Join(", ", w.GetProperty("waitingFor").EnumerateArray().Select(x => x.GetString()))}.");
                }
            });
        }));

        var name = new Argument<string>("name") { Description = "The quarantined queue, topic or stream." };
        var mode = new Option<string>("--mode")
        {
            Description = "skip-damaged: keep the records before and after the damage, dropping the damaged record's whole batch (default); keep-verified: keep every record whose checksum verifies.",
            DefaultValueFactory = _ => "skip-damaged",
        };
        mode.AcceptOnlyFromAmong("skip-damaged", "keep-verified");
        var recover = new Command("recover", "Salvage a quarantined entity's logs and put it back in service (no restart). The original files are kept beside the logs.") { name, mode };
        recover.SetAction(CliContext.Verb(ctx, async (p, c) =>
        {
            JsonElement r = await c.PostAsync("api/quarantine/recover", new Dictionary<string, object?> { ["name"] = p.GetValue(name), ["mode"] = p.GetValue(mode) }).ConfigureAwait(false);
            ctx.Print(p, r, e =>
            {
                ctx.Output.WriteLine(Table.Field(e, "summary"));
                if (!e.GetProperty("opened").GetBoolean())
                {
                    throw new CliException($"{Table.Field(e, "name")} is still quarantined: {Table.Field(e, "reason")}");
                }
            });
        }));
        return new Command("quarantine", "Entities whose stored data is damaged.") { list, recover };
    }
}
