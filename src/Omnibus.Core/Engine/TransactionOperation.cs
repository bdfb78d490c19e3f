using Omnibus.Core.Messages;

namespace Omnibus.Core.Engine;

/// <summary>How a transactional settlement ends a message lock.</summary>
public enum SettlementKind : byte
{
    /// <summary>The message is removed (<see cref="Receivable.CompleteAsync"/>).</summary>
    Complete = 1,

    /// <summary>The message is released for redelivery (<see cref="Receivable.AbandonAsync"/>).</summary>
    Abandon = 2,

    /// <summary>The message moves to the dead-letter queue (<see cref="Receivable.DeadLetterAsync"/>).</summary>
    DeadLetter = 3,

    /// <summary>The message is set aside (<see cref="Receivable.DeferAsync"/>).</summary>
    Defer = 4,
}

/// <summary>One step of a transaction committed with <see cref="Broker.CommitTransactionAsync"/>.</summary>
public abstract record TransactionOperation;

/// <summary>Sends <paramref name="Messages"/> to a queue or topic as one batch (all or none, as <see cref="Broker.SendAsync(string, IReadOnlyList{BrokerMessage})"/>).</summary>
public sealed record TransactionSend(string EntityPath, IReadOnlyList<BrokerMessage> Messages) : TransactionOperation;

/// <summary>
/// Settles the message locked by <paramref name="LockToken"/> in <paramref name="Receivable"/>.
/// <paramref name="PropertiesToModify"/> applies to abandon, dead-letter and defer; the reason and
/// description to dead-letter.
/// </summary>
public sealed record TransactionSettlement(
    Receivable Receivable,
    Guid LockToken,
    SettlementKind Kind,
    IDictionary<string, object?>? PropertiesToModify = null,
    string? DeadLetterReason = null,
    string? DeadLetterDescription = null) : TransactionOperation;

/// <summary>
/// Commits <paramref name="Transaction"/> in one partition of a topic's stream: its commit marker,
/// as <see cref="Broker.EndTopicStreamTransactionAsync"/> writes it (docs/core.md, "Transactions in a stream").
/// </summary>
public sealed record TransactionStreamCommit(string StreamName, int Partition, Streams.StreamTransaction Transaction) : TransactionOperation;

/// <summary>Stores a consumer group's committed offsets, as <see cref="Streams.StreamRegistry.CommitOffsetsAsync"/>.</summary>
public sealed record TransactionOffsetCommit(string Group, IReadOnlyList<Streams.OffsetCommit> Offsets) : TransactionOperation;
