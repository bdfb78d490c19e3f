using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Framing;

/// <summary>Why a frame header is unacceptable. Every one of these ends the connection.</summary>
public enum FrameError
{
    None,

    /// <summary>The size field is below 8, the size of the frame header itself.</summary>
    SizeBelowMinimum,

    /// <summary>The size field exceeds the max-frame-size this side announced.</summary>
    TooLarge,

    /// <summary>The data offset is below 2 words or points past the end of the frame.</summary>
    InvalidDataOffset,
}

public static class FrameErrorExtensions
{
    /// <summary>The error condition to close the connection with.</summary>
    public static AmqpSymbol ToCondition(this FrameError error) => error switch
    {
        FrameError.TooLarge => KnownSymbols.FrameSizeTooSmall,
        FrameError.None => throw new ArgumentOutOfRangeException(nameof(error)),
        _ => KnownSymbols.DecodeError,
    };
}
