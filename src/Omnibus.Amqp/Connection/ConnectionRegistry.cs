using System.Collections.Concurrent;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// Connection-wide lookups: reply links by the address requests name in reply-to, and session
/// locks held by this connection's session receivers (so $management can renew them or read
/// their state by session id).
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ReplyLink> _replyLinks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Entity, string SessionId), SessionLock> _sessionLocks = new();

    public void AddReplyLink(ReplyLink link)
    {
        if (link.TargetAddress is { Length: > 0 } target)
        {
            _replyLinks[target] = link;
        }
        _replyLinks[link.Name] = link;
    }

    public void RemoveReplyLink(ReplyLink link)
    {
        if (link.TargetAddress is { Length: > 0 } target)
        {
            _replyLinks.TryRemove(new KeyValuePair<string, ReplyLink>(target, link));
        }
        _replyLinks.TryRemove(new KeyValuePair<string, ReplyLink>(link.Name, link));
    }

    public ReplyLink? FindReplyLink(string? replyTo) =>
        replyTo is not null && _replyLinks.TryGetValue(replyTo, out ReplyLink? link) ? link : null;

    /// <summary>Remembers (or, after a renewal, replaces) the session lock a receiver link holds.</summary>
    public void SetSessionLock(string entityKey, SessionLock sessionLock) => _sessionLocks[(entityKey, sessionLock.SessionId)] = sessionLock;

    public void RemoveSessionLock(string entityKey, string sessionId) => _sessionLocks.TryRemove((entityKey, sessionId), out _);

    public SessionLock? FindSessionLock(string entityKey, string sessionId) =>
        _sessionLocks.TryGetValue((entityKey, sessionId), out SessionLock? found) ? found : null;
}
