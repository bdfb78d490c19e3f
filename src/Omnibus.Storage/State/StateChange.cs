namespace Omnibus.Storage.State;

/// <summary>Kinds of delivery-state change, as stored in the change log (the byte values are on disk).</summary>
public enum StateChangeKind : byte
{
    /// <summary>One message settled by completion (or receive-and-delete).</summary>
    Complete = 1,

    /// <summary>Every message in [Sequence, EndSequence) settled by completion.</summary>
    CompleteRange = 2,

    /// <summary>One message settled by moving it to the dead-letter queue.</summary>
    DeadLetter = 3,

    /// <summary>One message set aside until it is received by sequence number.</summary>
    Defer = 4,

    /// <summary>One delivery attempt of a message (its delivery count goes up by one).</summary>
    DeliveryAttempt = 5,

    /// <summary>The offset-style consumer's committed position becomes Sequence.</summary>
    SetCursor = 6,
}

/// <summary>One change to a subscription's delivery state.</summary>
public readonly record struct StateChange(StateChangeKind Kind, long Sequence, long EndSequence = 0)
{
    /// <summary>Completes one message.</summary>
    public static StateChange Complete(long sequence) => new(StateChangeKind.Complete, sequence);

    /// <summary>Completes [from, toExclusive).</summary>
    public static StateChange CompleteRange(long from, long toExclusive) => new(StateChangeKind.CompleteRange, from, toExclusive);

    /// <summary>Dead-letters one message.</summary>
    public static StateChange DeadLetter(long sequence) => new(StateChangeKind.DeadLetter, sequence);

    /// <summary>Defers one message.</summary>
    public static StateChange Defer(long sequence) => new(StateChangeKind.Defer, sequence);

    /// <summary>Counts one delivery attempt.</summary>
    public static StateChange DeliveryAttempt(long sequence) => new(StateChangeKind.DeliveryAttempt, sequence);

    /// <summary>Moves the offset-style cursor.</summary>
    public static StateChange SetCursor(long position) => new(StateChangeKind.SetCursor, position);
}
