using System.Collections.Concurrent;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>Session locks held by a connection's session receivers, so $management can renew them or read their state by session id.</summary>
internal sealed class SessionLockRegistry
{
    private readonly ConcurrentDictionary<(string Entity, string SessionId), SessionLock> _sessionLocks = new();

    /// <summary>Remembers (or, after a renewal, replaces) the session lock a receiver link holds.</summary>
    public void Set(string entityKey, SessionLock sessionLock) => _sessionLocks[(entityKey, sessionLock.SessionId)] = sessionLock;

    public void Remove(string entityKey, string sessionId) => _sessionLocks.TryRemove((entityKey, sessionId), out _);

    public SessionLock? Find(string entityKey, string sessionId) =>
        _sessionLocks.TryGetValue((entityKey, sessionId), out SessionLock? found) ? found : null;
}
