using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Framing;

/// <summary>The hot paths' allocation budget is zero; these keep it that way (the benchmark measures the rest).</summary>
public class AllocationTests
{
    [Fact]
    public void Decoding_a_transfer_frame_header_and_performative_allocates_nothing()
    {
        var frame = new ReadOnlySequence<byte>(FrameSamples.Transfer(out _));
        DecodeTransfer(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0L;
        for (var i = 0; i < 100; i++)
        {
            total += DecodeTransfer(frame);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    [Fact]
    public void Decoding_flow_and_accepted_disposition_allocates_nothing()
    {
        var flow = new ReadOnlySequence<byte>(FrameSamples.Write(w => AmqpFrameWriter.WriteFrame(w, 1, new Flow { IncomingWindow = 1, NextOutgoingId = 2, OutgoingWindow = 3, Handle = 0, LinkCredit = 100 })));
        var disposition = new ReadOnlySequence<byte>(FrameSamples.Write(w => AmqpFrameWriter.WriteFrame(w, 1, new Disposition { Role = LinkRole.Receiver, First = 1, Settled = true, State = Accepted.Instance })));
        Decode<Flow>(flow);
        Decode<Disposition>(disposition);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Decode<Flow>(flow);
            Decode<Disposition>(disposition);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Splitting_a_message_into_its_sections_allocates_nothing()
    {
        ReadOnlyMemory<byte> message = MessageSamples.ServiceBusMessage().ToArray();
        MessageSections.Split(message);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 0; i < 100; i++)
        {
            total += MessageSections.Split(message).BareMessage.Length;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    [Fact]
    public void Encoding_a_transfer_frame_allocates_nothing()
    {
        var output = new ArrayBufferWriter<byte>(4096);
        var message = MessageSamples.ServiceBusMessage().ToArray();
        var transfer = new Transfer { Handle = 1, DeliveryId = 2, DeliveryTag = DeliveryTag.FromLockToken(Guid.NewGuid()), MessageFormat = 0 };
        AmqpFrameWriter.WriteFrame(output, 1, transfer, message);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            output.ResetWrittenCount();
            AmqpFrameWriter.WriteFrame(output, 1, transfer, message);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static long DecodeTransfer(ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        AmqpFrameReader.TryReadFrame(ref reader, 65536, out var frame, out _);
        var transfer = PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload);
        return transfer.DeliveryId!.Value + transfer.DeliveryTag!.Value.Length + payload.Length;
    }

    private static void Decode<T>(ReadOnlySequence<byte> input)
        where T : struct, IPerformative<T>
    {
        var reader = new SequenceReader<byte>(input);
        AmqpFrameReader.TryReadFrame(ref reader, 65536, out var frame, out _);
        PerformativeDecoder.Decode<T>(frame.Body, out _);
    }
}
