namespace Omnibus.Transport.Admission;

/// <summary>Why the gate refused or ended a connection.</summary>
public enum ConnectionRefusal
{
    /// <summary>The cap on all open connections was reached.</summary>
    TotalCap,

    /// <summary>The cap on connections from the peer's address was reached.</summary>
    AddressCap,

    /// <summary>The cap on connections not yet authenticated was reached.</summary>
    UnauthenticatedCap,

    /// <summary>The connection did not authenticate within the authentication time-out (closed, not refused).</summary>
    AuthenticationTimeout,
}

/// <summary>
/// What the gate reports for operations (metrics). Called on accept threads: keep
/// implementations to counter updates.
/// </summary>
public interface IConnectionGateObserver
{
    /// <summary>The gate refused (or timed out) a connection on <paramref name="endpoint"/>.</summary>
    void Refused(string endpoint, ConnectionRefusal reason);
}

/// <summary>The observer used when the host registers none.</summary>
internal sealed class NoConnectionGateObserver : IConnectionGateObserver
{
    public void Refused(string endpoint, ConnectionRefusal reason)
    {
    }
}
