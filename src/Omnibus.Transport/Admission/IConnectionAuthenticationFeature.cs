namespace Omnibus.Transport.Admission;

/// <summary>
/// Put on every connection the gate admits (<c>ConnectionContext.Features</c>). The protocol
/// handler reports here when its peer authenticated; until then the connection counts against
/// the unauthenticated cap and is closed at the authentication time-out, and the protocol
/// applies <see cref="Limits.ResourceLimits.BeforeAuthentication"/>.
/// </summary>
public interface IConnectionAuthenticationFeature
{
    /// <summary>True once <see cref="MarkAuthenticated"/> was called.</summary>
    bool IsAuthenticated { get; }

    /// <summary>The peer proved who it is; idempotent. Stops the authentication time-out.</summary>
    void MarkAuthenticated();
}
