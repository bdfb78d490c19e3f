using System.Buffers.Binary;
using System.Text;

namespace Omnibus.Kafka.Protocol;

/// <summary>
/// Reads one whole request body (already framed, so nothing is incomplete: a short body is a
/// <see cref="KafkaProtocolException"/>). <see cref="Flexible"/> versions use compact strings,
/// arrays and bytes (unsigned varint length + 1) and end every structure with tagged fields.
/// A class rather than a ref struct so that handlers can read across awaits.
/// </summary>
internal sealed class KafkaReader(ReadOnlyMemory<byte> data, bool flexible)
{
    private int _position;

    public bool Flexible { get; } = flexible;

    public int Remaining => data.Length - _position;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new KafkaProtocolException($"The request ends {count - Remaining} bytes early.");
        }
        ReadOnlySpan<byte> span = data.Span.Slice(_position, count);
        _position += count;
        return span;
    }

    private ReadOnlyMemory<byte> TakeMemory(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new KafkaProtocolException($"The request ends {count - Remaining} bytes early.");
        }
        ReadOnlyMemory<byte> memory = data.Slice(_position, count);
        _position += count;
        return memory;
    }

    public sbyte Int8() => (sbyte)Take(1)[0];

    public bool Bool() => Take(1)[0] != 0;

    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public KafkaUuid Uuid()
    {
        ReadOnlySpan<byte> b = Take(16);
        return new KafkaUuid(BinaryPrimitives.ReadUInt64BigEndian(b), BinaryPrimitives.ReadUInt64BigEndian(b[8..]));
    }

    public uint UVarint()
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = Take(1)[0];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new KafkaProtocolException("An unsigned varint is longer than 5 bytes.");
    }

    // A length as the version encodes it: compact (N + 1, 0 = null) or classic (-1 = null).
    private int Length(bool wide)
    {
        if (Flexible)
        {
            uint n = UVarint();
            return n == 0 ? -1 : checked((int)(n - 1));
        }
        return wide ? Int32() : Int16();
    }

    public string? NullableString()
    {
        int length = Length(wide: false);
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public string String() => NullableString() ?? throw new KafkaProtocolException("A string that may not be null is null.");

    public ReadOnlyMemory<byte>? NullableBytes()
    {
        int length = Length(wide: true);
        return length < 0 ? (ReadOnlyMemory<byte>?)null : TakeMemory(length);
    }

    public ReadOnlyMemory<byte> Bytes() => NullableBytes() ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>An array's element count; -1 for a null array.</summary>
    public int ArrayLength()
    {
        int length = Length(wide: true);
        if (length > Remaining)
        {
            throw new KafkaProtocolException($"An array of {length} elements cannot fit in {Remaining} bytes.");
        }
        return length;
    }

    /// <summary>An array of structures; each ends with its tagged fields in flexible versions. Null reads as null.</summary>
    public List<T>? NullableArray<T>(Func<KafkaReader, T> element)
    {
        int count = ArrayLength();
        if (count < 0)
        {
            return null;
        }
        var items = new List<T>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(element(this));
            if (Flexible)
            {
                SkipTags();
            }
        }
        return items;
    }

    public List<T> Array<T>(Func<KafkaReader, T> element) => NullableArray(element) ?? [];

    public List<int> Int32Array()
    {
        int count = ArrayLength();
        var items = new List<int>(Math.Max(count, 0));
        for (int i = 0; i < count; i++)
        {
            items.Add(Int32());
        }
        return items;
    }

    public List<string>? NullableStringArray()
    {
        int count = ArrayLength();
        if (count < 0)
        {
            return null;
        }
        var items = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(String());
        }
        return items;
    }

    /// <summary>Skips a tagged-field section (flexible versions only): none of the tags this broker reads matters to it.</summary>
    public void SkipTags()
    {
        uint count = UVarint();
        for (uint i = 0; i < count; i++)
        {
            UVarint();
            int size = checked((int)UVarint());
            Take(size);
        }
    }
}
