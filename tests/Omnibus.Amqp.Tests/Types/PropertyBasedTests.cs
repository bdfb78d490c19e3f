using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Types;

public class PropertyBasedTests
{
    private static readonly Gen<long> Longs = Gen.Frequency(
        (3, Gen.Choose(-300, 300).Select(i => (long)i)),
        (2, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => ((long)t.Item1 << 32) | (uint)t.Item2)),
        (1, Gen.Elements(0L, long.MinValue, long.MaxValue, 255L, 256L, -128L, -129L)));

    private static readonly Gen<byte[]> Bytes = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();

    // Valid UTF-16 only: a lone surrogate cannot survive UTF-8, by design of UTF-8.
    private static readonly Gen<string> Strings = Gen.Frequency(
        (4, Gen.Elements('a', 'z', ' ', 'é', 'ß', '€', '中', '\0').ArrayOf().Select(cs => new string(cs))),
        (1, Gen.Choose(250, 300).Select(n => new string('x', n))),
        (1, Gen.Constant("😀 emoji")));

    private static readonly Gen<AmqpSymbol> Symbols = Gen.Frequency(
        (4, Gen.Elements('a', 'x', '-', ':', '.', '0').ArrayOf().Select(cs => AmqpSymbol.FromString(new string(cs)))),
        (1, Gen.Elements(KnownSymbols.SequenceNumber, KnownSymbols.EnqueuedTime, AmqpSymbol.FromString(new string('s', 256)))));

    private static readonly Gen<object?> Primitives = Gen.OneOf(
        Gen.Constant<object?>(null),
        Gen.Elements<object?>(true, false),
        Longs.Select(v => (object?)(byte)v),
        Longs.Select(v => (object?)(ushort)v),
        Longs.Select(v => (object?)(uint)v),
        Longs.Select(v => (object?)(ulong)v),
        Longs.Select(v => (object?)(sbyte)v),
        Longs.Select(v => (object?)(short)v),
        Longs.Select(v => (object?)(int)v),
        Longs.Select(v => (object?)v),
        Longs.Select(v => (object?)BitConverter.Int32BitsToSingle((int)v)),
        Longs.Select(v => (object?)BitConverter.Int64BitsToDouble(v)),
        Longs.Select(v => (object?)new AmqpDecimal32((uint)v)),
        Longs.Select(v => (object?)new AmqpDecimal64((ulong)v)),
        Longs.Two().Select(t => (object?)new AmqpDecimal128(new UInt128((ulong)t.Item1, (ulong)t.Item2))),
        Gen.Choose(0, 0x10FFFF).Where(Rune.IsValid).Select(v => (object?)new Rune(v)),
        Longs.Select(v => (object?)new AmqpTimestamp(v)),
        Bytes.Where(b => b.Length >= 16).Select(b => (object?)new Guid(b.AsSpan(0, 16))),
        Bytes.Select(b => (object?)new ReadOnlyMemory<byte>(b)),
        Strings.Select(s => (object?)s),
        Symbols.Select(s => (object?)s));

    private static readonly Gen<object?> Arrays = Gen.OneOf(
        Longs.ArrayOf().Select(a => (object?)a),
        Longs.Select(v => (int)v).ArrayOf().Select(a => (object?)a),
        Longs.Select(v => (uint)v).ArrayOf().Select(a => (object?)a),
        Strings.ArrayOf().Select(a => (object?)a),
        Symbols.ArrayOf().Select(a => (object?)a),
        Bytes.Where(b => b.Length >= 16).Select(b => new Guid(b.AsSpan(0, 16))).ArrayOf().Select(a => (object?)a));

    private static Gen<object?> Value(int depth)
    {
        if (depth <= 0)
        {
            return Gen.Frequency((6, Primitives), (1, Arrays));
        }

        var inner = Gen.Sized(_ => Value(depth - 1));
        return Gen.Frequency(
            (6, Primitives),
            (1, Arrays),
            (2, inner.ListOf().Select(l => (object?)l.ToList())),
            (2, Primitives.Zip(inner).ListOf().Select(pairs =>
            {
                var map = new AmqpMap();
                foreach (var (key, value) in pairs) map.Add(key, value);
                return (object?)map;
            })),
            (1, Gen.OneOf(Longs.Select(v => (object)(ulong)v), Symbols.Select(s => (object)s)).Zip(inner)
                .Select(t => (object?)new AmqpDescribed(t.Item1, t.Item2))));
    }

    private static Arbitrary<object?> Values => Arb.From(Gen.Sized(s => Value(Math.Min(s / 10, 3))));

    [Property(MaxTest = 500)]
    public Property Any_value_round_trips_and_re_encodes_to_the_same_bytes() =>
        Prop.ForAll(Values, value =>
        {
            var encoded = Codec.EncodeValue(value);
            var decoded = Codec.DecodeValue(encoded);
            return ValueComparer.AreEqual(value, decoded) && encoded.AsSpan().SequenceEqual(Codec.EncodeValue(decoded));
        });

    [Property(MaxTest = 200)]
    public Property Any_strict_prefix_of_a_value_is_a_decode_error() =>
        Prop.ForAll(Values, Arb.From(Gen.Choose(0, int.MaxValue)), (value, cut) =>
        {
            var encoded = Codec.EncodeValue(value);
            var prefix = encoded[..(cut % encoded.Length)];
            return Record.Exception(() => Codec.DecodeValue(prefix)) is AmqpDecodeException;
        });

    private static Gen<AmqpMap?> Maps(Gen<object?> keys) => Gen.Frequency(
        (1, Gen.Constant<AmqpMap?>(null)),
        (3, keys.Zip(Gen.Sized(s => Value(Math.Min(s / 20, 1)))).ListOf().Select(pairs =>
        {
            var map = new AmqpMap();
            foreach (var (key, value) in pairs) map.Add(key, value);
            return (AmqpMap?)map;
        })));

    private static readonly Gen<MessageBody?> Bodies = Gen.OneOf(
        Gen.Constant<MessageBody?>(null),
        Bytes.Select(b => (ReadOnlyMemory<byte>)b).NonEmptyListOf().Select(l => (MessageBody?)new DataBody([.. l])),
        Gen.Sized(s => Value(Math.Min(s / 20, 2))).ListOf().NonEmptyListOf()
            .Select(l => (MessageBody?)new SequenceBody([.. l.Select(x => (IList<object?>)x.ToList())])),
        Gen.Sized(s => Value(Math.Min(s / 20, 2))).Select(v => (MessageBody?)new ValueBody(v)));

    private static readonly Gen<AmqpMessage> Messages =
        from durable in Gen.Elements<bool?>(null, true, false)
        from ttl in Gen.Elements<uint?>(null, 0, 60_000, uint.MaxValue)
        from annotations in Maps(Symbols.Select(x => (object?)x))
        from messageId in Gen.Elements<object?>(null, 42ul, Guid.Empty, "id", new ReadOnlyMemory<byte>([1]))
        from subject in Gen.Elements<string?>(null, "", "subject")
        from groupSequence in Gen.Elements<uint?>(null, 0, 7)
        from application in Maps(Strings.Select(x => (object?)x))
        from body in Bodies
        from footer in Maps(Symbols.Select(x => (object?)x))
        select new AmqpMessage
        {
            Header = durable is null && ttl is null ? null : new MessageHeader { Durable = durable, Ttl = ttl },
            MessageAnnotations = annotations,
            Properties = messageId is null && subject is null ? null : new MessageProperties { MessageId = messageId, Subject = subject, GroupSequence = groupSequence },
            ApplicationProperties = application,
            Body = body,
            Footer = footer,
        };

    [Property(MaxTest = 300)]
    public Property Any_message_round_trips_and_its_sections_split_consistently() =>
        Prop.ForAll(Arb.From(Messages), message =>
        {
            var encoded = message.ToArray();
            var decoded = AmqpMessage.Decode(encoded);
            var sections = decoded.Sections!.Value;
            var split = MessageSections.Split(encoded);
            var bareLength = encoded.Length - sections.Header.Length - sections.DeliveryAnnotations.Length
                - sections.MessageAnnotations.Length - sections.Footer.Length;
            return encoded.AsSpan().SequenceEqual(decoded.ToArray())
                && split.BareMessage.Span.SequenceEqual(sections.BareMessage.Span)
                && split.Footer.Span.SequenceEqual(sections.Footer.Span)
                && sections.BareMessage.Length == bareLength;
        });

    [Property(MaxTest = 200)]
    public Property Any_transfer_frame_parses_the_same_on_a_random_three_way_split() =>
        Prop.ForAll(
            Arb.From(Gen.Sized(s => Value(Math.Min(s / 10, 2))).Zip(Gen.Choose(0, int.MaxValue).Two())),
            input =>
            {
                var (body, (cutA, cutB)) = input;
                var message = new AmqpMessage { ApplicationProperties = new AmqpMap { { "p", 1 } }, Body = new ValueBody(body) }.ToArray();
                var buffer = new ArrayBufferWriter<byte>();
                AmqpFrameWriter.WriteFrame(buffer, 1, new Transfer { Handle = 2, DeliveryId = 3, DeliveryTag = new DeliveryTag([4]) }, message);
                var frame = buffer.WrittenSpan.ToArray();
                var a = cutA % frame.Length;
                var b = a + (cutB % (frame.Length - a + 1));
                var reader = new SequenceReader<byte>(Segments.Create(frame[..a], frame[a..b], frame[b..]));

                var parsed = AmqpFrameReader.TryReadFrame(ref reader, uint.MaxValue, out var parsedFrame, out _);
                var transfer = PerformativeDecoder.Decode<Transfer>(parsedFrame.Body, out var payload);

                return parsed && reader.End && transfer.Handle == 2 && payload.ToArray().AsSpan().SequenceEqual(message)
                    && ValueComparer.AreEqual(body, Assert.IsType<ValueBody>(AmqpMessage.Decode(payload.ToArray()).Body).Value);
            });
}
