using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Tests.Support;

namespace Omnibus.Amqp.Tests.Framing;

public class ProtocolHeaderTests
{
    public static TheoryData<string, ProtocolHeaderKind> Headers => new()
    {
        { "414d515000010000", ProtocolHeaderKind.Amqp },
        { "414d515003010000", ProtocolHeaderKind.Sasl },
        { "414d515002010000", ProtocolHeaderKind.Tls },
        { "414d515000000900", ProtocolHeaderKind.Unsupported }, // AMQP 0-9-1 style
        { "414d515001010000", ProtocolHeaderKind.Unsupported },
        { "414d515000010001", ProtocolHeaderKind.Unsupported },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Header_is_recognised_however_the_input_is_split(string hex, ProtocolHeaderKind expected)
    {
        var bytes = Hex.Parse(hex);
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var reader = new SequenceReader<byte>(sequence);

            Assert.True(AmqpFrameReader.TryReadProtocolHeader(ref reader, out var header, out var kind));

            Assert.Equal(expected, kind);
            Assert.Equal(expected, header.Kind);
            Assert.Equal(8, reader.Consumed);
        }
    }

    [Fact]
    public void Every_incomplete_prefix_returns_false_and_consumes_nothing()
    {
        var bytes = Hex.Parse("414d515003010000");
        for (var length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes[..length]));

            Assert.False(AmqpFrameReader.TryReadProtocolHeader(ref reader, out _, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [InlineData("47")] // "G": an HTTP request, known wrong after one byte
    [InlineData("474554202f20485454502f312e31")]
    [InlineData("414d5151")]
    [InlineData("16030100")] // a TLS ClientHello without the AMQP TLS header
    public void Input_that_is_not_amqp_is_reported_as_soon_as_it_diverges(string hex)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Hex.Parse(hex)));

        Assert.True(AmqpFrameReader.TryReadProtocolHeader(ref reader, out _, out var kind));

        Assert.Equal(ProtocolHeaderKind.NotAmqp, kind);
    }

    [Fact]
    public void Writer_emits_the_eight_header_bytes()
    {
        Assert.Equal("414d515000010000", Hex.Format(FrameSamples.Write(w => AmqpFrameWriter.WriteProtocolHeader(w, ProtocolHeader.Amqp))));
        Assert.Equal("414d515003010000", Hex.Format(FrameSamples.Write(w => AmqpFrameWriter.WriteProtocolHeader(w, ProtocolHeader.Sasl))));
    }
}
