using System.Buffers;
using System.Buffers.Binary;

namespace Omnibus.Kafka.Protocol;

/// <summary>Frames a response: <c>int32 size</c>, correlation id, an empty tag section for header v1, the body.</summary>
internal static class ResponseFrame
{
    public static int Write(IBufferWriter<byte> output, int correlationId, bool headerTags, ReadOnlySpan<byte> body)
    {
        int headerLength = 4 + (headerTags ? 1 : 0);
        int total = 4 + headerLength + body.Length;
        Span<byte> head = output.GetSpan(4 + headerLength);
        BinaryPrimitives.WriteInt32BigEndian(head, headerLength + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(head[4..], correlationId);
        if (headerTags)
        {
            head[8] = 0;
        }
        output.Advance(4 + headerLength);
        body.CopyTo(output.GetSpan(body.Length));
        output.Advance(body.Length);
        return total;
    }
}
