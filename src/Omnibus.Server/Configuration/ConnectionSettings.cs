using Microsoft.Extensions.Configuration;

namespace Omnibus.Server.Configuration;

/// <summary>
/// <c>Omnibus:Connections</c> — caps the transport applies to every protocol listener: open
/// connections (total, per source address, not yet authenticated), the time a connection has to
/// authenticate, and sessions/links per connection before and after authentication.
/// </summary>
internal sealed record ConnectionSettings(
    int MaxConnections,
    int MaxConnectionsPerAddress,
    int MaxUnauthenticated,
    TimeSpan AuthenticationTimeout,
    int SessionsBeforeAuthentication,
    int LinksPerSessionBeforeAuthentication,
    int Sessions,
    int LinksPerSession)
{
    public static ConnectionSettings Load(IConfiguration c, List<string> errors)
    {
        SettingsReader r = OmnibusSettings.Reader(c, "Connections");
        var s = new ConnectionSettings(
            r.Int("MaxConnections", 10_000, 1, 10_000_000),
            r.Int("MaxConnectionsPerAddress", 1_000, 1, 10_000_000),
            r.Int("MaxUnauthenticated", 1_000, 1, 10_000_000),
            r.Duration("AuthenticationTimeout", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            r.Int("SessionsBeforeAuthentication", 64, 1, 65_536),
            r.Int("LinksPerSessionBeforeAuthentication", 4, 1, 1_000_000),
            r.Int("Sessions", 1024, 1, 65_536),
            r.Int("LinksPerSession", 1024, 1, 1_000_000));
        if (s.Sessions < s.SessionsBeforeAuthentication)
        {
            r.Fail("Sessions", $"{s.Sessions} is below SessionsBeforeAuthentication {s.SessionsBeforeAuthentication}.");
        }
        if (s.LinksPerSession < s.LinksPerSessionBeforeAuthentication)
        {
            r.Fail("LinksPerSession", $"{s.LinksPerSession} is below LinksPerSessionBeforeAuthentication {s.LinksPerSessionBeforeAuthentication}.");
        }
        errors.AddRange(r.Errors);
        return s;
    }
}
