using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Performatives;
using Omnibus.Core.Security;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// What a connection may do: either SASL PLAIN with a key authorized it as a whole, or put-token
/// on $cbs authorized it until the token's expiry. A token is for the namespace (both SDKs
/// sign the namespace or the entity with a namespace key), so any valid token covers every
/// entity; rights per entity are not modelled yet.
/// <para>
/// Credentials keep being checked after attach, as Service Bus does: when the newest token's
/// expiry passes (on the broker's clock) and no later token was put, every entity link attached
/// under it (senders, receivers, $management requests) is detached with
/// <c>amqp:unauthorized-access</c>. The $cbs links stay, so the client can put a fresh token and
/// attach again. A connection authorized by SASL PLAIN has no expiry.
/// </para>
/// </summary>
internal sealed class CbsAuthorization(TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<AmqpLink> _entityLinks = [];
    private bool _connectionWide;
    private DateTimeOffset _validUntil = DateTimeOffset.MinValue;
    private ITimer? _expiryTimer;
    private int _pruneAt = 16;
    private bool _disposed;

    /// <summary>Who the connection acts as: the key that signed its newest token (or authenticated SASL PLAIN); anonymous before.</summary>
    public CallerIdentity Caller { get; private set; } = CallerIdentity.Anonymous;

    public void AuthorizeConnection(CallerIdentity caller)
    {
        lock (_gate)
        {
            Caller = caller;
            _connectionWide = true;
            _expiryTimer?.Dispose();
            _expiryTimer = null;
        }
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
            if (!_connectionWide && !_disposed)
            {
                ArmExpiryLocked();
            }
        }
    }

    public bool IsAuthorized()
    {
        lock (_gate)
        {
            return _connectionWide || _validUntil > clock.GetUtcNow();
        }
    }

    /// <summary>An entity link attached under the current authorization: closed when it lapses.</summary>
    public void Track(AmqpLink link)
    {
        lock (_gate)
        {
            if (_connectionWide)
            {
                return;
            }
            if (_entityLinks.Count >= _pruneAt)
            {
                // Links detach by themselves; drop them here rather than on every detach.
                _entityLinks.RemoveAll(l => l.IsDetaching);
                _pruneAt = Math.Max(16, _entityLinks.Count * 2);
            }
            _entityLinks.Add(link);
        }
    }

    /// <summary>One timer per connection, due at the newest expiry; a renewal moves it later.</summary>
    private void ArmExpiryLocked()
    {
        TimeSpan due = _validUntil - clock.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }
        if (_expiryTimer is null)
        {
            _expiryTimer = clock.CreateTimer(static state => ((CbsAuthorization)state!).OnExpiryDue(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _expiryTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnExpiryDue()
    {
        AmqpLink[] lapsed;
        lock (_gate)
        {
            if (_disposed || _connectionWide)
            {
                return;
            }
            if (_validUntil > clock.GetUtcNow())
            {
                // Renewed while the timer was firing, or fired early: wait for the new expiry.
                ArmExpiryLocked();
                return;
            }
            lapsed = [.. _entityLinks];
            _entityLinks.Clear();
        }
        var error = new AmqpError(ErrorConditions.UnauthorizedAccess, "The token put on $cbs expired and was not renewed.");
        foreach (AmqpLink link in lapsed)
        {
            if (!link.IsDetaching)
            {
                link.Fail(error);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _expiryTimer?.Dispose();
            _expiryTimer = null;
            _entityLinks.Clear();
        }
    }
}
