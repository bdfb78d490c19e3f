namespace Omnibus.Amqp.Performatives;

/// <summary>Which end of a link a peer is; on the wire a boolean (false sender, true receiver).</summary>
public enum LinkRole
{
    Sender = 0,
    Receiver = 1,
}

/// <summary>sender-settle-mode (ubyte).</summary>
public enum SenderSettleMode : byte
{
    Unsettled = 0,
    Settled = 1,
    Mixed = 2,
}

/// <summary>receiver-settle-mode (ubyte).</summary>
public enum ReceiverSettleMode : byte
{
    First = 0,
    Second = 1,
}

/// <summary>terminus-durability (uint).</summary>
public enum TerminusDurability : uint
{
    None = 0,
    Configuration = 1,
    UnsettledState = 2,
}
