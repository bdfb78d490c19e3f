using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using Snappier;
using ZstdSharp;

namespace Omnibus.Kafka.Records;

/// <summary>Bits 0–2 of a batch's attributes.</summary>
internal enum Compression
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

/// <summary>
/// The four codecs Kafka clients compress the records of a batch with. Snappy comes raw from
/// librdkafka and in the Java client's ("xerial") block framing from others, so both are read;
/// LZ4 is the standard frame format.
/// </summary>
internal static class CompressionCodec
{
    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    public static byte[] Decompress(Compression codec, ReadOnlyMemory<byte> data, int maxBytes) => codec switch
    {
        Compression.None => data.ToArray(),
        Compression.Gzip => ReadAll(new GZipStream(AsStream(data), CompressionMode.Decompress), maxBytes),
        Compression.Snappy => Unsnappy(data.Span, maxBytes),
        Compression.Lz4 => ReadAll(LZ4Stream.Decode(AsStream(data)), maxBytes),
        Compression.Zstd => ReadAll(new DecompressionStream(AsStream(data)), maxBytes),
        _ => throw new UnsupportedCompressionException($"Compression {(int)codec} is not one of Kafka's."),
    };

    public static byte[] Compress(Compression codec, ReadOnlySpan<byte> data)
    {
        switch (codec)
        {
            case Compression.None:
                return data.ToArray();
            case Compression.Snappy:
                return Snappy.CompressToArray(data);
            case Compression.Zstd:
                using (var compressor = new Compressor())
                {
                    return compressor.Wrap(data).ToArray();
                }
            default:
                var output = new MemoryStream();
                using (Stream s = codec == Compression.Gzip ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : LZ4Stream.Encode(output, leaveOpen: true))
                {
                    s.Write(data);
                }
                return output.ToArray();
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) => new(data.ToArray(), writable: false);

    private static byte[] ReadAll(Stream source, int maxBytes)
    {
        using (source)
        {
            var output = new MemoryStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = source.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > maxBytes)
                {
                    throw new InvalidDataException($"The batch decompresses to more than {maxBytes} bytes.");
                }
            }
            return output.ToArray();
        }
    }

    private static byte[] Unsnappy(ReadOnlySpan<byte> data, int maxBytes)
    {
        if (!data.StartsWith(XerialMagic))
        {
            return Snappy.GetUncompressedLength(data) > maxBytes
                ? throw new InvalidDataException($"The batch decompresses to more than {maxBytes} bytes.")
                : Snappy.DecompressToArray(data);
        }
        // Magic, version and compatible version, then blocks of int32 length + raw snappy.
        var output = new MemoryStream();
        int position = 16;
        while (position < data.Length)
        {
            if (position + 4 > data.Length)
            {
                throw new InvalidDataException("A snappy block length is cut.");
            }
            int length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
            position += 4;
            if (length < 0 || position + length > data.Length)
            {
                throw new InvalidDataException("A snappy block is cut.");
            }
            output.Write(Snappy.DecompressToArray(data.Slice(position, length)));
            position += length;
            if (output.Length > maxBytes)
            {
                throw new InvalidDataException($"The batch decompresses to more than {maxBytes} bytes.");
            }
        }
        return output.ToArray();
    }
}

/// <summary>A batch compressed with a codec Kafka does not have (UNSUPPORTED_COMPRESSION_TYPE).</summary>
internal sealed class UnsupportedCompressionException(string message) : NotSupportedException(message)
{
}
