using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Omnibus.Core.Messages;

/// <summary>
/// Typed header values, as stored (docs/core.md): a type tag byte then the value. Every type a
/// Service Bus, AMQP, Kafka header or SQS attribute value can carry has a tag, so a message
/// written by one front-end reads back identically in another. Containers nest up to
/// <see cref="HeaderValues.MaxDepth"/>; a deeper stored value is refused as corrupt.
/// </summary>
internal static class ValueCodec
{
    private enum Tag : byte
    {
        Null = 0, False = 1, True = 2, SByte = 3, Byte = 4, Int16 = 5, UInt16 = 6, Int32 = 7, UInt32 = 8,
        Int64 = 9, UInt64 = 10, Single = 11, Double = 12, Decimal = 13, Char = 14, String = 15, Guid = 16,
        DateTime = 17, DateTimeOffset = 18, TimeSpan = 19, Uri = 20, Binary = 21,
        List = 22, Array = 23, Map = 24, ScaledDecimal = 25,
    }

    /// <summary>True for the values a header may hold (<see cref="HeaderValues"/>).</summary>
    public static bool IsSupported(object? value) => HeaderValues.IsSupported(value);

    public static void Write(IBufferWriter<byte> w, object? value) => Write(w, value, 0);

    private static void Write(IBufferWriter<byte> w, object? value, int depth)
    {
        switch (value)
        {
            case null: WriteTag(w, Tag.Null); break;
            case bool b: WriteTag(w, b ? Tag.True : Tag.False); break;
            case sbyte v: WriteTag(w, Tag.SByte); WriteByte(w, (byte)v); break;
            case byte v: WriteTag(w, Tag.Byte); WriteByte(w, v); break;
            case short v: WriteTag(w, Tag.Int16); WriteFixed(w, (ulong)(ushort)v, 2); break;
            case ushort v: WriteTag(w, Tag.UInt16); WriteFixed(w, v, 2); break;
            case int v: WriteTag(w, Tag.Int32); WriteFixed(w, (uint)v, 4); break;
            case uint v: WriteTag(w, Tag.UInt32); WriteFixed(w, v, 4); break;
            case long v: WriteTag(w, Tag.Int64); WriteFixed(w, (ulong)v, 8); break;
            case ulong v: WriteTag(w, Tag.UInt64); WriteFixed(w, v, 8); break;
            case float v: WriteTag(w, Tag.Single); WriteFixed(w, BitConverter.SingleToUInt32Bits(v), 4); break;
            case double v: WriteTag(w, Tag.Double); WriteFixed(w, BitConverter.DoubleToUInt64Bits(v), 8); break;
            case decimal v:
                WriteTag(w, Tag.Decimal);
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(v, bits);
                foreach (int part in bits)
                {
                    WriteFixed(w, (uint)part, 4);
                }
                break;
            case char v: WriteTag(w, Tag.Char); WriteFixed(w, v, 2); break;
            case string v: WriteTag(w, Tag.String); WriteString(w, v); break;
            case Guid v: WriteTag(w, Tag.Guid); v.TryWriteBytes(w.GetSpan(16)); w.Advance(16); break;
            case DateTime v: WriteTag(w, Tag.DateTime); WriteFixed(w, (ulong)ToUtc(v).Ticks, 8); break;
            case DateTimeOffset v: WriteTag(w, Tag.DateTimeOffset); WriteFixed(w, (ulong)v.UtcTicks, 8); WriteFixed(w, (ulong)(ushort)(short)v.Offset.TotalMinutes, 2); break;
            case TimeSpan v: WriteTag(w, Tag.TimeSpan); WriteFixed(w, (ulong)v.Ticks, 8); break;
            case Uri v: WriteTag(w, Tag.Uri); WriteString(w, v.OriginalString); break;
            case byte[] v: WriteTag(w, Tag.Binary); WriteBytes(w, v); break;
            case ReadOnlyMemory<byte> v: WriteTag(w, Tag.Binary); WriteBytes(w, v.Span); break;
            case ScaledDecimal v:
                WriteTag(w, Tag.ScaledDecimal);
                WriteFixed(w, (uint)v.Scale, 4);
                WriteBytes(w, v.Unscaled.ToByteArray());
                break;
            case HeaderList v: WriteSequence(w, Tag.List, v, depth); break;
            case HeaderArray v: WriteSequence(w, Tag.Array, v, depth); break;
            case HeaderMap v:
                CheckDepth(depth);
                WriteTag(w, Tag.Map);
                WriteVarint(w, (ulong)v.Count);
                foreach (KeyValuePair<object?, object?> entry in v)
                {
                    Write(w, entry.Key, depth + 1);
                    Write(w, entry.Value, depth + 1);
                }
                break;
            default: throw new ArgumentException($"A property value of type {value.GetType().Name} is not supported.", nameof(value));
        }
    }

    private static void WriteSequence(IBufferWriter<byte> w, Tag tag, IReadOnlyList<object?> items, int depth)
    {
        CheckDepth(depth);
        WriteTag(w, tag);
        WriteVarint(w, (ulong)items.Count);
        foreach (object? item in items)
        {
            Write(w, item, depth + 1);
        }
    }

    private static void CheckDepth(int depth)
    {
        if (depth + 1 > HeaderValues.MaxDepth)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"A header value nests deeper than {HeaderValues.MaxDepth} levels.");
        }
    }

    public static object? Read(ref SpanReader r) => Read(ref r, 0);

    private static object? Read(ref SpanReader r, int depth)
    {
        var tag = (Tag)r.ReadByte();
        if (tag is Tag.List or Tag.Array or Tag.Map)
        {
            return ReadContainer(ref r, tag, depth);
        }
        return tag switch
        {
            Tag.Null => null,
            Tag.False => false,
            Tag.True => true,
            Tag.SByte => (sbyte)r.ReadByte(),
            Tag.Byte => r.ReadByte(),
            Tag.Int16 => (short)r.ReadFixed(2),
            Tag.UInt16 => (ushort)r.ReadFixed(2),
            Tag.Int32 => (int)r.ReadFixed(4),
            Tag.UInt32 => (uint)r.ReadFixed(4),
            Tag.Int64 => (long)r.ReadFixed(8),
            Tag.UInt64 => r.ReadFixed(8),
            Tag.Single => BitConverter.UInt32BitsToSingle((uint)r.ReadFixed(4)),
            Tag.Double => BitConverter.UInt64BitsToDouble(r.ReadFixed(8)),
            Tag.Decimal => new decimal([(int)r.ReadFixed(4), (int)r.ReadFixed(4), (int)r.ReadFixed(4), (int)r.ReadFixed(4)]),
            Tag.Char => (char)r.ReadFixed(2),
            Tag.String => r.ReadString(),
            Tag.Guid => new Guid(r.ReadSpan(16)),
            Tag.DateTime => new DateTime((long)r.ReadFixed(8), DateTimeKind.Utc),
            Tag.DateTimeOffset => ReadDateTimeOffset(ref r),
            Tag.TimeSpan => new TimeSpan((long)r.ReadFixed(8)),
            Tag.Uri => new Uri(r.ReadString(), UriKind.RelativeOrAbsolute),
            Tag.Binary => r.ReadBytes().ToArray(),
            Tag.ScaledDecimal => ReadScaledDecimal(ref r),
            _ => throw new InvalidDataException($"Unknown property type tag {(byte)tag}."),
        };
    }

    private static ScaledDecimal ReadScaledDecimal(ref SpanReader r)
    {
        int scale = (int)(uint)r.ReadFixed(4);
        return new ScaledDecimal(new BigInteger(r.ReadBytes()), scale);
    }

    private static object ReadContainer(ref SpanReader r, Tag tag, int depth)
    {
        if (depth + 1 > HeaderValues.MaxDepth)
        {
            throw new InvalidDataException($"A stored header value nests deeper than {HeaderValues.MaxDepth} levels.");
        }
        int count = checked((int)r.ReadVarint());
        if (count > r.Remaining)
        {
            throw new InvalidDataException("Stored message ends early.");
        }
        if (tag == Tag.Map)
        {
            var entries = new KeyValuePair<object?, object?>[count];
            for (int i = 0; i < count; i++)
            {
                object? key = Read(ref r, depth + 1);
                entries[i] = new(key, Read(ref r, depth + 1));
            }
            return new HeaderMap(entries);
        }
        var items = new object?[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = Read(ref r, depth + 1);
        }
        return tag == Tag.List ? new HeaderList(items) : new HeaderArray(items);
    }

    private static DateTimeOffset ReadDateTimeOffset(ref SpanReader r)
    {
        long utcTicks = (long)r.ReadFixed(8);
        var offset = TimeSpan.FromMinutes((short)r.ReadFixed(2));
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    private static DateTime ToUtc(DateTime v) => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc);

    private static void WriteTag(IBufferWriter<byte> w, Tag tag) => WriteByte(w, (byte)tag);

    public static void WriteByte(IBufferWriter<byte> w, byte b)
    {
        w.GetSpan(1)[0] = b;
        w.Advance(1);
    }

    public static void WriteFixed(IBufferWriter<byte> w, ulong value, int size)
    {
        Span<byte> span = w.GetSpan(8);
        BinaryPrimitives.WriteUInt64LittleEndian(span, value);
        w.Advance(size);
    }

    public static void WriteVarint(IBufferWriter<byte> w, ulong value)
    {
        Span<byte> span = w.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        w.Advance(i);
    }

    public static void WriteString(IBufferWriter<byte> w, string s)
    {
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max < 4096)
        {
            Span<byte> tmp = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(s, tmp);
            WriteBytes(w, tmp[..n]);
            return;
        }
        WriteBytes(w, Encoding.UTF8.GetBytes(s));
    }

    public static void WriteBytes(IBufferWriter<byte> w, ReadOnlySpan<byte> bytes)
    {
        WriteVarint(w, (ulong)bytes.Length);
        bytes.CopyTo(w.GetSpan(bytes.Length));
        w.Advance(bytes.Length);
    }
}

/// <summary>A forward-only reader over a span; throws <see cref="InvalidDataException"/> past the end.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> span)
{
    private readonly ReadOnlySpan<byte> _span = span;
    private int _at;

    public readonly bool End => _at >= _span.Length;

    public readonly int Position => _at;

    public readonly int Remaining => _span.Length - _at;

    public byte ReadByte() => _at < _span.Length ? _span[_at++] : throw Eof();

    public ulong ReadFixed(int size)
    {
        ReadOnlySpan<byte> s = ReadSpan(size);
        ulong v = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            v = (v << 8) | s[i];
        }
        return v;
    }

    public ulong ReadVarint()
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return v;
            }
        }
        throw new InvalidDataException("Varint too long.");
    }

    public ReadOnlySpan<byte> ReadSpan(int count)
    {
        if (count < 0 || _at + count > _span.Length)
        {
            throw Eof();
        }
        ReadOnlySpan<byte> s = _span.Slice(_at, count);
        _at += count;
        return s;
    }

    public ReadOnlySpan<byte> ReadBytes() => ReadSpan(checked((int)ReadVarint()));

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public void Skip(int count) => ReadSpan(count);

    private static InvalidDataException Eof() => new("Stored message ends early.");
}
