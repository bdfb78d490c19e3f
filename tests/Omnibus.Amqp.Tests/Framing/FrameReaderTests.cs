using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Framing;

public class FrameReaderTests
{
    private const uint MaxFrameSize = 65536;

    public static TheoryData<string> FrameNames => ["sasl-init", "open", "begin", "heartbeat", "transfer", "close-with-extended-header"];

    private static byte[] Frame(string name) => name switch
    {
        "sasl-init" => FrameSamples.SaslInit(),
        "open" => FrameSamples.Open(),
        "begin" => FrameSamples.Begin(),
        "heartbeat" => FrameSamples.Heartbeat,
        "transfer" => FrameSamples.Transfer(out _),
        "close-with-extended-header" => FrameSamples.CloseWithExtendedHeader(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private sealed record ParsedFrame(FrameType Type, ushort Channel, uint Size, string Body);

    private static ParsedFrame? TryParse(ReadOnlySequence<byte> input, out long consumed, out FrameError error)
    {
        var reader = new SequenceReader<byte>(input);
        var parsed = AmqpFrameReader.TryReadFrame(ref reader, MaxFrameSize, out var frame, out error)
            ? new ParsedFrame(frame.Type, frame.Channel, frame.Size, Hex.Format(frame.Body.ToArray()))
            : null;
        consumed = reader.Consumed;
        return parsed;
    }

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Every_incomplete_prefix_returns_false_and_consumes_nothing(string name)
    {
        var bytes = Frame(name);
        for (var length = 0; length < bytes.Length; length++)
        {
            var parsed = TryParse(new ReadOnlySequence<byte>(bytes[..length]), out var consumed, out var error);

            Assert.Null(parsed);
            Assert.Equal(0, consumed);
            Assert.Equal(FrameError.None, error);
        }
    }

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Frame_parses_identically_however_it_is_split_into_segments(string name)
    {
        var bytes = Frame(name);
        var expected = TryParse(new ReadOnlySequence<byte>(bytes), out _, out _);
        Assert.NotNull(expected);

        foreach (var sequence in Segments.AllSplits(bytes))
        {
            Assert.Equal(expected, TryParse(sequence, out var consumed, out _));
            Assert.Equal(bytes.Length, consumed);
        }
    }

    [Fact]
    public void A_stream_of_frames_parses_identically_however_it_is_split()
    {
        var frames = new[] { FrameSamples.SaslInit(), FrameSamples.Open(), FrameSamples.Heartbeat, FrameSamples.Begin(), FrameSamples.Transfer(out _), FrameSamples.CloseWithExtendedHeader() };
        var stream = frames.SelectMany(f => f).ToArray();
        var expected = ParseAll(new ReadOnlySequence<byte>(stream));
        Assert.Equal(frames.Length, expected.Count);

        foreach (var sequence in Segments.AllSplits(stream))
        {
            Assert.Equal(expected, ParseAll(sequence));
        }
    }

    private static List<ParsedFrame> ParseAll(ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        var frames = new List<ParsedFrame>();
        while (AmqpFrameReader.TryReadFrame(ref reader, MaxFrameSize, out var frame, out var error))
        {
            Assert.Equal(FrameError.None, error);
            frames.Add(new ParsedFrame(frame.Type, frame.Channel, frame.Size, Hex.Format(frame.Body.ToArray())));
        }

        Assert.True(reader.End);
        return frames;
    }

    [Fact]
    public void Header_fields_are_read_and_the_extended_header_is_skipped()
    {
        var close = TryParse(new ReadOnlySequence<byte>(FrameSamples.CloseWithExtendedHeader()), out _, out _)!;
        var begin = TryParse(new ReadOnlySequence<byte>(FrameSamples.Begin()), out _, out _)!;
        var sasl = TryParse(new ReadOnlySequence<byte>(FrameSamples.SaslInit()), out _, out _)!;

        Assert.Equal("00531845", close.Body);
        Assert.Equal(FrameType.Amqp, begin.Type);
        Assert.Equal((ushort)3, begin.Channel);
        Assert.Equal(FrameType.Sasl, sasl.Type);
    }

    [Fact]
    public void Empty_frame_is_a_heartbeat()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(FrameSamples.Heartbeat));

        Assert.True(AmqpFrameReader.TryReadFrame(ref reader, MaxFrameSize, out var frame, out _));

        Assert.True(frame.IsEmpty);
        Assert.Equal(Hex.Format(FrameSamples.Heartbeat), Hex.Format(FrameSamples.Write(AmqpFrameWriter.WriteEmptyFrame)));
    }

    [Theory]
    [InlineData("00000000 02 00 0000", FrameError.SizeBelowMinimum)]
    [InlineData("00000007 02 00 0000", FrameError.SizeBelowMinimum)]
    [InlineData("00000008 01 00 0000", FrameError.InvalidDataOffset)]
    [InlineData("00000008 00 00 0000", FrameError.InvalidDataOffset)]
    [InlineData("0000000c 04 00 0000", FrameError.InvalidDataOffset)] // 16-byte offset in a 12-byte frame
    [InlineData("00010001 02 00 0000", FrameError.TooLarge)]
    [InlineData("ffffffff 02 00 0000", FrameError.TooLarge)]
    public void Bad_header_is_a_distinct_error_reported_from_the_header_alone(string hex, FrameError expected)
    {
        var parsed = TryParse(new ReadOnlySequence<byte>(Hex.Parse(hex)), out var consumed, out var error);

        Assert.Null(parsed);
        Assert.Equal(expected, error);
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void Frame_errors_map_to_the_close_conditions()
    {
        Assert.Equal("amqp:frame-size-too-small", FrameError.TooLarge.ToCondition().ToString());
        Assert.Equal("amqp:decode-error", FrameError.SizeBelowMinimum.ToCondition().ToString());
        Assert.Equal("amqp:decode-error", FrameError.InvalidDataOffset.ToCondition().ToString());
    }

    [Fact]
    public void Frame_exactly_at_max_frame_size_is_accepted()
    {
        var bytes = FrameSamples.Open();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));

        Assert.True(AmqpFrameReader.TryReadFrame(ref reader, (uint)bytes.Length, out _, out _));
    }

    [Fact]
    public void Transfer_performative_and_payload_decode_identically_on_every_split()
    {
        var bytes = FrameSamples.Transfer(out var message);

        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(AmqpFrameReader.TryReadFrame(ref reader, MaxFrameSize, out var frame, out _));
            Assert.Equal(DescriptorCodes.Transfer, PerformativeDecoder.PeekDescriptorCode(frame.Body));

            var transfer = PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload);

            Assert.Equal(1u, transfer.Handle);
            Assert.Equal(7u, transfer.DeliveryId);
            Assert.Equal("01020304", Hex.Format(transfer.DeliveryTag!.Value.Span));
            Assert.Equal(Hex.Format(message), Hex.Format(payload.ToArray()));
        }
    }

    [Fact]
    public void Sasl_performatives_are_written_as_sasl_frames()
    {
        var frame = FrameSamples.Write(w => AmqpFrameWriter.WriteFrame(w, 0, new SaslOutcome(SaslCode.Ok)));

        // size 16, doff 2, type 1, channel 0, then sasl-outcome [ubyte 0].
        Assert.Equal("00000010 02 01 0000 005344c003015000".Replace(" ", "", StringComparison.Ordinal), Hex.Format(frame));
    }

    [Fact]
    public void Frame_written_from_a_multi_segment_payload_matches_the_contiguous_one()
    {
        var contiguous = FrameSamples.Transfer(out var message);
        var split = Segments.Create(message[..10], message[10..100], message[100..]);

        var written = FrameSamples.Write(w => AmqpFrameWriter.WriteFrame(
            w,
            3,
            new Transfer { Handle = 1, DeliveryId = 7, DeliveryTag = new DeliveryTag([1, 2, 3, 4]), MessageFormat = 0, Settled = false },
            split));

        Assert.Equal(Hex.Format(contiguous), Hex.Format(written));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(600)]
    [InlineData(65536)]
    public void Large_delivery_is_split_into_frames_within_max_frame_size_and_reassembles(int maxFrameSize)
    {
        var message = MessageSamples.ServiceBusMessage(bodySize: 5000).ToArray();
        var transfer = new Transfer { Handle = 1, DeliveryId = 9, DeliveryTag = new DeliveryTag([7]), MessageFormat = 0 };
        var count = 0;
        var bytes = FrameSamples.Write(w => count = AmqpFrameWriter.WriteTransfer(w, 2, transfer, message, (uint)maxFrameSize));

        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        var reassembled = new List<byte>();
        var frames = new List<Transfer>();
        while (AmqpFrameReader.TryReadFrame(ref reader, (uint)maxFrameSize, out var frame, out var error))
        {
            Assert.Equal(FrameError.None, error);
            frames.Add(PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload));
            reassembled.AddRange(payload.ToArray());
        }

        Assert.True(reader.End);
        Assert.Equal(count, frames.Count);
        Assert.Equal(maxFrameSize >= 65536 ? 1 : (message.Length / maxFrameSize) + 1, count, tolerance: 1);
        Assert.All(frames[..^1], f => Assert.True(f.More));
        Assert.False(frames[^1].More);
        Assert.All(frames, f => Assert.Equal(9u, f.DeliveryId));
        Assert.Equal(Hex.Format(message), Hex.Format(reassembled.ToArray()));
    }

    [Fact]
    public void Truncated_performative_in_a_frame_is_a_decode_error()
    {
        // A frame whose body claims a list longer than the body.
        var body = Hex.Parse("005314 c0 10 01 43");

        Assert.Throws<AmqpDecodeException>(() => PerformativeDecoder.Decode<Transfer>(new ReadOnlySequence<byte>(body), out _));
        Assert.Throws<AmqpDecodeException>(() => PerformativeDecoder.Decode<Transfer>(Segments.Create(body[..3], body[3..]), out _));
    }
}
