namespace Omnibus.Transport.Limits;

/// <summary>
/// How much a connection may open, in the protocol-neutral words "sessions" (AMQP 1.0 sessions,
/// AMQP 0-9-1 channels) and "links" (AMQP 1.0 links, AMQP 0-9-1 consumers and publishers per
/// channel). One tier applies before the connection authenticated and a larger one after, so an
/// anonymous peer cannot grow the broker's memory (every protocol's pre-authentication phase uses
/// the same rule). The protocol refuses beyond a limit with its own error (AMQP 1.0:
/// <c>amqp:resource-limit-exceeded</c> on the begin or attach).
/// </summary>
public sealed record ResourceLimits
{
    /// <summary>The defaults: enough before authentication for the token exchange, ample after.</summary>
    public static ResourceLimits Default { get; } = new();

    /// <summary>
    /// Limits before the connection authenticated. The token exchange ($cbs) needs one session and
    /// two links, but the SDKs begin each entity link's session before its token is put, so a
    /// client starting many receivers at once (a session processor) has that many sessions open
    /// before the first token is answered: sessions are allowed generously, links hardly.
    /// </summary>
    public ResourceTier BeforeAuthentication { get; init; } = new(Sessions: 64, LinksPerSession: 4);

    /// <summary>Limits once the connection authenticated.</summary>
    public ResourceTier Authenticated { get; init; } = new(Sessions: 1024, LinksPerSession: 1024);

    /// <summary>The tier for a connection's current state.</summary>
    public ResourceTier For(bool authenticated) => authenticated ? Authenticated : BeforeAuthentication;

    /// <summary>Throws when a tier is not positive or the authenticated tier is smaller than the other.</summary>
    public void Validate()
    {
        BeforeAuthentication.Validate(nameof(BeforeAuthentication));
        Authenticated.Validate(nameof(Authenticated));
        if (Authenticated.Sessions < BeforeAuthentication.Sessions || Authenticated.LinksPerSession < BeforeAuthentication.LinksPerSession)
        {
            throw new ArgumentOutOfRangeException(nameof(Authenticated), "Limits after authentication must not be below those before it.");
        }
    }
}

/// <summary>One tier of <see cref="ResourceLimits"/>: sessions per connection, links per session.</summary>
public readonly record struct ResourceTier(int Sessions, int LinksPerSession)
{
    internal void Validate(string name)
    {
        if (Sessions < 1 || LinksPerSession < 1)
        {
            throw new ArgumentOutOfRangeException(name, this, "Sessions and LinksPerSession must be at least 1.");
        }
    }
}
