using Omnibus.Core.Security;
using Omnibus.Core.Streams;

namespace Omnibus.Core.Engine;

/// <summary>
/// The end of a producer's transaction in one partition of a topic's stream (docs/core.md,
/// "Transactions in a stream"): a marker record, and at a commit the transaction's records sent on
/// to the topic's subscriptions and exchange bindings, as a non-transactional append would have.
/// </summary>
public sealed partial class Broker
{
    private const int CommittedReadBytes = 1024 * 1024;

    /// <summary>
    /// Appends the marker that commits or aborts <paramref name="transaction"/> in a partition, and
    /// completes with the marker's offset once durable. At a commit the producer's records since its
    /// transaction opened there are then sent to the topic (when it has subscriptions or an
    /// exchange); as with <see cref="AppendToTopicStreamAsync"/> the two steps are not one atomic write.
    /// </summary>
    public async Task<long> EndTopicStreamTransactionAsync(string name, int partition, StreamTransaction transaction, bool commit, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        Authorize(caller, EntityRight.Send, name);
        MessageStream stream = Streams.Get(name);
        StreamOpenTransaction? open = stream.OpenTransactions(partition).FirstOrDefault(t => t.ProducerId == transaction.ProducerId);
        var marker = new StreamRecord
        {
            Timestamp = Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Transaction = transaction,
            Marker = commit ? StreamTransactionOutcome.Committed : StreamTransactionOutcome.Aborted,
        };
        long offset = await stream.AppendAsync(partition, [marker]).ConfigureAwait(false);
        if (commit && open is not null && HasTopicReceivers(name))
        {
            await SendStreamRecordsToTopicAsync(name, await CommittedRecordsAsync(stream, partition, transaction.ProducerId, open.FirstOffset, offset).ConfigureAwait(false)).ConfigureAwait(false);
        }
        return offset;
    }

    private bool HasTopicReceivers(string name)
    {
        lock (_catalogLock)
        {
            return (_topics.TryGetValue(name, out var topic) && topic.Subscriptions.Count > 0) || _router.Exchanges.ContainsKey(name);
        }
    }

    // The producer's records in [from, marker): the transaction just committed.
    private static async Task<List<StreamRecord>> CommittedRecordsAsync(MessageStream stream, int partition, long producerId, long from, long marker)
    {
        var records = new List<StreamRecord>();
        long next = Math.Max(from, stream.EarliestOffset(partition));
        while (next < marker)
        {
            StreamReadResult read = await stream.ReadAsync(new StreamReadRequest { Partition = partition, Offset = next, MaxBytes = CommittedReadBytes }).ConfigureAwait(false);
            if (read.Entries.Count == 0)
            {
                break;
            }
            foreach (StreamEntry e in read.Entries)
            {
                if (e.Offset < marker && e.Record is { Marker: null, Transaction: { } t } && t.ProducerId == producerId)
                {
                    records.Add(e.Record);
                }
            }
            next = read.NextOffset;
        }
        return records;
    }

    // A stream commit in a core transaction: the partition's open transaction of the producer is noted, so that recovery can tell whether its marker was written.
    private PreparedStreamCommit PrepareStreamCommit(TransactionStreamCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit.StreamName);
        ArgumentNullException.ThrowIfNull(commit.Transaction);
        MessageStream stream = Streams.Get(commit.StreamName);
        StreamOpenTransaction? open = stream.OpenTransactions(commit.Partition).FirstOrDefault(t => t.ProducerId == commit.Transaction.ProducerId);
        return new PreparedStreamCommit(new IntentStreamCommit(commit.StreamName, commit.Partition, commit.Transaction.ProducerId, commit.Transaction.ProducerEpoch, open?.FirstOffset ?? -1));
    }

    private Task<long> ApplyStreamCommitAsync(IntentStreamCommit commit) =>
        EndTopicStreamTransactionAsync(commit.Stream, commit.Partition, new StreamTransaction(commit.ProducerId, commit.ProducerEpoch), commit: true);

    // The marker is written unless it was: the transaction that was open at the commit point is open no more.
    private async Task RecoverStreamCommitAsync(IntentStreamCommit commit)
    {
        if (commit.FirstOffset < 0)
        {
            return;
        }
        MessageStream stream = Streams.Get(commit.Stream);
        StreamOpenTransaction? open = stream.OpenTransactions(commit.Partition).FirstOrDefault(t => t.ProducerId == commit.ProducerId);
        if (open?.FirstOffset == commit.FirstOffset)
        {
            await ApplyStreamCommitAsync(commit).ConfigureAwait(false);
        }
    }

    // Stored again, except where a later commit (after the commit point) has replaced the offset.
    private async Task RecoverOffsetsAsync(IntentOffsets offsets)
    {
        StreamRegistry streams = Streams;
        var still = offsets.Offsets.Where(o => streams.FetchOffset(offsets.Group, o.Stream, o.Partition) is not { } current || current.CommitTimeMs <= offsets.TimeMs).ToList();
        if (still.Count > 0)
        {
            await streams.CommitOffsetsAsync(offsets.Group, still).ConfigureAwait(false);
        }
    }

    private sealed class PreparedStreamCommit(IntentStreamCommit intent) : PreparedOperation
    {
        public override IntentStreamCommit Intent { get; } = intent;
    }

    private sealed class PreparedOffsets(IntentOffsets intent) : PreparedOperation
    {
        public override IntentOffsets Intent { get; } = intent;
    }
}
