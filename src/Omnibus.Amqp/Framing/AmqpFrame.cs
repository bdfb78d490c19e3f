using System.Buffers;

namespace Omnibus.Amqp.Framing;

/// <summary>Frame type byte: 0 for AMQP frames, 1 for SASL frames; other values are passed through for the connection to refuse.</summary>
public enum FrameType : byte
{
    Amqp = 0,
    Sasl = 1,
}

/// <summary>
/// One frame, its body sliced from the input (valid until the input is released). The extended
/// header is skipped. An empty body is a heartbeat.
/// </summary>
public readonly struct AmqpFrame
{
    public AmqpFrame(FrameType type, ushort channel, uint size, ReadOnlySequence<byte> body)
    {
        Type = type;
        Channel = channel;
        Size = size;
        Body = body;
    }

    public FrameType Type { get; }

    /// <summary>The channel of an AMQP frame (ignored for SASL frames).</summary>
    public ushort Channel { get; }

    /// <summary>The whole frame's size as it arrived, header included.</summary>
    public uint Size { get; }

    /// <summary>The performative followed, for a transfer, by message bytes.</summary>
    public ReadOnlySequence<byte> Body { get; }

    /// <summary>An empty frame: a heartbeat that only keeps the connection alive.</summary>
    public bool IsEmpty => Body.IsEmpty;
}
