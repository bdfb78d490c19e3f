using Omnibus.Core.Messages;
using Omnibus.Storage;
using Omnibus.Storage.State;

namespace Omnibus.Core.Engine;

/// <summary>
/// One partition of a receivable: the log it reads (shared with the other subscriptions of a
/// topic), its own delivery-state store, and the in-memory index of its unsettled messages.
/// Guarded by the owning <see cref="Receivable"/>'s lock.
/// </summary>
internal sealed class ReceivablePartition : IDisposable
{
    public ReceivablePartition(int index, IPartitionLog log, DeliveryStateStore store)
    {
        Index = index;
        Log = log;
        Store = store;
    }

    public int Index { get; }

    public IPartitionLog Log { get; }

    public DeliveryStateStore Store { get; }

    public Dictionary<long, Entry> Entries { get; } = [];

    /// <summary>Available messages without a session, in receive order (priority, then sequence).</summary>
    public AvailableMessages Available { get; } = new();

    /// <summary>Scheduled messages by due time.</summary>
    public PriorityQueue<long, long> Scheduled { get; } = new();

    /// <summary>Messages with a finite expiry, by expiry time (checked lazily: an entry may have gone).</summary>
    public PriorityQueue<long, long> Expiries { get; } = new();

    /// <summary>Sequence numbers not routed to this receivable, waiting to be recorded as settled in one range.</summary>
    public List<(long From, long To)> PendingSkips { get; } = [];

    public long SizeInBytes;

    public void Dispose() => Store.Dispose();

    /// <summary>
    /// Reads messages from the log with one reader (a receive's batch is mostly consecutive, so one
    /// buffered read serves all of it). Throws <see cref="MessagingException"/> when one is gone.
    /// </summary>
    public Dictionary<long, BrokerMessage> ReadMany(IEnumerable<long> sequences)
    {
        long[] ordered = sequences.Order().ToArray();
        IReadOnlyList<StoredRecord?> records = Log.ReadMany(ordered);
        var messages = new Dictionary<long, BrokerMessage>(ordered.Length);
        for (int i = 0; i < ordered.Length; i++)
        {
            StoredRecord record = records[i]
                ?? throw new MessagingException(MessagingErrorCode.MessageNotFound, $"Message {ordered[i]} is no longer stored.");
            messages[ordered[i]] = MessageCodec.Decode(record.Body, SequenceNumbers.Compose(Index, ordered[i])); // body sliced, not copied: records are never modified
        }
        return messages;
    }

    /// <summary>Reads one message body from the log.</summary>
    public BrokerMessage Read(long sequence)
    {
        StoredRecord? record = Log.ReadOne(sequence)
            ?? throw new MessagingException(MessagingErrorCode.MessageNotFound, $"Message {sequence} is no longer stored.");
        return MessageCodec.Decode(record.Body, SequenceNumbers.Compose(Index, sequence));
    }
}
