namespace Omnibus.Transport.Detection;

/// <summary>
/// Which endpoint serves which protocols, filled in by the host as it configures its listeners
/// (the host is the only part that knows which front-ends exist). Kept in DI so operations can
/// list it (the start-up log names each endpoint's protocols).
/// </summary>
public sealed class ListenerRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EndpointProtocols> _endpoints = new(StringComparer.Ordinal);

    /// <summary>The endpoint named <paramref name="name"/>, created empty on first use.</summary>
    public EndpointProtocols Endpoint(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            if (!_endpoints.TryGetValue(name, out EndpointProtocols? endpoint))
            {
                endpoint = new EndpointProtocols(name);
                _endpoints[name] = endpoint;
            }
            return endpoint;
        }
    }

    /// <summary>Every endpoint registered so far.</summary>
    public IReadOnlyList<EndpointProtocols> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _endpoints.Values];
            }
        }
    }
}
