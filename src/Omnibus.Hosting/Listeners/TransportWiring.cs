using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Omnibus.Management.Metrics;
using Omnibus.Transport;
using Omnibus.Transport.Admission;
using Omnibus.Transport.Limits;

namespace Omnibus.Hosting.Listeners;

/// <summary>
/// The only place the host sets up the shared transport: the file-handle limit, the connection
/// caps clamped below it, the resource tiers, and refusals in /metrics. Must run before any
/// front-end's services (a front-end adds the transport with defaults otherwise).
/// </summary>
internal static partial class TransportWiring
{
    public static void AddServices(IServiceCollection services, ConnectionLimitOptions c)
    {
        ArgumentNullException.ThrowIfNull(c);
        // A socket is a file handle: take all the process may have, then keep the caps below it.
        (ulong Soft, ulong Hard)? before = FileHandleLimit.Current();
        ulong? limit = c.RaiseFileHandleLimit ? FileHandleLimit.RaiseSoftToHard() : before?.Soft;
        var gate = new ConnectionGateOptions
        {
            MaxConnections = c.MaxConnections,
            MaxConnectionsPerAddress = c.MaxConnectionsPerAddress,
            MaxUnauthenticatedConnections = c.MaxUnauthenticated,
            AuthenticationTimeout = c.AuthenticationTimeout,
        };
        IReadOnlyList<string> lowered = limit is { } l ? gate.ClampTo((long)Math.Min(l, int.MaxValue), FileHandleLimit.OpenNow() ?? 0) : [];
        services.AddOmnibusTransport(o =>
        {
            o.MaxConnections = gate.MaxConnections;
            o.MaxConnectionsPerAddress = gate.MaxConnectionsPerAddress;
            o.MaxUnauthenticatedConnections = gate.MaxUnauthenticatedConnections;
            o.AuthenticationTimeout = gate.AuthenticationTimeout;
        }, new ResourceLimits
        {
            BeforeAuthentication = new ResourceTier(c.SessionsBeforeAuthentication, c.LinksPerSessionBeforeAuthentication),
            Authenticated = new ResourceTier(c.Sessions, c.LinksPerSession),
        });
        services.AddSingleton<IConnectionGateObserver, MetricsGateObserver>();
        services.AddHostedService(sp => new StartupReport(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Omnibus.Hosting"), before, limit, lowered, gate));
    }

    /// <summary>Feeds the gate's refusals into /metrics.</summary>
    private sealed class MetricsGateObserver(BrokerMetrics metrics) : IConnectionGateObserver
    {
        public void Refused(string endpoint, ConnectionRefusal reason) => metrics.CountRefusedConnection(endpoint, reason.ToString());
    }

    /// <summary>Logs the file-handle limit and the caps in force once the host starts.</summary>
    private sealed class StartupReport(ILogger logger, (ulong Soft, ulong Hard)? before, ulong? limit, IReadOnlyList<string> lowered, ConnectionGateOptions gate) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            string handles = limit is null ? "unknown" : before is { } b && b.Soft != limit ? $"{limit} (raised from {b.Soft})" : limit.ToString()!;
            LogCaps(logger, handles, gate.MaxConnections, gate.MaxConnectionsPerAddress, gate.MaxUnauthenticatedConnections, gate.AuthenticationTimeout.TotalSeconds);
            if (lowered.Count > 0)
            {
                LogLowered(logger, string.Join(", ", lowered));
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(110, LogLevel.Information, "Connections: file-handle limit {Handles}; at most {Max} open, {PerAddress} per address, {Unauthenticated} not authenticated, {AuthSeconds} s to authenticate")]
    private static partial void LogCaps(ILogger logger, string handles, int max, int perAddress, int unauthenticated, double authSeconds);

    [LoggerMessage(111, LogLevel.Warning, "Connection caps lowered below the file-handle limit: {Lowered}")]
    private static partial void LogLowered(ILogger logger, string lowered);
}
