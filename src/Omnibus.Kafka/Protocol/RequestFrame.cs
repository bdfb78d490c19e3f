using System.Buffers;
using System.Buffers.Binary;

namespace Omnibus.Kafka.Protocol;

/// <summary>
/// One request as framed on the wire: <c>int32 size</c>, then the request header (v1: api key,
/// version, correlation id, nullable client id; v2 adds tagged fields, for flexible versions) and
/// the body, which stays unread here.
/// </summary>
internal sealed record RequestFrame(short ApiKey, short ApiVersion, int CorrelationId, string? ClientId, ReadOnlyMemory<byte> Body)
{
    /// <summary>Bytes of the smallest header: api key, version, correlation id.</summary>
    public const int MinimumSize = 8;

    /// <summary>Whether the body is in the flexible encoding (known APIs only).</summary>
    public bool Flexible => ApiVersionTable.IsFlexible(ApiKey, ApiVersion);

    /// <summary>
    /// Reads one whole request, or consumes nothing and answers false when the input holds less than
    /// one. A size below the smallest header or above <paramref name="maxSize"/>, or a header that does
    /// not fit its size, is a <see cref="KafkaProtocolException"/> (Kafka closes the connection).
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, int maxSize, out RequestFrame? frame)
    {
        frame = null;
        SequenceReader<byte> probe = reader;
        if (!probe.TryReadBigEndian(out int size))
        {
            return false;
        }
        if (size < MinimumSize || size > maxSize)
        {
            throw new KafkaProtocolException($"A request of {size} bytes is outside 8 to {maxSize}.");
        }
        if (probe.Remaining < size)
        {
            return false;
        }
        byte[] payload = probe.UnreadSequence.Slice(0, size).ToArray();
        probe.Advance(size);
        frame = Parse(payload);
        reader = probe;
        return true;
    }

    /// <summary>Parses the header of a whole request (without its size prefix).</summary>
    public static RequestFrame Parse(byte[] payload)
    {
        short apiKey = BinaryPrimitives.ReadInt16BigEndian(payload);
        short apiVersion = BinaryPrimitives.ReadInt16BigEndian(payload.AsSpan(2));
        int correlationId = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4));
        // The client id is a classic nullable string even in header v2.
        var header = new KafkaReader(payload.AsMemory(MinimumSize), flexible: false);
        string? clientId = header.NullableString();
        int used = payload.Length - MinimumSize - header.Remaining;
        ReadOnlyMemory<byte> rest = payload.AsMemory(MinimumSize + used);
        if (ApiVersionTable.IsFlexible(apiKey, apiVersion))
        {
            var tags = new KafkaReader(rest, flexible: true);
            tags.SkipTags();
            rest = rest[(rest.Length - tags.Remaining)..];
        }
        return new RequestFrame(apiKey, apiVersion, correlationId, clientId, rest);
    }

    /// <summary>A reader over the body in this request's encoding.</summary>
    public KafkaReader BodyReader() => new(Body, Flexible);
}
