using Omnibus.Core.Messages;
using Omnibus.Core.Streams;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>A committed transaction whose intent names a quarantined entity: applied to the others, kept until that entity is recovered or deleted.</summary>
public sealed record WaitingTransactionInfo(Guid Id, IReadOnlyList<string> WaitingFor);

public sealed partial class Broker
{
    private readonly List<WaitingTransaction> _waitingTransactions = [];

    /// <summary>Committed transactions the last open could not wholly apply because they name a quarantined entity (they wait for it).</summary>
    public IReadOnlyList<WaitingTransactionInfo> WaitingTransactions
    {
        get
        {
            lock (_catalogLock)
            {
                return [.. _waitingTransactions.Select(w => new WaitingTransactionInfo(w.Intent.Id, w.WaitingFor))];
            }
        }
    }

    private sealed record WaitingTransaction(PendingIntent Intent, IReadOnlyList<string> WaitingFor);

    /// <summary>
    /// At open: applies every intent without an applied mark, then marks it. A send is applied only
    /// if no record tagged with the transaction is in its target log at or after the positions the
    /// intent recorded (so it is never stored twice); a settlement only if its message is still in
    /// the index in a state the settlement changes (so applying one twice changes nothing). An
    /// intent naming a quarantined entity is applied to the others and kept unmarked
    /// (<see cref="WaitingTransactions"/>): recovering the entity applies the rest, deleting it drops it.
    /// </summary>
    private void RecoverTransactions()
    {
        TransactionLog log = _transactionLog!;
        foreach (PendingIntent intent in log.ReadPending())
        {
            string[] waitingFor = [.. intent.Operations.Select(QuarantinedNameIn).OfType<string>().Distinct(StringComparer.Ordinal)];
            ApplyRecoveredOperationsAsync(intent, waitingFor).GetAwaiter().GetResult();
            if (waitingFor.Length > 0)
            {
                log.Keep(intent.Sequence);
                _waitingTransactions.Add(new WaitingTransaction(intent, waitingFor));
                continue;
            }
            log.MarkAppliedAsync(intent.Id).GetAwaiter().GetResult();
            RecoveredTransactions++;
        }
        log.DeleteApplied();
    }

    private async Task ApplyRecoveredOperationsAsync(PendingIntent intent, string[] skip)
    {
        foreach (object operation in intent.Operations)
        {
            if (QuarantinedNameIn(operation) is { } name && skip.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }
            try
            {
                await RecoverOperationAsync(operation, intent.Id).ConfigureAwait(false);
            }
            catch (MessagingException)
            {
                // Its entity is gone, or a dead-letter forwarding target refuses: skipped.
            }
        }
    }

    /// <summary>
    /// After an entity left quarantine (recovered or deleted): every kept intent that waited only
    /// for entities no longer quarantined is applied (again, idempotently) and marked. Returns how many.
    /// </summary>
    private async Task<int> ApplyWaitingTransactionsAsync()
    {
        TransactionLog log = _transactionLog!;
        List<WaitingTransaction> ready;
        lock (_catalogLock)
        {
            ready = [.. _waitingTransactions.Where(w => w.Intent.Operations.All(o => QuarantinedNameIn(o) is null))];
            _waitingTransactions.RemoveAll(ready.Contains);
        }
        foreach (WaitingTransaction w in ready)
        {
            await ApplyRecoveredOperationsAsync(w.Intent, []).ConfigureAwait(false);
            await log.MarkAppliedAsync(w.Intent.Id).ConfigureAwait(false);
            log.Unkeep(w.Intent.Sequence);
            RecoveredTransactions++;
        }
        if (ready.Count > 0)
        {
            log.DeleteApplied();
        }
        return ready.Count;
    }

    /// <summary>The quarantined queue, topic or stream an operation of a recovered intent names, or null.</summary>
    private string? QuarantinedNameIn(object operation)
    {
        string? entity = operation switch
        {
            IntentSend send => send.TargetPath,
            IntentSettlement settle => EntityOfStoredPath(settle.ReceivablePath),
            IntentStreamCommit commit => commit.Stream,
            _ => null,
        };
        lock (_catalogLock)
        {
            if (entity is not null && _quarantine.ContainsKey(entity))
            {
                return entity;
            }
        }
        StreamRegistry? streams = Volatile.Read(ref _streams);
        if (streams is null)
        {
            return null;
        }
        if (entity is not null && streams.IsQuarantined(entity))
        {
            return entity;
        }
        return operation is IntentOffsets offsets ? offsets.Offsets.Select(o => o.Stream).FirstOrDefault(streams.IsQuarantined) : null;
    }

    /// <summary>The queue or topic of a receivable's stored path (<see cref="GetReceivableByStoredPath"/>).</summary>
    private static string EntityOfStoredPath(string storedPath)
    {
        string path = storedPath;
        if (path.EndsWith("/" + EntityNames.DeadLetterSuffix, StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^(EntityNames.DeadLetterSuffix.Length + 1)];
        }
        int marker = path.IndexOf("/" + EntityNames.SubscriptionsSegment + "/", StringComparison.OrdinalIgnoreCase);
        return marker > 0 ? path[..marker] : path;
    }

    private async Task RecoverOperationAsync(object operation, Guid id)
    {
        switch (operation)
        {
            case IntentSend send:
                (QueueEntity? queue, TopicEntity? topic) = FindSendTarget(send.TargetPath);
                MessageLog? log = queue?.Log ?? topic?.Log;
                if (log is null || send.Messages.Count == 0 || ContainsTransaction(log, send.Positions, id))
                {
                    return;
                }
                var messages = send.Messages.Select(b => MessageCodec.Decode(b, -1)).ToList();
                foreach (BrokerMessage m in messages)
                {
                    if (m.MessageId is { } messageId)
                    {
                        log.Dedup?.RememberFromLog(messageId, m.EnqueuedTime.UtcTicks);
                    }
                }
                if (queue is not null)
                {
                    await StoreInQueueAsync(queue, messages, id).ConfigureAwait(false);
                }
                else
                {
                    await StoreInTopicAsync(topic!, messages, 0, id).ConfigureAwait(false);
                }
                break;
            case IntentSettlement s:
                Receivable receivable = GetReceivableByStoredPath(s.ReceivablePath);
                await receivable.RecoverSettlementAsync(s.Partition, s.Sequence, s.Kind, s.Properties, s.Reason, s.Description).ConfigureAwait(false);
                break;
            case IntentStreamCommit commit:
                await RecoverStreamCommitAsync(commit).ConfigureAwait(false);
                break;
            case IntentOffsets offsets:
                await RecoverOffsetsAsync(offsets).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>True when a record tagged with <paramref name="id"/> is in <paramref name="log"/> at or after <paramref name="positions"/>.</summary>
    private static bool ContainsTransaction(MessageLog log, long[] positions, Guid id)
    {
        for (int i = 0; i < log.Partitions.Length; i++)
        {
            IPartitionLog partition = log.Partitions[i];
            long from = Math.Max(i < positions.Length ? positions[i] : 0, partition.FirstSequence);
            if (from >= partition.NextSequence)
            {
                continue;
            }
            using ILogReader reader = partition.OpenReader(from);
            while (reader.TryRead(out LogRecord record))
            {
                if (!record.Body.IsEmpty && MessageCodec.ReadTransaction(record.Body.Span) == id)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
