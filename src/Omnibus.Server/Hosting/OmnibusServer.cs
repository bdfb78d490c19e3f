using Omnibus.Core.Engine;
using Omnibus.Hosting;
using Omnibus.Server.Configuration;

namespace Omnibus.Server.Hosting;

/// <summary>
/// The executable's shell over <see cref="OmnibusHost"/>: reads and validates the settings, turns them into
/// <see cref="OmnibusHostOptions"/>, and turns the host's start-up failures into messages that name the
/// setting to fix, with the process exit code for each.
/// </summary>
internal sealed class OmnibusServer : IAsyncDisposable
{
    private OmnibusServer(OmnibusHost host, OmnibusSettings settings)
    {
        Host = host;
        Settings = settings;
    }

    public OmnibusHost Host { get; }

    public Broker Broker => Host.Broker;

    public OmnibusSettings Settings { get; }

    /// <summary>Reads configuration (throwing <see cref="StartupException"/> on bad values), opens storage, applies the entities file.</summary>
    public static OmnibusServer Create(string[] configurationArgs)
    {
        OmnibusHostBuilder builder = OmnibusHost.CreateBuilder(configurationArgs, AppContext.BaseDirectory);
        OmnibusSettings settings = OmnibusSettings.Load(builder.Configuration, out IReadOnlyList<string> errors);
        if (errors.Count > 0)
        {
            throw new StartupException(ExitCodes.BadConfiguration, "Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)));
        }
        settings.ApplyTo(builder.Options);
        try
        {
            return new OmnibusServer(builder.Build(), settings);
        }
        catch (OmnibusStartupException e) when (e.Failure == OmnibusStartupFailure.Entities)
        {
            throw new StartupException(ExitCodes.BadConfiguration, $"Omnibus:Entities:ConfigFile {e.Message}", e);
        }
        catch (OmnibusStartupException e) when (e.Failure == OmnibusStartupFailure.Storage)
        {
            throw new StartupException(ExitCodes.StorageFailed, $"Omnibus:Storage:DataDirectory {e.Message}", e);
        }
    }

    /// <summary>Binds the listeners. A port that cannot be bound is a <see cref="StartupException"/> naming the setting.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OmnibusStartupException e) when (e.Failure == OmnibusStartupFailure.Listen)
        {
            string setting = e.Listener == "amqp" ? $"Omnibus:Amqp:Port {Settings.Amqp.Port}" : $"Omnibus:Http:Port {Settings.Http.Port}";
            throw new StartupException(ExitCodes.CannotListen, $"{setting} cannot be listened on: {e.InnerException?.Message}", e);
        }
    }

    /// <summary>Waits for SIGTERM / Ctrl+C (or <paramref name="cancellationToken"/>), then stops gracefully.</summary>
    public Task RunUntilStoppedAsync(CancellationToken cancellationToken = default) => Host.RunUntilStoppedAsync(cancellationToken);

    /// <summary>Stops the listeners (in-flight work gets the shutdown timeout), then flushes and closes the store.</summary>
    public Task StopAsync() => Host.StopAsync();

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
