using Omnibus.Core.Messages;
using Omnibus.Storage.State;

namespace Omnibus.Core.Engine;

public sealed partial class Receivable
{
    /// <summary>
    /// Receives up to <paramref name="maxMessages"/>, waiting up to <paramref name="maxWait"/> for
    /// the first (long poll). Returns an empty list when none arrived in time. Competing receivers
    /// are served first-come first-served; a locked message goes to one receiver only.
    /// </summary>
    public Task<IReadOnlyList<BrokerMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, ReceiveMode mode, CancellationToken cancellationToken = default)
    {
        if (Settings.RequiresSession)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"'{Path}' requires sessions: accept a session to receive from it.");
        }
        return ReceiveCoreAsync(null, maxMessages, maxWait, mode, null, cancellationToken);
    }

    /// <summary>Receives from a session this receiver holds the lock of.</summary>
    public Task<IReadOnlyList<BrokerMessage>> ReceiveAsync(SessionLock session, int maxMessages, TimeSpan maxWait, ReceiveMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ReceiveCoreAsync(session, maxMessages, maxWait, mode, null, cancellationToken);
    }

    private async Task<IReadOnlyList<BrokerMessage>> ReceiveCoreAsync(SessionLock? session, int maxMessages, TimeSpan maxWait, ReceiveMode mode, TimeSpan? visibility, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        CheckReceivable();
        AccessedAt = _clock.GetUtcNow();
        PollDeadline deadline = PollDeadline.After(maxWait, Environment.TickCount64);
        while (true)
        {
            TaskCompletionSource<bool> waiter = new(TaskCreationOptions.RunContinuationsAsynchronously);
            LinkedListNode<TaskCompletionSource<bool>>? node = null;
            List<(Entry Entry, ReceivablePartition Partition, int DeliveryCountBefore)> taken;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                long lockTicks = (visibility ?? Settings.LockDuration).Ticks;
                taken = Settings.MessageGroups && !Settings.RequiresSession
                    ? TakeGrouped(maxMessages, mode, lockTicks)
                    : Take(session, maxMessages, mode, lockTicks);
                if (taken.Count == 0)
                {
                    lock (_waiters)
                    {
                        node = _waiters.AddLast(waiter);
                    }
                }
            }
            if (taken.Count > 0)
            {
                return await Materialize(taken, mode).ConfigureAwait(false);
            }
            long now = Environment.TickCount64;
            if (deadline.HasPassed(now))
            {
                RemoveWaiter(node!);
                return [];
            }
            try
            {
                await waiter.Task.WaitAsync(deadline.Remaining(now), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                RemoveWaiter(node!);
                return [];
            }
            catch (OperationCanceledException)
            {
                RemoveWaiter(node!);
                throw;
            }
            if (_disposed)
            {
                return [];
            }
        }
    }

    private void RemoveWaiter(LinkedListNode<TaskCompletionSource<bool>> node)
    {
        bool removed;
        lock (_waiters)
        {
            removed = node.List is not null;
            if (removed)
            {
                _waiters.Remove(node);
            }
        }
        // A wake-up that raced with the time-out goes to the next waiter, so no message waits for nobody.
        if (!removed && node.Value.Task.IsCompletedSuccessfully)
        {
            WakeWaiters(1);
        }
    }

    private void CheckReceivable()
    {
        if (Settings.Status is Entities.EntityStatus.Disabled or Entities.EntityStatus.ReceiveDisabled)
        {
            throw new MessagingException(MessagingErrorCode.EntityDisabled, $"The messaging entity '{Path}' is disabled for receiving.");
        }
    }

    /// <summary>Takes available messages under the lock: locks them (peek-lock) or removes them (receive-and-delete).</summary>
    private List<(Entry, ReceivablePartition, int)> Take(SessionLock? session, int max, ReceiveMode mode, long lockTicks)
    {
        var taken = new List<(Entry, ReceivablePartition, int)>();
        long now = NowTicks;
        SessionInfo? sessionInfo = null;
        if (session is not null)
        {
            sessionInfo = CheckSessionLock(session, now);
        }
        int partitions = _partitions.Length;
        bool byPriority = sessionInfo is null && partitions > 1 && Settings.MaxPriority > 0;
        int emptyRounds = 0;
        while (taken.Count < max && emptyRounds < partitions)
        {
            ReceivablePartition p;
            long seq;
            if (sessionInfo is not null)
            {
                p = _partitions[sessionInfo.Partition];
                if (sessionInfo.Available.Count == 0)
                {
                    break;
                }
                seq = sessionInfo.Available.Min;
                sessionInfo.Available.Remove(seq);
            }
            else
            {
                if (byPriority)
                {
                    if (PartitionWithHighestPriority() is not { } highest)
                    {
                        break;
                    }
                    p = highest;
                }
                else
                {
                    p = _partitions[(_nextPartition++ & int.MaxValue) % partitions];
                }
                if (p.Available.Count == 0)
                {
                    emptyRounds++;
                    continue;
                }
                seq = p.Available.TakeFirst(p.Entries).Sequence;
            }
            emptyRounds = 0;
            Entry entry = p.Entries[seq];
            if (entry.ExpiresTicks <= now)
            {
                entry.State = EntryState.Leaving;
                _pendingExpiries.Add((p, entry));
                continue;
            }
            int before = entry.DeliveryCount;
            if (mode == ReceiveMode.PeekLock)
            {
                Lock(p, entry, now, sessionInfo, lockTicks);
            }
            else
            {
                RemoveEntry(p, entry);
            }
            taken.Add((entry, p, before));
            if (sessionInfo is null && partitions > 1 && taken.Count < max)
            {
                continue; // next partition next time round: spreads receivers over partitions
            }
        }
        return taken;
    }

    private void Lock(ReceivablePartition p, Entry entry, long now, SessionInfo? session, long lockTicks)
    {
        entry.State = EntryState.Locked;
        entry.LockToken = UniqueIds.NewGuid();
        entry.LockedUntilTicks = now + lockTicks;
        entry.LockedAtTicks = now;
        entry.SessionLockToken = session?.LockToken ?? Guid.Empty;
        entry.DeliveryCount++;
        _locks[entry.LockToken] = entry;
        _lockExpiries.Enqueue(entry.LockToken, entry.LockedUntilTicks);
    }

    /// <summary>Reads the bodies (outside the lock), then records the delivery in the state store.</summary>
    private async Task<IReadOnlyList<BrokerMessage>> Materialize(List<(Entry Entry, ReceivablePartition Partition, int DeliveryCountBefore)> taken, ReceiveMode mode)
    {
        // Bodies first: once a receive-and-delete removal is recorded, the segment holding the body
        // may be deleted by the next sweep.
        var bodies = taken.GroupBy(t => t.Partition).ToDictionary(g => g.Key, g => g.Key.ReadMany(g.Select(t => t.Entry.Sequence)));
        var messages = new List<BrokerMessage>(taken.Count);
        foreach ((Entry entry, ReceivablePartition partition, int before) in taken)
        {
            BrokerMessage m = bodies[partition][entry.Sequence];
            ApplyOverrides(m, entry.Overrides);
            m.Delivery = new DeliveryInfo(entry.LockToken, new DateTimeOffset(entry.LockedUntilTicks, TimeSpan.Zero), before, MessageState.Active);
            messages.Add(m);
        }
        Task durable = Task.CompletedTask;
        foreach (IGrouping<ReceivablePartition, (Entry Entry, ReceivablePartition Partition, int)> group in taken.GroupBy(t => t.Partition))
        {
            StateChange[] changes = mode == ReceiveMode.PeekLock
                ? group.Select(t => StateChange.DeliveryAttempt(t.Entry.Sequence)).ToArray()
                : group.Select(t => StateChange.Complete(t.Entry.Sequence)).ToArray();
            // A peek-lock attempt waits for nobody, so it rides with the next urgent state write.
            Task applied = group.Key.Store.ApplyAsync(changes, urgent: mode == ReceiveMode.ReceiveAndDelete);
            // Receive-and-delete removes the message before handing it out; a peek-lock attempt is
            // counted without waiting (a crash before it is durable costs one uncounted attempt).
            if (mode == ReceiveMode.ReceiveAndDelete)
            {
                durable = durable.IsCompleted ? applied : Task.WhenAll(durable, applied);
            }
        }
        await durable.ConfigureAwait(false);
        Counters.AddReceived(messages.Count);
        if (mode == ReceiveMode.ReceiveAndDelete)
        {
            Counters.AddCompleted(messages.Count);
        }
        return messages;
    }

    private static void ApplyOverrides(BrokerMessage m, Dictionary<string, object?>? overrides)
    {
        if (overrides is null)
        {
            return;
        }
        foreach (KeyValuePair<string, object?> kv in overrides)
        {
            m.ApplicationProperties[kv.Key] = kv.Value;
        }
    }

    /// <summary>
    /// Reads messages from <paramref name="fromSequence"/> on without locking them, in sequence
    /// order, including deferred and scheduled ones (their <see cref="BrokerMessage.State"/> says which).
    /// </summary>
    public IReadOnlyList<BrokerMessage> Peek(long fromSequence, int maxMessages, string? sessionId = null)
    {
        var result = new List<BrokerMessage>();
        foreach (ReceivablePartition p in _partitions)
        {
            var wanted = new List<(long Seq, MessageState State, int Count, Dictionary<string, object?>? Overrides, long LockedUntil)>();
            lock (_gate)
            {
                foreach (Entry e in p.Entries.Values)
                {
                    if (SequenceNumbers.Compose(p.Index, e.Sequence) >= fromSequence && e.State != EntryState.Leaving && (sessionId is null || e.SessionId == sessionId))
                    {
                        MessageState state = e.State switch { EntryState.Deferred => MessageState.Deferred, EntryState.Scheduled => MessageState.Scheduled, _ => MessageState.Active };
                        wanted.Add((e.Sequence, state, e.DeliveryCount, e.Overrides, e.State == EntryState.Locked ? e.LockedUntilTicks : 0));
                    }
                }
            }
            foreach (var w in wanted.OrderBy(w => w.Seq).Take(maxMessages))
            {
                BrokerMessage m;
                try
                {
                    m = p.Read(w.Seq);
                }
                catch (MessagingException)
                {
                    continue; // settled and deleted meanwhile
                }
                ApplyOverrides(m, w.Overrides);
                m.Delivery = new DeliveryInfo(Guid.Empty, w.LockedUntil != 0 ? new DateTimeOffset(w.LockedUntil, TimeSpan.Zero) : default, w.Count, w.State);
                result.Add(m);
            }
        }
        return result.OrderBy(m => m.SequenceNumber).Take(maxMessages).ToList();
    }
}
