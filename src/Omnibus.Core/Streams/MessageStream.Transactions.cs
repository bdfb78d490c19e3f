namespace Omnibus.Core.Streams;

/// <summary>
/// Transactions in a stream (docs/core.md, "Transactions in a stream"): records appended with a
/// <see cref="StreamRecord.Transaction"/> are decided by a later marker of the same producer in the
/// same partition; committed reads stop at the last stable offset and skip aborted records.
/// </summary>
public sealed partial class MessageStream
{
    /// <summary>
    /// The last stable offset of a partition: the first record of its earliest open transaction,
    /// else the high watermark. The first call after start scans the partition once.
    /// </summary>
    public long LastStableOffset(int partition)
    {
        StreamPartition p = PartitionAt(partition);
        lock (p.Transactions)
        {
            LoadTransactions(p);
            return p.Transactions.LastStableOffset(p.Log.NextSequence);
        }
    }

    /// <summary>The transactions open in a partition (a front-end aborts those whose producer is gone).</summary>
    public IReadOnlyList<StreamOpenTransaction> OpenTransactions(int partition)
    {
        StreamPartition p = PartitionAt(partition);
        lock (p.Transactions)
        {
            LoadTransactions(p);
            return p.Transactions.OpenTransactions;
        }
    }

    // The caller holds the partition's transactions lock.
    private void LoadTransactions(StreamPartition p) => p.Transactions.EnsureLoaded(p.Log, () => _options.Store.Exists(TransactionsFlag(p)));

    private string TransactionsFlag(StreamPartition p) => Path.Combine(_directory, $"p{p.Index}.transactions");

    private static StreamTransaction MixedTransactions() =>
        throw new MessagingException(MessagingErrorCode.InvalidArgument, "An append holds the records of one producer's transaction, or one marker (with its transaction), or no transactional record.");

    // Records of one producer's transaction (or its marker) in one append: all or none transactional.
    private long BeginTransactional(StreamPartition p, IReadOnlyList<StreamRecord> records)
    {
        StreamTransaction transaction = records[0].Transaction!;
        foreach (StreamRecord r in records)
        {
            if (r.Transaction?.ProducerId != transaction.ProducerId || (r.Marker is not null && records.Count != 1))
            {
                MixedTransactions();
            }
        }
        lock (p.Transactions)
        {
            LoadTransactions(p);
            if (!p.Transactions.Flagged)
            {
                // Durable before the partition's first transactional record, so a later start scans it.
                _options.Store.WriteDocument(TransactionsFlag(p), "1"u8);
                p.Transactions.Flagged = true;
            }
            long guessed = p.Log.NextSequence;
            if (records[0].Marker is null)
            {
                // Registered before the records are visible, at an offset no later than theirs, so a
                // committed read never passes them while the append is under way.
                p.Transactions.Opened(transaction, guessed);
            }
            return guessed;
        }
    }

    private static void EndTransactional(StreamPartition p, IReadOnlyList<StreamRecord> records, long guessed, long first)
    {
        lock (p.Transactions)
        {
            long producer = records[0].Transaction!.ProducerId;
            if (records[0].Marker is { } outcome)
            {
                p.Transactions.Close(producer, outcome, first);
                p.Transactions.Forget(p.Log.FirstSequence);
            }
            else
            {
                p.Transactions.Settled(producer, guessed, first);
            }
        }
    }

    private static bool IsAborted(StreamPartition p, long producerId, long offset)
    {
        lock (p.Transactions)
        {
            return p.Transactions.IsAborted(producerId, offset);
        }
    }
}
