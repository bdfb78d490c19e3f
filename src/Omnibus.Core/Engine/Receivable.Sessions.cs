namespace Omnibus.Core.Engine;

/// <summary>One session of a session-enabled receivable.</summary>
internal sealed class SessionInfo(string id, int partition)
{
    public string Id { get; } = id;
    public int Partition { get; set; } = partition;
    public SortedSet<long> Available { get; } = [];
    public Guid LockToken;
    public long LockedUntilTicks;
    public byte[]? State;
    public long UpdatedTicks;
}

public sealed partial class Receivable
{
    private readonly Dictionary<string, SessionInfo> _sessions = new(StringComparer.Ordinal);

    private SessionInfo GetOrAddSession(string id, int partition)
    {
        if (!_sessions.TryGetValue(id, out SessionInfo? s))
        {
            s = new SessionInfo(id, partition);
            _sessions[id] = s;
        }
        else if (s.Available.Count == 0)
        {
            s.Partition = partition;
        }
        return s;
    }

    private SessionInfo CheckSessionLock(SessionLock session, long now)
    {
        if (!_sessions.TryGetValue(session.SessionId, out SessionInfo? s) || s.LockToken != session.LockToken || s.LockedUntilTicks <= now)
        {
            throw new MessagingException(MessagingErrorCode.SessionLockLost, $"The lock on session '{session.SessionId}' was lost or has expired.");
        }
        return s;
    }

    /// <summary>
    /// Locks a session for this receiver: the named one, or (with null) the next session that has
    /// available messages and no holder. Waits up to <paramref name="maxWait"/> for one to appear.
    /// </summary>
    public async Task<SessionLock> AcceptSessionAsync(string? sessionId, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        if (!Settings.RequiresSession)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"'{Path}' does not require sessions.");
        }
        CheckReceivable();
        AccessedAt = _clock.GetUtcNow();
        long deadline = Environment.TickCount64 + (long)Math.Min(maxWait.TotalMilliseconds, int.MaxValue);
        while (true)
        {
            var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            LinkedListNode<TaskCompletionSource<bool>> node;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                long now = NowTicks;
                if (sessionId is not null)
                {
                    SessionInfo named = GetOrAddSession(sessionId, PartitionOfSession(sessionId));
                    if (named.LockToken != Guid.Empty && named.LockedUntilTicks > now)
                    {
                        throw new MessagingException(MessagingErrorCode.SessionCannotBeLocked, $"The session '{sessionId}' is locked by another receiver.");
                    }
                    return LockSession(named, now);
                }
                SessionInfo? next = _sessions.Values
                    .Where(s => s.Available.Count > 0 && (s.LockToken == Guid.Empty || s.LockedUntilTicks <= now))
                    .OrderBy(s => s.Available.Min)
                    .FirstOrDefault();
                if (next is not null)
                {
                    return LockSession(next, now);
                }
                lock (_waiters)
                {
                    node = _waiters.AddLast(waiter);
                }
            }
            long remaining = deadline - Environment.TickCount64;
            try
            {
                if (remaining <= 0)
                {
                    throw new TimeoutException();
                }
                await waiter.Task.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                RemoveWaiter(node);
                throw new MessagingException(MessagingErrorCode.Timeout, $"No unlocked session with messages became available in '{Path}' within {maxWait}.");
            }
            catch (OperationCanceledException)
            {
                RemoveWaiter(node);
                throw;
            }
        }
    }

    private int PartitionOfSession(string sessionId) => _partitions.Length == 1
        ? 0
        : (int)(System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(sessionId)) % (uint)_partitions.Length);

    private SessionLock LockSession(SessionInfo s, long now)
    {
        s.LockToken = UniqueIds.NewGuid();
        s.LockedUntilTicks = now + Settings.LockDuration.Ticks;
        return new SessionLock(s.Id, s.LockToken, new DateTimeOffset(s.LockedUntilTicks, TimeSpan.Zero));
    }

    /// <summary>Extends the session lock; returns the new expiry.</summary>
    public DateTimeOffset RenewSessionLock(SessionLock session)
    {
        lock (_gate)
        {
            long now = NowTicks;
            SessionInfo s = CheckSessionLock(session, now);
            s.LockedUntilTicks = now + Settings.LockDuration.Ticks;
            return new DateTimeOffset(s.LockedUntilTicks, TimeSpan.Zero);
        }
    }

    /// <summary>Gives the session up (the receiver closed); its messages go to the next acceptor.</summary>
    public void ReleaseSession(SessionLock session)
    {
        bool hasMessages;
        lock (_gate)
        {
            if (!_sessions.TryGetValue(session.SessionId, out SessionInfo? s) || s.LockToken != session.LockToken)
            {
                return;
            }
            s.LockToken = Guid.Empty;
            hasMessages = s.Available.Count > 0;
        }
        if (hasMessages)
        {
            WakeWaiters(1);
        }
    }

    /// <summary>The session's state (null when none was set).</summary>
    public byte[]? GetSessionState(SessionLock session)
    {
        lock (_gate)
        {
            return CheckSessionLock(session, NowTicks).State;
        }
    }

    /// <summary>Sets (or with null, clears) the session's state; durable when this returns.</summary>
    public async Task SetSessionStateAsync(SessionLock session, byte[]? state)
    {
        lock (_gate)
        {
            SessionInfo s = CheckSessionLock(session, NowTicks);
            s.State = state;
            s.UpdatedTicks = NowTicks;
        }
        await _aux.SaveSessionStateAsync(session.SessionId, state).ConfigureAwait(false);
    }

    /// <summary>Session ids with messages or state (Service Bus get-message-sessions).</summary>
    public IReadOnlyList<string> ListSessions()
    {
        lock (_gate)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (ReceivablePartition p in _partitions)
            {
                foreach (Entry e in p.Entries.Values)
                {
                    if (e.SessionId is not null)
                    {
                        ids.Add(e.SessionId);
                    }
                }
            }
            foreach (SessionInfo s in _sessions.Values)
            {
                if (s.State is not null)
                {
                    ids.Add(s.Id);
                }
            }
            return ids.Order(StringComparer.Ordinal).ToList();
        }
    }
}
