using Omnibus.Core.Security;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// What a connection may do: either SASL PLAIN with a key authorized it as a whole, or put-token
/// on $cbs authorized it until the token's expiry. A token is for the namespace (both SDKs
/// sign the namespace or the entity with a namespace key), so any valid token covers every
/// entity; rights per entity are not modelled yet.
/// </summary>
internal sealed class CbsAuthorization(TimeProvider clock)
{
    private bool _connectionWide;
    private DateTimeOffset _validUntil = DateTimeOffset.MinValue;
    private readonly object _gate = new();

    /// <summary>Who the connection acts as: the key that signed its newest token (or authenticated SASL PLAIN); anonymous before.</summary>
    public CallerIdentity Caller { get; private set; } = CallerIdentity.Anonymous;

    public void AuthorizeConnection(CallerIdentity caller)
    {
        Caller = caller;
        _connectionWide = true;
    }

    public void AuthorizeUntil(DateTimeOffset expiry, CallerIdentity caller)
    {
        lock (_gate)
        {
            if (expiry > _validUntil)
            {
                _validUntil = expiry;
            }
            Caller = caller;
        }
    }

    public bool IsAuthorized()
    {
        if (_connectionWide)
        {
            return true;
        }
        lock (_gate)
        {
            return _validUntil > clock.GetUtcNow();
        }
    }
}
