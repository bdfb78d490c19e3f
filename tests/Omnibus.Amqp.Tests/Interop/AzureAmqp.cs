using Az = Microsoft.Azure.Amqp;
using AzEncoding = Microsoft.Azure.Amqp.Encoding;

namespace Omnibus.Amqp.Tests.Interop;

/// <summary>
/// Encode and decode through Microsoft.Azure.Amqp, the AMQP stack inside Azure.Messaging.ServiceBus:
/// whatever it writes we must read, and whatever we write it must read.
/// </summary>
internal static class AzureAmqp
{
    public static byte[] Encode(AzEncoding.IAmqpSerializable value)
    {
        using var buffer = new Az.ByteBuffer(4096, true);
        Az.AmqpCodec.EncodeSerializable(value, buffer);
        return buffer.Buffer.AsSpan(buffer.Offset, buffer.Length).ToArray();
    }

    public static byte[] EncodeObject(object? value)
    {
        using var buffer = new Az.ByteBuffer(4096, true);
        Az.AmqpCodec.EncodeObject(value, buffer);
        return buffer.Buffer.AsSpan(buffer.Offset, buffer.Length).ToArray();
    }

    public static T Decode<T>(byte[] bytes)
        where T : class
    {
        using var buffer = new Az.ByteBuffer(bytes, 0, bytes.Length);
        var decoded = Az.AmqpCodec.DecodeAmqpDescribed(buffer);
        Assert.Equal(0, buffer.Length);
        return Assert.IsType<T>(decoded);
    }

    public static object? DecodeObject(byte[] bytes)
    {
        using var buffer = new Az.ByteBuffer(bytes, 0, bytes.Length);
        return Az.AmqpCodec.DecodeObject(buffer);
    }

    public static byte[] EncodeMessage(Az.AmqpMessage message)
    {
        using var stream = message.ToStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static Az.AmqpMessage DecodeMessage(byte[] bytes)
    {
        var message = Az.AmqpMessage.CreateAmqpStreamMessage(new Az.BufferListStream([new ArraySegment<byte>(bytes)]), true);
        message.Deserialize(Az.SectionFlag.All);
        return message;
    }
}
