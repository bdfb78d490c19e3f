using System.Buffers;
using System.Buffers.Binary;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Framing;

/// <summary>
/// Decodes the performative at the start of a frame body and hands back what follows it (a
/// transfer's message bytes) as a slice, uncopied.
/// </summary>
public static class PerformativeDecoder
{
    // Long enough for the descriptor (a symbolic one included) and the list header.
    private const int PrefixSize = 64;

    /// <summary>The descriptor code of the frame body's performative, to pick the decoder.</summary>
    public static ulong PeekDescriptorCode(in ReadOnlySequence<byte> body)
    {
        if (body.FirstSpan.Length >= PrefixSize || body.IsSingleSegment)
        {
            return new AmqpReader(body.FirstSpan).PeekDescriptorCode();
        }

        Span<byte> prefix = stackalloc byte[PrefixSize];
        var length = (int)Math.Min(body.Length, PrefixSize);
        body.Slice(0, length).CopyTo(prefix);
        return new AmqpReader(prefix[..length]).PeekDescriptorCode();
    }

    /// <summary>
    /// Decodes a <typeparamref name="T"/> from the start of <paramref name="body"/>. When the
    /// performative lies in the first segment (nearly always) nothing is copied or allocated;
    /// otherwise just the performative's bytes are gathered into a pooled buffer.
    /// </summary>
    public static T Decode<T>(in ReadOnlySequence<byte> body, out ReadOnlySequence<byte> payload)
        where T : struct, IPerformative<T>
    {
        var first = body.FirstSpan;
        var length = body.IsSingleSegment ? first.Length : MeasurePerformative(body);
        if (first.Length >= length)
        {
            var reader = new AmqpReader(first[..length]);
            var performative = T.Decode(ref reader);
            payload = body.Slice(reader.Position);
            return performative;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.Slice(0, length).CopyTo(rented);
            var reader = new AmqpReader(rented.AsSpan(0, length));
            var performative = T.Decode(ref reader);
            payload = body.Slice(reader.Position);
            return performative;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Bytes taken by the described list at the start of <paramref name="body"/>, read from its header.</summary>
    private static int MeasurePerformative(in ReadOnlySequence<byte> body)
    {
        Span<byte> prefix = stackalloc byte[PrefixSize];
        var available = (int)Math.Min(body.Length, PrefixSize);
        body.Slice(0, available).CopyTo(prefix);
        var reader = new AmqpReader(prefix[..available]);
        reader.ReadDescriptorCode();
        var at = reader.Position;
        long total = reader.PeekFormatCode() switch
        {
            FormatCode.List0 => at + 1L,
            FormatCode.List8 when available >= at + 2 => at + 2L + prefix[at + 1],
            FormatCode.List32 when available >= at + 5 => at + 5L + BinaryPrimitives.ReadUInt32BigEndian(prefix[(at + 1)..]),
            FormatCode.List8 or FormatCode.List32 => throw AmqpDecodeException.Truncated(),
            var code => throw AmqpDecodeException.UnexpectedConstructor(code, "a performative's list"),
        };
        return total <= body.Length ? (int)total : throw AmqpDecodeException.Truncated();
    }
}
