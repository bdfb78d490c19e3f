using System.CommandLine;
using System.Text.Json;

namespace Omnibus.Server.Cli;

/// <summary>Options every client verb shares, and the writer results go to.</summary>
internal sealed class CliContext(TextWriter output)
{
    public TextWriter Output { get; } = output;

    public Option<string> Server { get; } = new("--server")
    {
        Description = "Base URL of the server's HTTP listener (default $OMNIBUS_SERVER or http://localhost:5300).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OMNIBUS_SERVER") ?? "http://localhost:5300",
    };

    public Option<string> KeyName { get; } = new("--key-name")
    {
        Description = "SAS key name.",
        Recursive = true,
        DefaultValueFactory = _ => "RootManageSharedAccessKey",
    };

    public Option<string> Key { get; } = new("--key")
    {
        Description = "SAS key (default $OMNIBUS_KEY or SAS_KEY_VALUE).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OMNIBUS_KEY") ?? "SAS_KEY_VALUE",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON instead of tables.", Recursive = true };

    public void AddTo(Command root)
    {
        root.Options.Add(Server);
        root.Options.Add(KeyName);
        root.Options.Add(Key);
        root.Options.Add(Json);
    }

    public ApiClient Client(ParseResult p)
    {
        string server = p.GetValue(Server)!;
        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out Uri? uri))
        {
            throw new CliException($"--server '{server}' is not an absolute URL.");
        }
        return new ApiClient(uri, p.GetValue(KeyName)!, p.GetValue(Key)!);
    }

    /// <summary>Prints <paramref name="result"/> as JSON with <c>--json</c>, else through <paramref name="table"/>.</summary>
    public void Print(ParseResult p, JsonElement result, Action<JsonElement> table)
    {
        if (p.GetValue(Json))
        {
            Output.WriteLine(JsonSerializer.Serialize(result, ApiClient.Json));
        }
        else
        {
            table(result);
        }
    }

    /// <summary>Runs a verb against the server; a <see cref="CliException"/> becomes a message on stderr and exit code 5.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Verb(CliContext ctx, Func<ParseResult, ApiClient, Task> body) => async (p, _) =>
    {
        try
        {
            using ApiClient client = ctx.Client(p);
            await body(p, client).ConfigureAwait(false);
            return Hosting.ExitCodes.Ok;
        }
        catch (CliException e)
        {
            await p.InvocationConfiguration.Error.WriteLineAsync("omnibus: " + e.Message).ConfigureAwait(false);
            return Hosting.ExitCodes.CommandFailed;
        }
    };
}
