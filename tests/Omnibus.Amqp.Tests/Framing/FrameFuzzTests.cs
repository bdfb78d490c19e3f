using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Framing;

/// <summary>
/// What a hostile or broken peer can send: the frame reader never throws, and decoding a frame
/// body raises nothing but <see cref="AmqpDecodeException"/>.
/// </summary>
public class FrameFuzzTests
{
    private static readonly Action<ReadOnlySequence<byte>>[] BodyDecoders =
    [
        body => PerformativeDecoder.Decode<Open>(body, out _),
        body => PerformativeDecoder.Decode<Begin>(body, out _),
        body => PerformativeDecoder.Decode<Attach>(body, out _),
        body => PerformativeDecoder.Decode<Flow>(body, out _),
        body => PerformativeDecoder.Decode<Transfer>(body, out _),
        body => PerformativeDecoder.Decode<Disposition>(body, out _),
        body => PerformativeDecoder.Decode<Detach>(body, out _),
        body => PerformativeDecoder.Decode<End>(body, out _),
        body => PerformativeDecoder.Decode<Close>(body, out _),
        body => PerformativeDecoder.Decode<SaslMechanisms>(body, out _),
        body => PerformativeDecoder.Decode<SaslInit>(body, out _),
        body => PerformativeDecoder.Decode<SaslChallenge>(body, out _),
        body => PerformativeDecoder.Decode<SaslResponse>(body, out _),
        body => PerformativeDecoder.Decode<SaslOutcome>(body, out _),
        body => PerformativeDecoder.PeekDescriptorCode(body),
    ];

    private static byte[][] ValidBodies() =>
    [
        Codec.Encode((ref AmqpWriter w) => new Open("c") { Properties = new AmqpMap { { AmqpSymbol.FromString("p"), new List<object?> { 1, "x" } } } }.Encode(ref w)),
        Codec.Encode((ref AmqpWriter w) => new Attach
        {
            Name = "n",
            Source = new Source { Address = "a", Filter = new AmqpMap { { AmqpSymbol.FromString("f"), new AmqpDescribed(AmqpSymbol.FromString("d"), "v") } }, DefaultOutcome = new Rejected(new AmqpError(AmqpSymbol.FromString("e"))) },
            Target = new Coordinator([AmqpSymbol.FromString("c")]),
            Unsettled = new AmqpMap { { new byte[] { 1 }, Accepted.Instance } },
        }.Encode(ref w)),
        Codec.Encode((ref AmqpWriter w) => new Transfer { Handle = 1, DeliveryTag = new DeliveryTag([1, 2]), State = new TransactionalState(new byte[] { 1 }, new Modified(true, null, new AmqpMap { { "k", 1 } })) }.Encode(ref w)),
        Codec.Encode((ref AmqpWriter w) => new Disposition { First = 1, State = new Received(1, 2) }.Encode(ref w)),
        Codec.Encode((ref AmqpWriter w) => new SaslInit(AmqpSymbol.FromString("PLAIN"), new byte[] { 0 }, "host").Encode(ref w)),
    ];

    [Fact]
    public void Frame_reader_never_throws_on_random_streams()
    {
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length >= 5 && random.Next(2) == 0)
            {
                // Plausible headers reach the body paths more often.
                bytes[0] = bytes[1] = 0;
                bytes[4] = 2;
            }

            var reader = new SequenceReader<byte>(Segments.Create(bytes[..(bytes.Length / 2)], bytes[(bytes.Length / 2)..]));
            while (AmqpFrameReader.TryReadFrame(ref reader, 512, out var frame, out _))
            {
                AssertOnlyDecodeErrors(frame.Body);
            }
        }
    }

    [Fact]
    public void Mutated_performatives_raise_only_the_decode_error_through_every_decoder()
    {
        var random = new Random(11);
        foreach (var valid in ValidBodies())
        {
            for (var i = 0; i < 1_500; i++)
            {
                var bytes = (byte[])valid.Clone();
                for (var flips = random.Next(1, 3); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                var cut = random.Next(bytes.Length + 1);
                AssertOnlyDecodeErrors(Segments.Create(bytes[..cut], bytes[cut..]));
            }
        }
    }

    private static void AssertOnlyDecodeErrors(ReadOnlySequence<byte> body)
    {
        foreach (var decode in BodyDecoders)
        {
            try
            {
                decode(body);
            }
            catch (AmqpDecodeException)
            {
            }
            catch (Exception error)
            {
                Assert.Fail($"{Hex.Format(body.ToArray())}: {error}");
            }
        }
    }
}
