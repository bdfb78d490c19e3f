using Microsoft.AspNetCore.Connections;

namespace Omnibus.Transport.Detection;

/// <summary>
/// What one endpoint serves: its protocol routes in order of registration, and the refusal for
/// first bytes no route matches. The refusal is the protocol's own (AMQP: write back the header
/// this broker supports, then close); without one the connection is closed without a word.
/// </summary>
public sealed class EndpointProtocols(string name)
{
    private readonly List<ProtocolRoute> _routes = [];

    /// <summary>The endpoint's name, for logs and metrics (for example <c>amqp</c>).</summary>
    public string Name { get; } = name;

    /// <summary>The routes, first match wins.</summary>
    public IReadOnlyList<ProtocolRoute> Routes => _routes;

    /// <summary>Handles connections whose first bytes no route matches; null closes them.</summary>
    public ConnectionDelegate? Refusal { get; private set; }

    /// <summary>Adds a protocol to this endpoint.</summary>
    public EndpointProtocols Add(ProtocolRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        _routes.Add(route);
        return this;
    }

    /// <summary>Sets the refusal for unmatched first bytes (a later call replaces an earlier one).</summary>
    public EndpointProtocols RefuseOthersWith(ConnectionDelegate refusal)
    {
        Refusal = refusal;
        return this;
    }

    /// <summary>The handler for these first bytes: the first matching route's, else the refusal (null: close).</summary>
    public ConnectionDelegate? Select(ReadOnlySpan<byte> firstBytes, out string protocol)
    {
        foreach (ProtocolRoute route in _routes)
        {
            if (route.Matches(firstBytes))
            {
                protocol = route.Name;
                return route.Handler;
            }
        }
        protocol = "refused";
        return Refusal;
    }
}
