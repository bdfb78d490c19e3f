namespace Omnibus.Kafka.Transactions;

/// <summary>Where a transactional id's current transaction stands.</summary>
internal enum TransactionPhase
{
    /// <summary>No transaction since InitProducerId.</summary>
    Empty,

    /// <summary>Partitions or a group were added: records and offsets are pending.</summary>
    Ongoing,

    /// <summary>EndTxn (or an abort by the coordinator) is writing markers.</summary>
    Ending,

    /// <summary>The last transaction committed.</summary>
    Committed,

    /// <summary>The last transaction aborted.</summary>
    Aborted,
}

/// <summary>
/// One transactional id: its producer id and epoch, and its current transaction (partitions, groups,
/// pending offsets, appends under way). Fields change under the instance's lock; ending a transaction
/// is also serialized by <see cref="Gate"/>, since it awaits markers.
/// </summary>
internal sealed class TransactionState(string transactionalId)
{
    public string TransactionalId { get; } = transactionalId;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public long ProducerId { get; set; } = -1;

    public short Epoch { get; set; }

    public TimeSpan Timeout { get; set; }

    public TransactionPhase Phase { get; set; }

    /// <summary>When the current transaction started (the broker's clock), for its time-out.</summary>
    public long StartedTimestamp { get; set; }

    public HashSet<(string Topic, int Partition)> Partitions { get; } = [];

    public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>Offsets committed in the transaction: per group, per partition, the last one sent.</summary>
    public Dictionary<string, Dictionary<(string Topic, int Partition), (long Offset, string? Metadata)>> Offsets { get; } = new(StringComparer.Ordinal);

    public List<Task> Appends { get; } = [];

    /// <summary>Forgets the ended transaction.</summary>
    public void Clear()
    {
        Partitions.Clear();
        Groups.Clear();
        Offsets.Clear();
        Appends.Clear();
    }
}
