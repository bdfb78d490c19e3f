using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Types;

public class MalformedInputTests
{
    public static TheoryData<string, string> Malformed => new()
    {
        { "57", "undefined constructor" },
        { "", "empty input" },
        { "70 0000", "truncated uint" },
        { "a1 05 6162", "string shorter than its length" },
        { "b1 ffffffff 61", "str32 length beyond input" },
        { "c0 02 05 40", "list count larger than size" },
        { "c0 05 01 40", "list size beyond input" },
        { "c0 00", "list8 size without room for its count" },
        { "d0 00000002 0000", "list32 size smaller than its count field" },
        { "d0 ffffffff 00000001 40", "list32 size beyond input" },
        { "d0 00000005 ffffffff 40", "list32 count larger than size" },
        { "c0 03 01 40 40", "list size larger than its elements" },
        { "c0 02 02 40", "list elements running past its size" },
        { "c1 02 01 40", "map with an odd element count" },
        { "e0 03 05 54 01", "array count larger than size" },
        { "f0 00000005 ffffffff 40", "array of zero-width elements with a huge count" },
        { "e0 02 01 57", "array with an undefined element constructor" },
        { "e0 03 01 00 00", "array whose descriptor is cut off" },
        { "a1 02 c328", "string with invalid UTF-8" },
        { "a1 03 eda080", "string with an encoded surrogate" },
        { "a3 01 ff", "symbol with a non-ASCII byte" },
        { "56 02", "boolean octet other than 0 or 1" },
        { "73 0000d800", "char that is a surrogate" },
        { "73 00110000", "char beyond Unicode" },
        { "00 a1 0161 40", "descriptor that is neither ulong nor symbol" },
        { "00 40 40", "null descriptor" },
        { "00 5310", "described type without a value" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_value_raises_the_decode_error(string hex, string because)
    {
        var bytes = Hex.Parse(hex);

        var error = Record.Exception(() => Codec.DecodeValue(bytes));

        Assert.True(error is AmqpDecodeException, $"{because}: {error?.GetType().Name ?? "no error"}");
    }

    [Fact]
    public void Deeply_nested_lists_are_refused_without_exhausting_the_stack()
    {
        // 100,000 nested list32 headers, each claiming the rest of the input.
        const int depth = 100_000;
        var bytes = new byte[depth * 9 + 1];
        for (var i = 0; i < depth; i++)
        {
            var size = (uint)(bytes.Length - (i * 9) - 5);
            bytes[i * 9] = FormatCode.List32;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 9 + 1), size);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 9 + 5), 1);
        }

        bytes[^1] = FormatCode.Null;

        Assert.Throws<AmqpDecodeException>(() => Codec.DecodeValue(bytes));
    }

    [Fact]
    public void Deeply_nested_descriptors_are_refused_when_read_and_when_skipped()
    {
        var bytes = Enumerable.Repeat(FormatCode.Described, 100_000).Append(FormatCode.Null).ToArray();

        Assert.Throws<AmqpDecodeException>(() => Codec.DecodeValue(bytes));
        Assert.Throws<AmqpDecodeException>(() => Codec.Decode(bytes, (ref AmqpReader r) => { r.SkipValue(); return 0; }));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        object? value = 1;
        for (var i = 0; i < AmqpReader.MaxDepth; i++)
        {
            value = new List<object?> { value };
        }

        ValueComparer.AssertEqual(value, Codec.DecodeValue(Codec.EncodeValue(value)));
        Assert.Throws<AmqpDecodeException>(() => Codec.DecodeValue(Codec.EncodeValue(new List<object?> { value })));
    }

    [Fact]
    public void Every_truncation_of_a_valid_value_raises_the_decode_error()
    {
        var encoded = Codec.EncodeValue(new List<object?>
        {
            new AmqpMap { { AmqpSymbol.FromString("k"), new long[] { 1, 1000 } } },
            new AmqpDescribed(0x10ul, "text"),
            Guid.NewGuid(),
            new string('x', 300),
        });

        for (var length = 0; length < encoded.Length; length++)
        {
            var prefix = encoded[..length];
            Assert.Throws<AmqpDecodeException>(() => Codec.DecodeValue(prefix));
        }
    }

    [Fact]
    public void Random_bytes_only_ever_raise_the_decode_error()
    {
        var random = new Random(1234);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(1, 48)];
            random.NextBytes(bytes);
            AssertDecodesOrRaisesDecodeError(bytes);
        }
    }

    [Fact]
    public void Mutated_valid_encodings_only_ever_raise_the_decode_error()
    {
        var valid = new[]
        {
            Codec.Encode((ref AmqpWriter w) => new Transfer { Handle = 1, DeliveryId = 2, DeliveryTag = new DeliveryTag([1, 2]), State = new Rejected(new AmqpError("a:b")) }.Encode(ref w)),
            Codec.Encode((ref AmqpWriter w) => new Attach { Name = "n", Source = new Source { Address = "q", Filter = new AmqpMap { { AmqpSymbol.FromString("f"), new AmqpDescribed(1ul, "x") } } } }.Encode(ref w)),
            MessageSamples.ServiceBusMessage().ToArray(),
        };
        var random = new Random(99);
        foreach (var original in valid)
        {
            for (var i = 0; i < 5_000; i++)
            {
                var bytes = (byte[])original.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                AssertDecodesOrRaisesDecodeError(bytes);
            }
        }
    }

    private static void AssertDecodesOrRaisesDecodeError(byte[] bytes)
    {
        foreach (var decode in Decoders)
        {
            try
            {
                decode(bytes);
            }
            catch (AmqpDecodeException)
            {
            }
            catch (Exception error)
            {
                Assert.Fail($"{Hex.Format(bytes)}: {error}");
            }
        }
    }

    private static readonly Action<byte[]>[] Decoders =
    [
        bytes => new AmqpReader(bytes).ReadValue(),
        bytes => new AmqpReader(bytes).SkipValue(),
        bytes => { var r = new AmqpReader(bytes); Transfer.Decode(ref r); },
        bytes => { var r = new AmqpReader(bytes); Attach.Decode(ref r); },
        bytes => AmqpMessage.Decode(bytes),
        bytes => MessageSections.Split(bytes),
    ];
}
