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
}
