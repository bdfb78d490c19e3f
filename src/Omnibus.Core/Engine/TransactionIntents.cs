namespace Omnibus.Core.Engine;

/// <summary>A send of a committed transaction as its intent record holds it.</summary>
/// <param name="TargetPath">The queue or topic that stores the batch (the end of any forwarding chain).</param>
/// <param name="Positions">The target log's next sequence per partition when the intent was written: a record the send appended lies at or after it.</param>
/// <param name="Messages">The stamped messages that passed duplicate detection, in their stored form.</param>
internal sealed record IntentSend(string TargetPath, long[] Positions, IReadOnlyList<byte[]> Messages);

/// <summary>A settlement of a committed transaction as its intent record holds it (the message by position: locks do not survive a restart).</summary>
internal sealed record IntentSettlement(string ReceivablePath, SettlementKind Kind, int Partition, long Sequence,
    IDictionary<string, object?>? Properties, string? Reason, string? Description);

/// <summary>A stream commit of a committed transaction: the producer's open transaction in the partition began at <paramref name="FirstOffset"/> (−1: none was open).</summary>
internal sealed record IntentStreamCommit(string Stream, int Partition, long ProducerId, short ProducerEpoch, long FirstOffset);

/// <summary>A group's offsets committed in a transaction, with the time (Unix ms) the intent was written.</summary>
internal sealed record IntentOffsets(string Group, long TimeMs, IReadOnlyList<Streams.OffsetCommit> Offsets);

/// <summary>A transaction whose intent was found without its applied mark.</summary>
internal sealed record PendingIntent(Guid Id, long Sequence, IReadOnlyList<object> Operations);
