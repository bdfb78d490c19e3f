using System.Buffers;
using Omnibus.Amqp091.Codec;

namespace Omnibus.Amqp091.Tests;

public sealed class CodecTests
{
    private static byte[] Frames(params (FrameType Type, ushort Channel, byte[] Payload)[] frames)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach ((FrameType type, ushort channel, byte[] payload) in frames)
        {
            FrameCodec.Write(output, type, channel, payload);
        }
        return output.WrittenSpan.ToArray();
    }

    private static List<Frame> ReadAll(ReadOnlySequence<byte> input, out long consumed)
    {
        var reader = new SequenceReader<byte>(input);
        var frames = new List<Frame>();
        while (FrameCodec.TryRead(ref reader, 131072, out Frame f))
        {
            frames.Add(f);
        }
        consumed = reader.Consumed;
        return frames;
    }

    [Fact]
    public void Frames_read_back_whole_on_every_split_of_the_input_and_nothing_is_consumed_of_an_incomplete_one()
    {
        byte[] bytes = Frames((FrameType.Method, 0, [0, 10, 0, 11, 1, 2]), (FrameType.Header, 3, [9, 9, 9]), (FrameType.Heartbeat, 0, []));
        for (int split = 0; split <= bytes.Length; split++)
        {
            List<Frame> first = ReadAll(new ReadOnlySequence<byte>(bytes, 0, split), out long consumed);
            byte[] rest = bytes[(int)consumed..];
            List<Frame> second = ReadAll(new ReadOnlySequence<byte>(rest), out long restConsumed);
            Assert.Equal(rest.Length, restConsumed);
            List<Frame> all = [.. first, .. second];
            Assert.Equal([FrameType.Method, FrameType.Header, FrameType.Heartbeat], all.Select(f => f.Type));
            Assert.Equal([0, 3, 0], all.Select(f => (int)f.Channel));
            Assert.Equal(new byte[] { 0, 10, 0, 11, 1, 2 }, all[0].Payload.ToArray());
        }
    }

    [Fact]
    public void A_frame_without_its_end_byte_or_over_the_maximum_is_a_frame_error()
    {
        byte[] bytes = Frames((FrameType.Method, 1, [1, 2, 3]));
        bytes[^1] = 0;
        Assert.Equal(ReplyCodes.FrameError, Assert.Throws<Amqp091Exception>(() => ReadAll(new ReadOnlySequence<byte>(bytes), out _)).Code);
        byte[] big = Frames((FrameType.Body, 1, new byte[5000]));
        Assert.Equal(ReplyCodes.FrameError, Assert.Throws<Amqp091Exception>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(big));
            FrameCodec.TryRead(ref reader, 4096, out _);
        }).Code);
    }

    [Fact]
    public void Field_tables_keep_every_rabbitmq_type_and_nesting()
    {
        var table = new Dictionary<string, object?>
        {
            ["bool"] = true, ["i8"] = (sbyte)-3, ["u8"] = (byte)200, ["i16"] = (short)-300, ["u16"] = (ushort)60000,
            ["i32"] = -70000, ["u32"] = 4000000000u, ["i64"] = long.MinValue, ["f"] = 1.5f, ["d"] = 2.25, ["dec"] = 12.345m,
            ["s"] = "text", ["x"] = new byte[] { 1, 2 }, ["t"] = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), ["v"] = null,
            ["x-death"] = new List<object?> { new Dictionary<string, object?> { ["count"] = 2L, ["reason"] = "rejected", ["routing-keys"] = new List<object?> { "a" } } },
        };
        var output = new ArrayBufferWriter<byte>();
        new WireWriter(output).Table(table);
        var reader = new WireReader(output.WrittenSpan);
        Dictionary<string, object?> back = reader.ReadTable();

        Assert.Equal(table.Keys, back.Keys);
        foreach (string key in table.Keys.Where(k => k is not ("x" or "x-death")))
        {
            Assert.Equal(table[key], back[key]);
        }
        Assert.Equal(new byte[] { 1, 2 }, back["x"]);
        var death = (Dictionary<string, object?>)Assert.Single((List<object?>)back["x-death"]!)!;
        Assert.Equal(2L, death["count"]);
        Assert.Equal("a", Assert.Single((List<object?>)death["routing-keys"]!));
    }

    [Fact]
    public void Truncated_arguments_and_unknown_value_types_are_syntax_errors()
    {
        var output = new ArrayBufferWriter<byte>();
        new WireWriter(output).Table(new Dictionary<string, object?> { ["k"] = "value" });
        byte[] bytes = output.WrittenSpan.ToArray();
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            byte[] truncated = bytes[..cut];
            Assert.Equal(ReplyCodes.SyntaxError, Assert.Throws<Amqp091Exception>(() => new WireReader(truncated).ReadTable()).Code);
        }
        byte[] unknown = [0, 0, 0, 3, 1, (byte)'k', (byte)'Z'];
        Assert.Equal(ReplyCodes.SyntaxError, Assert.Throws<Amqp091Exception>(() => new WireReader(unknown).ReadTable()).Code);
    }

    [Fact]
    public void Content_header_properties_round_trip()
    {
        var p = new BasicProperties
        {
            ContentType = "application/json", ContentEncoding = "gzip", Headers = new() { ["h"] = 1 }, DeliveryMode = 2, Priority = 5,
            CorrelationId = "c", ReplyTo = "r", Expiration = "60000", MessageId = "m", Timestamp = DateTimeOffset.FromUnixTimeSeconds(42),
            Type = "t", UserId = "guest", AppId = "a", ClusterId = "cl",
        };
        var output = new ArrayBufferWriter<byte>();
        new ContentHeader(60, 123, p).Write(output);
        ContentHeader back = ContentHeader.Read(output.WrittenSpan);
        Assert.Equal(123UL, back.BodySize);
        Assert.Equal(p with { Headers = null }, back.Properties with { Headers = null });
        Assert.Equal(1, back.Properties.Headers!["h"]);
    }
}
