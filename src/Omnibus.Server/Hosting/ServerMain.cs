namespace Omnibus.Server.Hosting;

/// <summary>Runs the server until SIGTERM / Ctrl+C and turns start-up failures into a message and an exit code.</summary>
internal static class ServerMain
{
    public static async Task<int> RunAsync(string[] configurationArgs, TextWriter error, CancellationToken cancellationToken)
    {
        OmnibusServer? server = null;
        try
        {
            server = OmnibusServer.Create(configurationArgs);
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            await server.RunUntilStoppedAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (StartupException e)
        {
            await error.WriteLineAsync("omnibus: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
