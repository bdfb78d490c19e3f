using System.Buffers;
using BenchmarkDotNet.Attributes;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Benchmarks;

/// <summary>
/// One transfer frame carrying a 1 KiB Service Bus message, decoded and encoded the ways the
/// listener will: header and performative only (the hot path, meant to allocate nothing),
/// plus a byte-level annotation lookup, plus a full typed message decode; and encodes.
/// </summary>
[MemoryDiagnoser]
public class TransferFrameBenchmarks
{
    private static readonly Transfer TransferPerformative = new()
    {
        Handle = 1,
        DeliveryId = 42,
        DeliveryTag = DeliveryTag.FromLockToken(Guid.Parse("5f0e4b1c-2a3d-4e5f-8a9b-0c1d2e3f4a5b")),
        MessageFormat = 0,
        Settled = false,
    };

    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private ReadOnlySequence<byte> _frame;
    private byte[] _message = [];
    private AmqpMessage _typedMessage = new();

    [GlobalSetup]
    public void Setup()
    {
        _typedMessage = ServiceBusMessageSample.Create();
        _message = _typedMessage.ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        AmqpFrameWriter.WriteFrame(buffer, 3, TransferPerformative, _message);
        _frame = new ReadOnlySequence<byte>(buffer.WrittenSpan.ToArray());
    }

    public int FrameSize => (int)_frame.Length;

    [Benchmark(Description = "decode frame header + transfer")]
    public long DecodeTransferFrame()
    {
        var reader = new SequenceReader<byte>(_frame);
        AmqpFrameReader.TryReadFrame(ref reader, 65536, out var frame, out _);
        var transfer = PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload);
        return transfer.Handle + payload.Length;
    }

    [Benchmark(Description = "decode transfer + find x-opt-sequence-number by bytes")]
    public long DecodeTransferAndFindAnnotation()
    {
        var reader = new SequenceReader<byte>(_frame);
        AmqpFrameReader.TryReadFrame(ref reader, 65536, out var frame, out _);
        PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload);
        return FindSequenceNumber(payload.FirstSpan);
    }

    [Benchmark(Description = "decode transfer + split message sections")]
    public int DecodeTransferAndSplitSections()
    {
        var reader = new SequenceReader<byte>(_frame);
        AmqpFrameReader.TryReadFrame(ref reader, 65536, out var frame, out _);
        PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload);
        return MessageSections.Split(payload.First).BareMessage.Length;
    }

    [Benchmark(Description = "decode transfer + typed AmqpMessage")]
    public object? DecodeTransferAndMessage()
    {
        var reader = new SequenceReader<byte>(_frame);
        AmqpFrameReader.TryReadFrame(ref reader, 65536, out var frame, out _);
        PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload);
        return AmqpMessage.Decode(payload.First).Properties;
    }

    [Benchmark(Description = "encode transfer frame (message bytes ready)")]
    public int EncodeTransferFrame()
    {
        _output.ResetWrittenCount();
        return AmqpFrameWriter.WriteFrame(_output, 3, TransferPerformative, _message);
    }

    [Benchmark(Description = "encode typed AmqpMessage + transfer frame")]
    public int EncodeMessageAndTransferFrame()
    {
        _output.ResetWrittenCount();
        var writer = new AmqpWriter(stackalloc byte[2048]);
        try
        {
            _typedMessage.Encode(ref writer);
            return AmqpFrameWriter.WriteFrame(_output, 3, TransferPerformative, writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }

    // Walks the sections up to message-annotations and compares keys as bytes: no strings, no map.
    private static long FindSequenceNumber(ReadOnlySpan<byte> message)
    {
        var reader = new AmqpReader(message);
        while (!reader.IsAtEnd)
        {
            var code = reader.PeekDescriptorCode();
            if (code != DescriptorCodes.MessageAnnotations)
            {
                if (code > DescriptorCodes.MessageAnnotations)
                {
                    return -1;
                }

                reader.SkipValue();
                continue;
            }

            reader.ReadDescriptorCode();
            var map = reader.ReadMapHeader();
            for (var i = 0; i < map.Count; i += 2)
            {
                if (reader.ReadSymbolBytes().SequenceEqual("x-opt-sequence-number"u8))
                {
                    return reader.ReadLong();
                }

                reader.SkipValue();
            }

            return -1;
        }

        return -1;
    }
}
