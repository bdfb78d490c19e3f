using System.Buffers;
using System.Buffers.Binary;

namespace Omnibus.Amqp.Framing;

/// <summary>
/// Splits a byte stream into protocol headers and frames. Pure: bytes in, frames out. On
/// incomplete input nothing is consumed and false comes back, so the caller can wait for more
/// bytes and retry with the same buffer.
/// </summary>
public static class AmqpFrameReader
{
    public const int FrameHeaderSize = 8;

    /// <summary>
    /// Reads the 8-byte protocol header. Returns false (consuming nothing) until 8 bytes are
    /// there, except that input not starting with "AMQP" is reported as
    /// <see cref="ProtocolHeaderKind.NotAmqp"/> as soon as it diverges, so a stray client that
    /// sends 3 bytes and waits is answered rather than left hanging.
    /// </summary>
    public static bool TryReadProtocolHeader(ref SequenceReader<byte> reader, out ProtocolHeader header, out ProtocolHeaderKind kind)
    {
        Span<byte> bytes = stackalloc byte[ProtocolHeader.Size];
        var available = (int)Math.Min(reader.Remaining, ProtocolHeader.Size);
        reader.TryCopyTo(bytes[..available]);
        var prefix = Math.Min(available, 4);
        if (!bytes[..prefix].SequenceEqual("AMQP"u8[..prefix]))
        {
            header = default;
            kind = ProtocolHeaderKind.NotAmqp;
            reader.Advance(available);
            return true;
        }

        if (available < ProtocolHeader.Size)
        {
            header = default;
            kind = default;
            return false;
        }

        header = new ProtocolHeader(bytes[4], bytes[5], bytes[6], bytes[7]);
        kind = header.Kind;
        reader.Advance(ProtocolHeader.Size);
        return true;
    }

    /// <summary>
    /// Reads one frame. True with the frame; false with <paramref name="error"/> None when more
    /// bytes are needed (nothing consumed); false with an error when the header is unacceptable
    /// (nothing consumed either: the connection is about to close). The header is checked as
    /// soon as its 8 bytes arrive, so an oversized frame is refused without buffering it.
    /// </summary>
    public static bool TryReadFrame(ref SequenceReader<byte> reader, uint maxFrameSize, out AmqpFrame frame, out FrameError error)
    {
        frame = default;
        Span<byte> header = stackalloc byte[FrameHeaderSize];
        if (!reader.TryCopyTo(header))
        {
            error = FrameError.None;
            return false;
        }

        var size = BinaryPrimitives.ReadUInt32BigEndian(header);
        var dataOffset = header[4] * 4u;
        error = size < FrameHeaderSize ? FrameError.SizeBelowMinimum
            : header[4] < 2 || dataOffset > size ? FrameError.InvalidDataOffset
            : size > maxFrameSize ? FrameError.TooLarge
            : FrameError.None;
        if (error != FrameError.None || reader.Remaining < size)
        {
            return false;
        }

        var body = reader.UnreadSequence.Slice(dataOffset, size - dataOffset);
        frame = new AmqpFrame((FrameType)header[5], BinaryPrimitives.ReadUInt16BigEndian(header[6..]), size, body);
        reader.Advance(size);
        return true;
    }
}
