using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Framing;

/// <summary>Every performative and SASL frame, framed, then read back from every split of its bytes.</summary>
public class EveryPerformativeFrameTests
{
    private sealed record Case(byte[] Frame, Func<ReadOnlySequence<byte>, byte[]> DecodeAndReencode, byte[] Performative);

    private static Case Make<T>(T performative, byte[]? payload = null)
        where T : struct, IPerformative<T>
    {
        var frame = FrameSamples.Write(w => AmqpFrameWriter.WriteFrame(w, 5, performative, payload ?? []));
        var encoded = Codec.Encode((ref AmqpWriter w) => performative.Encode(ref w));
        return new Case(frame, body =>
        {
            var decoded = PerformativeDecoder.Decode<T>(body, out var rest);
            var bytes = Codec.Encode((ref AmqpWriter w) => decoded.Encode(ref w));
            return [.. bytes, .. rest.ToArray()];
        }, [.. encoded, .. payload ?? []]);
    }

    private static readonly AmqpSymbol[] Capabilities = [AmqpSymbol.FromString("cap")];

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["open"] = Make(new Open("c") { Hostname = "h", MaxFrameSize = 512, ChannelMax = 1, IdleTimeOut = 1, OfferedCapabilities = Capabilities }),
        ["begin"] = Make(new Begin { RemoteChannel = 1, NextOutgoingId = 2, IncomingWindow = 3, OutgoingWindow = 4 }),
        ["attach"] = Make(new Attach
        {
            Name = "link",
            Handle = 1,
            Role = LinkRole.Receiver,
            Source = new Source { Address = "q", Filter = new AmqpMap { { AmqpSymbol.FromString("f"), new AmqpDescribed(1ul, "v") } }, DefaultOutcome = Released.Instance },
            Target = new Target { Address = "t" },
            MaxMessageSize = 262144,
        }),
        ["coordinator-attach"] = Make(new Attach { Name = "txn", Handle = 0, Role = LinkRole.Sender, Target = new Coordinator(Capabilities) }),
        ["flow"] = Make(new Flow { IncomingWindow = 1, NextOutgoingId = 2, OutgoingWindow = 3, Handle = 4, LinkCredit = 100, Drain = true }),
        ["transfer"] = Make(new Transfer { Handle = 1, DeliveryId = 2, DeliveryTag = new DeliveryTag([3]), State = new TransactionalState(new byte[] { 1 }) }, MessageSamples.ServiceBusMessage(100).ToArray()),
        ["disposition"] = Make(new Disposition { Role = LinkRole.Receiver, First = 1, Last = 2, Settled = true, State = new Modified(true, true) }),
        ["detach"] = Make(new Detach { Handle = 1, Closed = true, Error = new AmqpError(AmqpSymbol.FromString("amqp:not-found"), "gone") }),
        ["end"] = Make(new End(new AmqpError(AmqpSymbol.FromString("amqp:internal-error")))),
        ["close"] = Make(new Close(null)),
        ["sasl-mechanisms"] = Make(new SaslMechanisms([AmqpSymbol.FromString("MSSBCBS"), AmqpSymbol.FromString("ANONYMOUS")])),
        ["sasl-init"] = Make(new SaslInit(AmqpSymbol.FromString("PLAIN"), new byte[] { 0, 1 }, "h")),
        ["sasl-challenge"] = Make(new SaslChallenge(new byte[] { 1, 2 })),
        ["sasl-response"] = Make(new SaslResponse(new byte[] { 3, 4 })),
        ["sasl-outcome"] = Make(new SaslOutcome(SaslCode.Ok)),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_prefix_is_incomplete_and_consumes_nothing(string name)
    {
        var frame = Cases[name].Frame;
        for (var length = 0; length < frame.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(frame[..length]));

            Assert.False(AmqpFrameReader.TryReadFrame(ref reader, 65536, out _, out var error));
            Assert.Equal(FrameError.None, error);
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_split_yields_the_same_performative_and_payload(string name)
    {
        var (frame, decodeAndReencode, expected) = Cases[name];
        foreach (var sequence in Segments.AllSplits(frame))
        {
            var reader = new SequenceReader<byte>(sequence);

            Assert.True(AmqpFrameReader.TryReadFrame(ref reader, 65536, out var parsed, out _));

            Assert.Equal(frame.Length, reader.Consumed);
            var sasl = name.StartsWith("sasl", StringComparison.Ordinal);
            Assert.Equal(sasl ? (ushort)0 : (ushort)5, parsed.Channel); // SASL frames always carry channel 0
            Assert.Equal(sasl ? FrameType.Sasl : FrameType.Amqp, parsed.Type);
            Assert.Equal(Hex.Format(expected), Hex.Format(decodeAndReencode(parsed.Body)));
        }
    }
}
