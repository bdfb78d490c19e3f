using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Tests.Support;

namespace Omnibus.Amqp.Tests.Framing;

public class DeliveryAssemblerTests
{
    private static readonly Transfer First = new() { Handle = 1, DeliveryId = 10, DeliveryTag = new DeliveryTag([1, 2]), MessageFormat = 0 };

    private static List<(Transfer Transfer, ReadOnlySequence<byte> Payload)> Frames(byte[] message, uint maxFrameSize, Transfer transfer)
    {
        var bytes = FrameSamples.Write(w => AmqpFrameWriter.WriteTransfer(w, 0, transfer, message, maxFrameSize));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        var frames = new List<(Transfer, ReadOnlySequence<byte>)>();
        while (AmqpFrameReader.TryReadFrame(ref reader, maxFrameSize, out var frame, out _))
        {
            frames.Add((PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload), payload));
        }

        return frames;
    }

    [Fact]
    public void Frames_of_a_delivery_join_into_the_original_message_and_the_buffer_is_reused()
    {
        using var assembler = new DeliveryAssembler(maxMessageSize: 0);
        for (var round = 0; round < 3; round++)
        {
            var message = MessageSamples.ServiceBusMessage(bodySize: 3000 + round).ToArray();
            var frames = Frames(message, 512, First with { DeliveryId = (uint)round });

            var results = frames.Select(f => assembler.Add(f.Transfer, f.Payload)).ToList();

            Assert.All(results[..^1], r => Assert.Equal(DeliveryAssemblyResult.Incomplete, r));
            Assert.Equal(DeliveryAssemblyResult.Complete, results[^1]);
            Assert.False(assembler.InProgress);
            Assert.Equal((uint)round, assembler.First.DeliveryId);
            Assert.Equal(Hex.Format(message), Hex.Format(assembler.Message.Span));
        }
    }

    [Fact]
    public void Continuation_frames_may_omit_the_delivery_id_and_tag()
    {
        using var assembler = new DeliveryAssembler(0);

        Assert.Equal(DeliveryAssemblyResult.Incomplete, assembler.Add(First with { More = true }, new ReadOnlySequence<byte>([1])));
        Assert.Equal(DeliveryAssemblyResult.Complete, assembler.Add(new Transfer { Handle = 1 }, Segments.Create([2], [3])));

        Assert.Equal("010203", Hex.Format(assembler.Message.Span));
    }

    [Fact]
    public void Aborted_delivery_is_discarded()
    {
        using var assembler = new DeliveryAssembler(0);
        assembler.Add(First with { More = true }, new ReadOnlySequence<byte>([1]));

        Assert.Equal(DeliveryAssemblyResult.Aborted, assembler.Add(new Transfer { Handle = 1, Aborted = true }, ReadOnlySequence<byte>.Empty));

        Assert.False(assembler.InProgress);
        Assert.Throws<InvalidOperationException>(() => assembler.Message);
    }

    [Fact]
    public void Delivery_beyond_max_message_size_is_refused()
    {
        using var assembler = new DeliveryAssembler(maxMessageSize: 4);
        assembler.Add(First with { More = true }, new ReadOnlySequence<byte>([1, 2, 3]));

        Assert.Equal(DeliveryAssemblyResult.TooLarge, assembler.Add(First, new ReadOnlySequence<byte>([4, 5])));
        Assert.False(assembler.InProgress);
    }

    [Fact]
    public void Continuation_of_another_delivery_is_a_mismatch()
    {
        using var assembler = new DeliveryAssembler(0);
        assembler.Add(First with { More = true }, new ReadOnlySequence<byte>([1]));

        Assert.Equal(DeliveryAssemblyResult.Mismatch, assembler.Add(First with { DeliveryId = 11 }, new ReadOnlySequence<byte>([2])));
        Assert.False(assembler.InProgress);
    }
}
