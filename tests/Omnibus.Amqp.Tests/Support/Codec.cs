using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Support;

internal delegate void WriteAction(ref AmqpWriter writer);

internal delegate T ReadFunc<out T>(ref AmqpReader reader);

/// <summary>Encode/decode helpers shared by the tests.</summary>
internal static class Codec
{
    public static byte[] Encode(WriteAction write)
    {
        // A tiny initial buffer forces the writer through its growth path in every test.
        var writer = new AmqpWriter(stackalloc byte[4]);
        try
        {
            write(ref writer);
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    public static byte[] EncodeValue(object? value) => Encode((ref AmqpWriter w) => w.WriteValue(value));

    public static byte[] Encode(IAmqpEncodable value) => Encode((ref AmqpWriter w) => value.Encode(ref w));

    /// <summary>Decodes with <paramref name="read"/> and checks the whole input was consumed.</summary>
    public static T Decode<T>(byte[] bytes, ReadFunc<T> read)
    {
        var reader = new AmqpReader(bytes);
        var value = read(ref reader);
        Assert.True(reader.IsAtEnd, $"{reader.Remaining} bytes left after decoding");
        return value;
    }

    public static object? DecodeValue(byte[] bytes) => Decode(bytes, (ref AmqpReader r) => r.ReadValue());
}
