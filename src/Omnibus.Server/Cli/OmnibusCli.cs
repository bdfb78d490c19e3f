using System.CommandLine;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Cli;

/// <summary>
/// The <c>omnibus</c> command line: with no verb (or <c>run</c>) it runs the server; the other verbs talk to a
/// running server over HTTP. Arguments the parser does not know (<c>--Omnibus:Area:Key=value</c>) go to .NET configuration.
/// </summary>
internal static class OmnibusCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var ctx = new CliContext(output);
        var root = new RootCommand("Omnibus: a durable, self-hosted message broker for Azure Service Bus applications.");
        ConfigureRun(root);
        var run = new Command("run", "Run the server (the default when no verb is given).");
        ConfigureRun(run);
        root.Subcommands.Add(run);
        ctx.AddTo(root);
        root.Subcommands.Add(EntityCommands.Queue(ctx));
        root.Subcommands.Add(EntityCommands.Topic(ctx));
        root.Subcommands.Add(EntityCommands.Subscription(ctx));
        root.Subcommands.Add(MessageCommands.Send(ctx));
        root.Subcommands.Add(MessageCommands.Receive(ctx));
        root.Subcommands.Add(MessageCommands.Peek(ctx));
        root.Subcommands.Add(MessageCommands.DeadLetter(ctx));
        root.Subcommands.Add(MessageCommands.Stats(ctx));
        root.Subcommands.Add(QuarantineCommands.Quarantine(ctx));
        ParseResult parsed = root.Parse(args);
        // The host handles SIGTERM and Ctrl+C itself (graceful stop, then exit code 0); the parser must not race it.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
    }

    private static void ConfigureRun(Command command)
    {
        var data = new Option<string?>("--data") { Description = "Data directory (Omnibus:Storage:DataDirectory, default ./data)." };
        var entities = new Option<string?>("--entities") { Description = "Service Bus emulator Config.json to create entities from (Omnibus:Entities:ConfigFile)." };
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP port (Omnibus:Http:Port, default 5300)." };
        var amqpPort = new Option<int?>("--amqp-port") { Description = "AMQP port (Omnibus:Amqp:Port, default 5672)." };
        command.Options.Add(data);
        command.Options.Add(entities);
        command.Options.Add(httpPort);
        command.Options.Add(amqpPort);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (p, ct) =>
        {
            if (StrayWord(p.UnmatchedTokens) is { } stray)
            {
                // A mistyped verb must not start a broker on the default ports.
                await p.InvocationConfiguration.Error.WriteLineAsync($"omnibus: unknown command or argument '{stray}'. Settings are given as --Omnibus:Area:Key=value; see omnibus --help.").ConfigureAwait(false);
                return ExitCodes.BadConfiguration;
            }
            var config = new List<string>(p.UnmatchedTokens);
            AddSetting(config, "Storage:DataDirectory", p.GetValue(data));
            AddSetting(config, "Entities:ConfigFile", p.GetValue(entities));
            AddSetting(config, "Http:Port", p.GetValue(httpPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AddSetting(config, "Amqp:Port", p.GetValue(amqpPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return await ServerMain.RunAsync([.. config], p.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
    }

    /// <summary>The first token that is neither a configuration switch nor the value after a switch without '='.</summary>
    internal static string? StrayWord(IReadOnlyList<string> tokens)
    {
        bool expectValue = false;
        foreach (string t in tokens)
        {
            if (t.StartsWith("--", StringComparison.Ordinal) || t.StartsWith('/'))
            {
                expectValue = !t.Contains('=', StringComparison.Ordinal);
            }
            else if (expectValue)
            {
                expectValue = false;
            }
            else
            {
                return t;
            }
        }
        return null;
    }

    private static void AddSetting(List<string> config, string key, string? value)
    {
        if (value is not null)
        {
            config.Add($"--Omnibus:{key}={value}");
        }
    }
}
