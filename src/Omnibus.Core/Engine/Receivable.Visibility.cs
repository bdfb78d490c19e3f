using Omnibus.Core.Messages;
using Omnibus.Storage.State;

namespace Omnibus.Core.Engine;

/// <summary>
/// Competing consumption with visibility chosen per receive: the lock token handed out with each
/// delivery is its receipt (a new one per delivery), and the lock can be moved at any time while
/// it is held. Locks live in memory only: after a restart every message that was out is
/// available again with its delivery counted.
/// </summary>
public sealed partial class Receivable
{
    /// <summary>The longest a message may stay locked, counted from the receive that locked it.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    /// <summary>
    /// Receives as <see cref="ReceiveAsync(int, TimeSpan, ReceiveMode, CancellationToken)"/>, with
    /// the lock (visibility) duration of this receive chosen by the caller.
    /// </summary>
    public Task<IReadOnlyList<BrokerMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, ReceiveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Settings.RequiresSession)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"'{Path}' requires sessions: accept a session to receive from it.");
        }
        if (options.Visibility is { } v)
        {
            CheckVisibility(v);
        }
        return ReceiveCoreAsync(null, maxMessages, maxWait, options.Mode, options.Visibility, cancellationToken);
    }

    private static void CheckVisibility(TimeSpan visibility)
    {
        if (visibility < TimeSpan.Zero || visibility > MaxVisibility)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"A visibility timeout must be between 0 and {MaxVisibility}; {visibility} was given.");
        }
    }

    /// <summary>
    /// Moves the end of a held lock to now + <paramref name="visibility"/> (shorter or longer) and
    /// returns it; zero hands the message back at once, as an abandon does. Refused with
    /// <see cref="MessagingErrorCode.InvalidArgument"/> when the lock would end more than
    /// <see cref="MaxVisibility"/> after the receive, and with
    /// <see cref="MessagingErrorCode.MessageLockLost"/> when the token is unknown, settled or expired.
    /// </summary>
    public async Task<DateTimeOffset> ChangeVisibilityAsync(Guid lockToken, TimeSpan visibility)
    {
        CheckVisibility(visibility);
        if (visibility == TimeSpan.Zero)
        {
            await AbandonAsync(lockToken).ConfigureAwait(false);
            return _clock.GetUtcNow();
        }
        lock (_gate)
        {
            long now = NowTicks;
            (_, Entry entry) = TakeLocked(lockToken, now, releasing: false);
            long until = now + visibility.Ticks;
            if (until - entry.LockedAtTicks > MaxVisibility.Ticks)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument,
                    $"The lock would end {TimeSpan.FromTicks(until - entry.LockedAtTicks)} after the message was received; at most {MaxVisibility} is allowed.");
            }
            entry.LockedUntilTicks = until;
            _lockExpiries.Enqueue(lockToken, until); // an earlier queue entry finds the lock moved and is skipped
            return new DateTimeOffset(until, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Gives a locked message back. <see cref="RequeuePosition.Head"/> is an abandon: the message
    /// keeps its place. <see cref="RequeuePosition.Tail"/> appends a copy (properties changed so far
    /// applied, delivery count carried) to the end of its partition's log, then settles the
    /// original: a crash between the two leaves both (at least once), never neither. Tail is refused
    /// on a receivable that shares its log (a subscription: the other subscriptions would have to
    /// skip the copy) and for a grouped message (it would overtake nothing but break its group's order).
    /// </summary>
    public async Task RequeueAsync(Guid lockToken, RequeuePosition position)
    {
        if (position == RequeuePosition.Head)
        {
            await AbandonAsync(lockToken).ConfigureAwait(false);
            return;
        }
        if (SharesLog)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"'{Path}' shares its log with other subscriptions: messages can be requeued to their own place only.");
        }
        ReceivablePartition p;
        Entry original;
        lock (_gate)
        {
            (p, original) = TakeLocked(lockToken, NowTicks, releasing: false);
            if (original.SessionId is not null && (Settings.MessageGroups || Settings.RequiresSession))
            {
                throw new MessagingException(MessagingErrorCode.InvalidOperation, "A message of a group or session keeps its place in the group's order: requeue it to the head.");
            }
            (p, original) = TakeLocked(lockToken, NowTicks);
            _locks.Remove(lockToken);
            original.LockToken = Guid.Empty;
            original.State = EntryState.Leaving; // claimed: it can no longer expire or be settled meanwhile
        }
        BrokerMessage m = p.Read(original.Sequence);
        ApplyOverrides(m, original.Overrides);
        byte[] record = MessageCodec.Encode(m, null);
        long sequence = await p.Log.AppendAsync(record).ConfigureAwait(false);
        StoredMessageHeader header = MessageCodec.ReadHeader(record);
        var changes = new List<StateChange>(original.DeliveryCount + 1) { StateChange.Complete(original.Sequence) };
        lock (_gate)
        {
            if (p.Entries.ContainsKey(original.Sequence))
            {
                RemoveEntry(p, original);
            }
            AddEntry(p, new Entry
            {
                Sequence = sequence,
                Partition = p.Index,
                EnqueuedTicks = header.EnqueuedTicks,
                ExpiresTicks = header.ExpiresTicks,
                Size = record.Length,
                SessionId = header.SessionId,
                Priority = original.Priority,
                DeliveryCount = original.DeliveryCount,
                State = EntryState.Available,
            });
        }
        for (int i = 0; i < original.DeliveryCount; i++)
        {
            changes.Add(StateChange.DeliveryAttempt(sequence));
        }
        await p.Store.ApplyAsync(changes.ToArray()).ConfigureAwait(false);
        Counters.AddAbandoned();
        WakeWaiters(1);
    }
}
