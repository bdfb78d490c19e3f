using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Framing;

/// <summary>A connection's worth of frames, encoded by the frame writer.</summary>
internal static class FrameSamples
{
    public static byte[] Heartbeat => [0, 0, 0, 8, 2, 0, 0, 0];

    public static byte[] SaslInit() => Write(w => AmqpFrameWriter.WriteFrame(w, 0, new SaslInit(AmqpSymbol.FromString("ANONYMOUS"))));

    public static byte[] Open() => Write(w => AmqpFrameWriter.WriteFrame(w, 0, new Open("client") { MaxFrameSize = 65536, IdleTimeOut = 60_000 }));

    public static byte[] Begin() => Write(w => AmqpFrameWriter.WriteFrame(w, 3, new Begin { NextOutgoingId = 1, IncomingWindow = 5000, OutgoingWindow = 5000 }));

    public static byte[] Transfer(out byte[] payload)
    {
        var message = MessageSamples.ServiceBusMessage(bodySize: 200).ToArray();
        payload = message;
        return Write(w => AmqpFrameWriter.WriteFrame(
            w,
            3,
            new Transfer { Handle = 1, DeliveryId = 7, DeliveryTag = new DeliveryTag([1, 2, 3, 4]), MessageFormat = 0, Settled = false },
            message));
    }

    /// <summary>A close frame with doff 3: a 4-byte extended header the reader must skip.</summary>
    public static byte[] CloseWithExtendedHeader()
    {
        var plain = Write(w => AmqpFrameWriter.WriteFrame(w, 0, new Close(null)));
        var frame = new byte[plain.Length + 4];
        plain.AsSpan(0, 8).CopyTo(frame);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)frame.Length);
        frame[4] = 3;
        frame[8] = 0xEE; // extended header content, ignored
        plain.AsSpan(8).CopyTo(frame.AsSpan(12));
        return frame;
    }

    public static byte[] Write(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
