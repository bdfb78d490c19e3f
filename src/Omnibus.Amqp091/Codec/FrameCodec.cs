using System.Buffers;
using System.Buffers.Binary;

namespace Omnibus.Amqp091.Codec;

/// <summary>
/// Reads and writes frames: type (1), channel (2), size (4), payload, end byte 0xCE (section 4.2.3).
/// Pure: bytes in, frames out; nothing is consumed from an incomplete frame.
/// </summary>
public static class FrameCodec
{
    public const byte FrameEnd = 0xCE;
    public const int Overhead = 8;

    /// <summary>The protocol header a 0-9-1 client sends first.</summary>
    public static ReadOnlySpan<byte> ProtocolHeader => "AMQP\x00\x00\x09\x01"u8;

    /// <summary>
    /// Reads one frame when the whole frame is there; false (nothing consumed) otherwise. A frame
    /// larger than <paramref name="maxFrameSize"/> or without its end byte is a frame error.
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, uint maxFrameSize, out Frame frame)
    {
        frame = default;
        if (reader.Remaining < 7)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[7];
        reader.TryCopyTo(header);
        byte type = header[0];
        ushort channel = BinaryPrimitives.ReadUInt16BigEndian(header[1..]);
        uint size = BinaryPrimitives.ReadUInt32BigEndian(header[3..]);
        if (type is not (1 or 2 or 3 or 8))
        {
            throw Amqp091Exception.FrameError($"Unknown frame type {type}.");
        }
        if ((long)size + Overhead > maxFrameSize)
        {
            throw Amqp091Exception.FrameError($"A frame of {size + Overhead} bytes exceeds the negotiated maximum of {maxFrameSize}.");
        }
        if (reader.Remaining < size + Overhead)
        {
            return false;
        }
        reader.Advance(7);
        byte[] payload = new byte[size];
        reader.TryCopyTo(payload);
        reader.Advance(size);
        reader.TryRead(out byte end);
        if (end != FrameEnd)
        {
            throw Amqp091Exception.FrameError($"Frame end byte 0x{end:X2} where 0xCE belongs.");
        }
        frame = new Frame((FrameType)type, channel, payload);
        return true;
    }

    /// <summary>Writes a frame around <paramref name="payload"/>.</summary>
    public static void Write(IBufferWriter<byte> output, FrameType type, ushort channel, ReadOnlySpan<byte> payload)
    {
        Span<byte> span = output.GetSpan(payload.Length + Overhead);
        span[0] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], channel);
        BinaryPrimitives.WriteUInt32BigEndian(span[3..], (uint)payload.Length);
        payload.CopyTo(span[7..]);
        span[7 + payload.Length] = FrameEnd;
        output.Advance(payload.Length + Overhead);
    }

    /// <summary>A heartbeat frame.</summary>
    public static void WriteHeartbeat(IBufferWriter<byte> output) => Write(output, FrameType.Heartbeat, 0, []);
}
