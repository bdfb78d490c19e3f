using System.Buffers;
using System.Buffers.Binary;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Framing;

/// <summary>Writes protocol headers and frames to an output (a PipeWriter in the listener).</summary>
public static class AmqpFrameWriter
{
    // A heartbeat: size 8, doff 2, type AMQP, channel 0.
    private static ReadOnlySpan<byte> EmptyFrame => [0, 0, 0, 8, 2, 0, 0, 0];

    public static void WriteProtocolHeader(IBufferWriter<byte> output, ProtocolHeader header)
    {
        ArgumentNullException.ThrowIfNull(output);
        header.WriteTo(output.GetSpan(ProtocolHeader.Size));
        output.Advance(ProtocolHeader.Size);
    }

    public static void WriteEmptyFrame(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(EmptyFrame);
    }

    /// <summary>
    /// Writes one frame: header, performative, then <paramref name="payload"/> (a transfer's
    /// message bytes). SASL performatives go out as SASL frames. The caller keeps the frame within
    /// the peer's max-frame-size (see <see cref="WriteTransfer"/> for deliveries that may not fit).
    /// Returns the frame's size.
    /// </summary>
    public static int WriteFrame<T>(IBufferWriter<byte> output, ushort channel, in T performative, ReadOnlySpan<byte> payload = default)
        where T : struct, IPerformative<T>
    {
        var size = WriteFrameHeaderAndPerformative(output, channel, performative, payload.Length);
        output.Write(payload);
        return size;
    }

    /// <summary>Like <see cref="WriteFrame{T}(IBufferWriter{byte}, ushort, in T, ReadOnlySpan{byte})"/> with a multi-segment payload.</summary>
    public static int WriteFrame<T>(IBufferWriter<byte> output, ushort channel, in T performative, in ReadOnlySequence<byte> payload)
        where T : struct, IPerformative<T>
    {
        if (payload.IsSingleSegment)
        {
            return WriteFrame(output, channel, performative, payload.FirstSpan);
        }

        var size = WriteFrameHeaderAndPerformative(output, channel, performative, (int)payload.Length);
        foreach (var segment in payload)
        {
            output.Write(segment.Span);
        }

        return size;
    }

    /// <summary>
    /// Writes a delivery as one or more transfer frames, none larger than
    /// <paramref name="maxFrameSize"/> (the peer's). Continuation frames repeat the first frame's
    /// fields, which the spec allows and every client accepts; <c>more</c> is set on all but the last.
    /// Returns the number of frames written.
    /// </summary>
    public static int WriteTransfer(IBufferWriter<byte> output, ushort channel, in Transfer transfer, ReadOnlySpan<byte> payload, uint maxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(output);
        var continued = transfer with { More = true };
        var overhead = AmqpFrameReader.FrameHeaderSize + EncodedSize(continued);
        var room = (int)Math.Min(maxFrameSize - (long)overhead, int.MaxValue);
        if (room <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFrameSize), "The frame size leaves no room for message bytes.");
        }

        var frames = 1;
        while (payload.Length > room)
        {
            WriteFrame(output, channel, continued, payload[..room]);
            payload = payload[room..];
            frames++;
        }

        WriteFrame(output, channel, transfer, payload);
        return frames;
    }

    private static int EncodedSize<T>(in T performative)
        where T : struct, IPerformative<T>
    {
        var writer = new AmqpWriter(stackalloc byte[256]);
        try
        {
            performative.Encode(ref writer);
            return writer.Position;
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static int WriteFrameHeaderAndPerformative<T>(IBufferWriter<byte> output, ushort channel, in T performative, int payloadLength)
        where T : struct, IPerformative<T>
    {
        ArgumentNullException.ThrowIfNull(output);

        // The performative is encoded on the stack first: its size goes into the frame header.
        var writer = new AmqpWriter(stackalloc byte[256]);
        try
        {
            writer.Advance(AmqpFrameReader.FrameHeaderSize);
            performative.Encode(ref writer);
            var size = writer.Position + payloadLength;
            var frame = output.GetSpan(writer.Position);
            var sasl = IsSasl(T.DescriptorCode);

            // A SASL frame's channel bytes are ignored by the receiver; send zero as every peer does.
            WriteHeader(frame, (uint)size, sasl ? FrameType.Sasl : FrameType.Amqp, sasl ? (ushort)0 : channel);
            writer.WrittenSpan[AmqpFrameReader.FrameHeaderSize..].CopyTo(frame[AmqpFrameReader.FrameHeaderSize..]);
            output.Advance(writer.Position);
            return size;
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static bool IsSasl(ulong descriptor) => descriptor is >= DescriptorCodes.SaslMechanisms and <= DescriptorCodes.SaslOutcome;

    private static void WriteHeader(Span<byte> destination, uint size, FrameType type, ushort channel)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, size);
        destination[4] = 2;
        destination[5] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], channel);
    }
}
