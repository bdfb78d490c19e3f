using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Storage;
using Omnibus.Core.Security;

namespace Omnibus.Core.Engine;

public sealed partial class Broker
{
    private TransactionLog? _transactionLog;
    private readonly Dictionary<MessageLog, List<long[]>> _pins = [];

    /// <summary>
    /// Test hook: awaited after a commit's intent is durable, before operation <c>i</c> is applied.
    /// Throwing from it stops the commit there, as a crash would (the intent stays unapplied).
    /// </summary>
    internal Func<int, Task>? BeforeApplyingTransactionOperation { get; set; }

    /// <summary>How many committed transactions the last open found not (fully) applied and applied.</summary>
    public int RecoveredTransactions { get; private set; }

    /// <summary>
    /// Commits a transaction: every operation, or none. First each operation is checked (the entity
    /// exists and accepts the send — status, quota, message sizes, property types —, the lock of each
    /// settled message is still held) and its message claimed; if any check fails, nothing is applied,
    /// the claims are given back and the failure is thrown as a <see cref="MessagingException"/> with
    /// that check's code. Otherwise one intent record holding every operation is made durable in the
    /// transaction log (the commit point), then the operations are applied in order. A crash after the
    /// commit point is completed when the broker next opens. Completes once everything is applied
    /// and durable. A message sent in a transaction is not visible before the commit.
    /// </summary>
    public async Task CommitTransactionAsync(IReadOnlyList<TransactionOperation> operations, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(operations);
        foreach (TransactionOperation operation in operations)
        {
            switch (operation)
            {
                case TransactionSend send:
                    Authorize(caller, EntityRight.Send, send.EntityPath);
                    break;
                case TransactionSettlement settlement:
                    Authorize(caller, EntityRight.Listen, settlement.Receivable.Path);
                    break;
                case TransactionStreamCommit commit:
                    Authorize(caller, EntityRight.Send, commit.StreamName);
                    break;
                case TransactionOffsetCommit offsets:
                    foreach (string stream in offsets.Offsets.Select(o => o.Stream).Distinct(StringComparer.Ordinal))
                    {
                        Authorize(caller, EntityRight.Listen, stream);
                    }
                    break;
            }
        }
        TransactionLog log;
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            log = _transactionLog!;
        }
        if (operations.Count == 0)
        {
            return;
        }
        if (operations.OfType<TransactionSend>().FirstOrDefault() is { } firstSend && Space.IsFull)
        {
            // Settlements alone need no new space worth refusing; a send would store new messages.
            throw Space.Refusal(firstSend.EntityPath);
        }
        var prepared = new List<PreparedOperation>(operations.Count);
        for (int i = 0; i < operations.Count; i++)
        {
            try
            {
                prepared.Add(Prepare(operations[i]));
            }
            catch (MessagingException e)
            {
                Undo(prepared);
                throw new MessagingException(e.Code, $"The transaction was rolled back: operation {i + 1} of {operations.Count} failed: {e.Message}", e);
            }
            catch
            {
                Undo(prepared);
                throw;
            }
        }
        var id = Guid.NewGuid();
        byte[] intent = TransactionLog.EncodeIntent(id, prepared.Select(p => p.Intent).ToList());
        if (intent.Length > TransactionLog.MaxRecordSize)
        {
            Undo(prepared);
            throw new MessagingException(MessagingErrorCode.QuotaExceeded,
                $"The transaction was rolled back: its {intent.Length} bytes exceed the limit of {TransactionLog.MaxRecordSize} bytes per transaction.");
        }
        long ticket = log.Reserve();
        // If this fails (I/O error, disposal) whether the intent reached the disk is unknown: the claims
        // stay, so nobody else takes those messages, and the next open decides (applies it or not).
        await log.WriteIntentAsync(intent).ConfigureAwait(false);

        // Committed: applied now, or at the next open if the process dies first.
        for (int i = 0; i < prepared.Count; i++)
        {
            if (BeforeApplyingTransactionOperation is { } hook)
            {
                await hook(i).ConfigureAwait(false);
            }
            try
            {
                await ApplyAsync(prepared[i], id).ConfigureAwait(false);
            }
            catch (MessagingException)
            {
                // Cannot be applied any more (its entity was deleted meanwhile, or a dead-letter
                // forwarding target refuses the copy): skipped, as recovery would skip it.
            }
        }
        _ = MarkAppliedAsync(log, id, ticket, prepared);
    }

    private async Task MarkAppliedAsync(TransactionLog log, Guid id, long ticket, List<PreparedOperation> prepared)
    {
        try
        {
            await log.MarkAppliedAsync(id).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or StorageException)
        {
            return; // stays pending (and its targets pinned): the next open re-applies it, idempotently
        }
        foreach (PreparedSend send in prepared.OfType<PreparedSend>())
        {
            Unpin(send.Log, send.Intent.Positions);
        }
        try
        {
            log.Release(ticket);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private PreparedOperation Prepare(TransactionOperation operation) => operation switch
    {
        TransactionSend send => PrepareSend(send),
        TransactionSettlement settle => PrepareSettlement(settle),
        TransactionStreamCommit commit => PrepareStreamCommit(commit),
        TransactionOffsetCommit offsets => new PreparedOffsets(new IntentOffsets(offsets.Group, Clock.GetUtcNow().ToUnixTimeMilliseconds(), [.. offsets.Offsets])),
        null => throw new ArgumentException("A transaction operation is null.", nameof(operation)),
        _ => throw new ArgumentException($"Unknown transaction operation {operation.GetType().Name}.", nameof(operation)),
    };

    /// <summary>The checks of a send (along any forwarding chain), duplicate detection, and a pin on the log it will be stored in.</summary>
    private PreparedSend PrepareSend(TransactionSend send)
    {
        ArgumentNullException.ThrowIfNull(send.EntityPath);
        ArgumentNullException.ThrowIfNull(send.Messages);
        IReadOnlyList<BrokerMessage> messages = send.Messages;
        string path = send.EntityPath;
        var via = new List<QueueEntity>();
        for (int hop = 0; ; hop++)
        {
            if (hop > MaxForwardHops)
            {
                throw new MessagingException(MessagingErrorCode.InvalidOperation, $"Auto-forwarding chain longer than {MaxForwardHops} hops at '{path}'.");
            }
            (QueueEntity? queue, TopicEntity? topic) = FindSendTarget(path);
            if (queue is not null)
            {
                QueueDescription d = queue.Description;
                if (d.ForwardTo is { } forward && !string.Equals(forward, d.Name, StringComparison.OrdinalIgnoreCase))
                {
                    Stamp(messages, d.Name, d.Status, d.MaxMessageSizeInKilobytes, d.MaxSizeInMegabytes, 0, d.DefaultMessageTimeToLive);
                    via.Add(queue);
                    path = forward;
                    continue;
                }
                Stamp(messages, d.Name, d.Status, d.MaxMessageSizeInKilobytes, d.MaxSizeInMegabytes, queue.Receivable.UnsettledBytes(), d.DefaultMessageTimeToLive);
                return Claim(d.Name, queue, null, queue.Log);
            }
            if (topic is not null)
            {
                TopicDescription d = topic.Description;
                Stamp(messages, d.Name, d.Status, d.MaxMessageSizeInKilobytes, d.MaxSizeInMegabytes, topic.Log.SizeInBytes, d.DefaultMessageTimeToLive);
                return Claim(d.Name, null, topic, topic.Log);
            }
            throw MessagingException.NotFound(path);
        }

        PreparedSend Claim(string target, QueueEntity? queue, TopicEntity? topic, MessageLog log)
        {
            (IReadOnlyList<BrokerMessage> accepted, _) = FilterDuplicates(log, messages);
            long[] positions = Pin(log);
            var intent = new IntentSend(target, positions, accepted.Select(m => MessageCodec.Encode(m, null)).ToList());
            return new PreparedSend(intent, queue, topic, log, accepted, via);
        }
    }

    private static PreparedSettlement PrepareSettlement(TransactionSettlement settle)
    {
        ArgumentNullException.ThrowIfNull(settle.Receivable);
        IDictionary<string, object?>? properties = settle.Kind == SettlementKind.Complete ? null : settle.PropertiesToModify;
        string? reason = settle.Kind == SettlementKind.DeadLetter ? settle.DeadLetterReason : null;
        string? description = settle.Kind == SettlementKind.DeadLetter ? settle.DeadLetterDescription : null;
        SettlementClaim claim = settle.Receivable.Claim(settle.LockToken, settle.Kind, properties);
        var intent = new IntentSettlement(settle.Receivable.Path, settle.Kind, claim.Partition.Index, claim.Entry.Sequence, properties, reason, description);
        return new PreparedSettlement(intent, claim);
    }

    /// <summary>Gives back what the checks took: message locks, duplicate-detection claims, log pins.</summary>
    private void Undo(List<PreparedOperation> prepared)
    {
        foreach (PreparedOperation p in prepared)
        {
            switch (p)
            {
                case PreparedSend send:
                    foreach (BrokerMessage m in send.Accepted)
                    {
                        if (m.MessageId is { } messageId)
                        {
                            send.Log.Dedup?.Release(messageId);
                        }
                    }
                    Unpin(send.Log, send.Intent.Positions);
                    break;
                case PreparedSettlement settle:
                    settle.Claim.Owner.ReleaseClaim(settle.Claim);
                    break;
            }
        }
    }

    private async Task ApplyAsync(PreparedOperation operation, Guid id)
    {
        switch (operation)
        {
            case PreparedSend send when send.Accepted.Count > 0:
                DateTimeOffset now = Clock.GetUtcNow();
                foreach (QueueEntity forwarder in send.Via)
                {
                    forwarder.Receivable.Counters.AddTransferred(send.Accepted.Count);
                    forwarder.Receivable.AccessedAt = now;
                }
                if (send.Queue is not null)
                {
                    send.Queue.Receivable.AccessedAt = now;
                    await StoreInQueueAsync(send.Queue, send.Accepted, id).ConfigureAwait(false);
                }
                else
                {
                    send.Topic!.AccessedAt = now;
                    await StoreInTopicAsync(send.Topic, send.Accepted, send.Via.Count, id).ConfigureAwait(false);
                }
                break;
            case PreparedSettlement settle:
                IntentSettlement s = settle.Intent;
                await settle.Claim.Owner.ApplyClaimAsync(settle.Claim, s.Kind, s.Properties, s.Reason, s.Description).ConfigureAwait(false);
                break;
            case PreparedStreamCommit commit:
                await ApplyStreamCommitAsync(commit.Intent).ConfigureAwait(false);
                break;
            case PreparedOffsets offsets:
                await Streams.CommitOffsetsAsync(offsets.Intent.Group, offsets.Intent.Offsets).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Deletes the sealed segments of one partition that every reader has finished with, keeping
    /// those at or after a position pinned by a transaction being committed. The pins are read last:
    /// a pin taken after that was taken after the readers' positions were read, so its records lie
    /// above them.
    /// </summary>
    private void DeleteConsumedSegments(MessageLog log, int partition, List<Receivable> readers)
    {
        IPartitionLog p = log.Partitions[partition];
        long lowest = p.NextSequence;
        foreach (Receivable r in readers)
        {
            Storage.State.DeliveryStateStore store = r.StoreOf(partition);
            lock (store.SyncRoot)
            {
                lowest = Math.Min(lowest, store.State.LowestNeeded);
            }
        }
        p.DeleteSegmentsBefore(Math.Min(lowest, PinnedFloor(log, partition)));
    }

    /// <summary>
    /// Pins every partition of <paramref name="log"/> at its next sequence and returns those
    /// positions: no segment holding a record at or after a pinned position is deleted until
    /// <see cref="Unpin"/>. A committed transaction pins its send targets until it is marked
    /// applied, so recovery can still find the records it wrote there.
    /// </summary>
    private long[] Pin(MessageLog log)
    {
        lock (_pins)
        {
            long[] positions = log.Partitions.Select(p => p.NextSequence).ToArray();
            if (!_pins.TryGetValue(log, out List<long[]>? list))
            {
                _pins[log] = list = [];
            }
            list.Add(positions);
            return positions;
        }
    }

    private void Unpin(MessageLog log, long[] positions)
    {
        lock (_pins)
        {
            if (_pins.TryGetValue(log, out List<long[]>? list) && list.Remove(positions) && list.Count == 0)
            {
                _pins.Remove(log);
            }
        }
    }

    /// <summary>The lowest pinned position of a partition (<see cref="long.MaxValue"/> when none).</summary>
    private long PinnedFloor(MessageLog log, int partition)
    {
        lock (_pins)
        {
            long floor = long.MaxValue;
            foreach (long[] pin in _pins.GetValueOrDefault(log) ?? [])
            {
                floor = Math.Min(floor, pin[partition]);
            }
            return floor;
        }
    }

    private abstract class PreparedOperation
    {
        public abstract object Intent { get; }
    }

    private sealed class PreparedSend(IntentSend intent, QueueEntity? queue, TopicEntity? topic, MessageLog log, IReadOnlyList<BrokerMessage> accepted, List<QueueEntity> via) : PreparedOperation
    {
        public override IntentSend Intent { get; } = intent;
        public QueueEntity? Queue { get; } = queue;
        public TopicEntity? Topic { get; } = topic;
        public MessageLog Log { get; } = log;
        public IReadOnlyList<BrokerMessage> Accepted { get; } = accepted;
        public List<QueueEntity> Via { get; } = via;
    }

    private sealed class PreparedSettlement(IntentSettlement intent, SettlementClaim claim) : PreparedOperation
    {
        public override IntentSettlement Intent { get; } = intent;
        public SettlementClaim Claim { get; } = claim;
    }
}
