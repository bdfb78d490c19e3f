using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Omnibus.Transport.Admission;

/// <summary>
/// Admits or refuses each accepted socket before any protocol sees it: caps on all open
/// connections, on connections per source address and on connections not yet authenticated
/// (<see cref="ConnectionGateOptions"/>). A refused socket is accepted and closed at once (no
/// byte is read or written: the peer sees the connection end), counted through
/// <see cref="IConnectionGateObserver"/> and logged at most once per interval. An admitted
/// connection carries an <see cref="IConnectionAuthenticationFeature"/>; if the protocol does not
/// report authentication within the time-out, the connection is aborted.
/// </summary>
public sealed partial class ConnectionGate
{
    private readonly ConnectionGateOptions _options;
    private readonly ILogger _logger;
    private readonly IConnectionGateObserver _observer;
    private readonly Lock _countsGate = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly RefusalLog _refusals;
    private int _open;
    private int _unauthenticated;

    public ConnectionGate(ConnectionGateOptions options, ILogger<ConnectionGate> logger, IConnectionGateObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger;
        _observer = observer ?? new NoConnectionGateObserver();
        _refusals = new RefusalLog(options.Clock, options.RefusalLogInterval);
    }

    /// <summary>The caps in force (after clamping).</summary>
    public ConnectionGateOptions Options => _options;

    /// <summary>Connections admitted and still open.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Open connections that have not authenticated yet.</summary>
    public int UnauthenticatedConnections => Volatile.Read(ref _unauthenticated);

    /// <summary>The Kestrel connection middleware for <paramref name="endpoint"/> (a name for logs and metrics).</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware(string endpoint) =>
        next => connection => RunAsync(connection, endpoint, next);

    private async Task RunAsync(ConnectionContext connection, string endpoint, ConnectionDelegate next)
    {
        IPAddress address = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        ConnectionRefusal? refusal = TryAdmit(address);
        if (refusal is { } reason)
        {
            Refuse(endpoint, reason, address);
            // Returning without reading ends the connection: Kestrel closes the socket.
            return;
        }
        var admission = new Admission(this, connection, endpoint);
        connection.Features.Set<IConnectionAuthenticationFeature>(admission);
        try
        {
            admission.StartTimeout(_options.AuthenticationTimeout, _options.Clock);
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            admission.Dispose();
            Release(address, admission.IsAuthenticated);
        }
    }

    private ConnectionRefusal? TryAdmit(IPAddress address)
    {
        lock (_countsGate)
        {
            if (_open >= _options.MaxConnections)
            {
                return ConnectionRefusal.TotalCap;
            }
            _perAddress.TryGetValue(address, out int fromAddress);
            if (fromAddress >= _options.MaxConnectionsPerAddress)
            {
                return ConnectionRefusal.AddressCap;
            }
            if (_unauthenticated >= _options.MaxUnauthenticatedConnections)
            {
                return ConnectionRefusal.UnauthenticatedCap;
            }
            _open++;
            _unauthenticated++;
            _perAddress[address] = fromAddress + 1;
            return null;
        }
    }

    private void Release(IPAddress address, bool authenticated)
    {
        lock (_countsGate)
        {
            _open--;
            if (!authenticated)
            {
                _unauthenticated--;
            }
            if (_perAddress.TryGetValue(address, out int fromAddress) && fromAddress > 1)
            {
                _perAddress[address] = fromAddress - 1;
            }
            else
            {
                _perAddress.Remove(address);
            }
        }
    }

    private void Authenticated()
    {
        lock (_countsGate)
        {
            _unauthenticated--;
        }
    }

    private void Refuse(string endpoint, ConnectionRefusal reason, IPAddress address)
    {
        _observer.Refused(endpoint, reason);
        if (_refusals.ShouldLog(reason, out long count))
        {
            LogRefused(_logger, endpoint, reason, count, _options.RefusalLogInterval.TotalSeconds, address.ToString(), OpenConnections, UnauthenticatedConnections);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Connections refused on {Endpoint} ({Reason}): {Count} in the last {IntervalSeconds} s, latest from {Address}; {Open} open, {Unauthenticated} not authenticated.")]
    private static partial void LogRefused(ILogger logger, string endpoint, ConnectionRefusal reason, long count, double intervalSeconds, string address, int open, int unauthenticated);

    /// <summary>One admitted connection's authentication state and time-out.</summary>
    private sealed class Admission(ConnectionGate gate, ConnectionContext connection, string endpoint) : IConnectionAuthenticationFeature, IDisposable
    {
        private int _authenticated;
        private ITimer? _timeout;

        public bool IsAuthenticated => Volatile.Read(ref _authenticated) == 1;

        public void StartTimeout(TimeSpan timeout, TimeProvider clock) =>
            _timeout = clock.CreateTimer(static state => ((Admission)state!).OnTimeout(), this, timeout, Timeout.InfiniteTimeSpan);

        public void MarkAuthenticated()
        {
            if (Interlocked.CompareExchange(ref _authenticated, 1, 0) == 0)
            {
                _timeout?.Dispose();
                gate.Authenticated();
            }
        }

        private void OnTimeout()
        {
            if (IsAuthenticated)
            {
                return;
            }
            gate.Refuse(endpoint, ConnectionRefusal.AuthenticationTimeout, (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None);
            connection.Abort(new ConnectionAbortedException("The connection did not authenticate in time."));
        }

        public void Dispose() => _timeout?.Dispose();
    }
}
