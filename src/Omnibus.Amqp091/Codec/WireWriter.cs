using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace Omnibus.Amqp091.Codec;

/// <summary>Writes method and content-header arguments (section 4.2.5) into a buffer.</summary>
public sealed class WireWriter(ArrayBufferWriter<byte> output)
{
    private int _bitPosition = -1;
    private int _bitOffset = 8;

    public ArrayBufferWriter<byte> Output { get; } = output;

    private Span<byte> Reserve(int count)
    {
        _bitOffset = 8;
        Span<byte> span = Output.GetSpan(count)[..count];
        Output.Advance(count);
        return span;
    }

    public WireWriter Octet(byte value)
    {
        Reserve(1)[0] = value;
        return this;
    }

    public WireWriter Short(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);
        return this;
    }

    public WireWriter Long(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);
        return this;
    }

    public WireWriter LongLong(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);
        return this;
    }

    /// <summary>Consecutive bits share octets, least significant first.</summary>
    public WireWriter Bit(bool value)
    {
        if (_bitOffset == 8)
        {
            Reserve(1)[0] = 0;
            _bitPosition = Output.WrittenCount - 1;
            _bitOffset = 0;
        }
        if (value)
        {
            // The octet was written already: set the bit in place.
            MemoryMarshalHelper.At(Output, _bitPosition) |= (byte)(1 << _bitOffset);
        }
        _bitOffset++;
        return this;
    }

    public WireWriter ShortString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > 255)
        {
            throw new ArgumentException($"A short string holds at most 255 bytes, not {length}.", nameof(value));
        }
        Reserve(1)[0] = (byte)length;
        Encoding.UTF8.GetBytes(value, Reserve(length));
        return this;
    }

    public WireWriter LongString(ReadOnlySpan<byte> value)
    {
        Long((uint)value.Length);
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    public WireWriter LongString(string value) => LongString(Encoding.UTF8.GetBytes(value));

    public WireWriter Table(IEnumerable<KeyValuePair<string, object?>>? table)
    {
        int lengthAt = Output.WrittenCount;
        Long(0);
        if (table is not null)
        {
            foreach ((string key, object? value) in table)
            {
                ShortString(key);
                FieldValue(value);
            }
        }
        PatchLength(lengthAt);
        return this;
    }

    private void PatchLength(int lengthAt)
    {
        uint length = (uint)(Output.WrittenCount - lengthAt - 4);
        BinaryPrimitives.WriteUInt32BigEndian(MemoryMarshalHelper.Slice(Output, lengthAt, 4), length);
    }

    /// <summary>One value, with RabbitMQ's type letters; strings as <c>S</c>, as RabbitMQ writes them.</summary>
    public void FieldValue(object? value)
    {
        switch (value)
        {
            case null: Octet((byte)'V'); break;
            case bool b: Octet((byte)'t').Octet(b ? (byte)1 : (byte)0); break;
            case sbyte sb: Octet((byte)'b').Octet((byte)sb); break;
            case byte by: Octet((byte)'B').Octet(by); break;
            case short s: Octet((byte)'s').Short((ushort)s); break;
            case ushort us: Octet((byte)'u').Short(us); break;
            case int i: Octet((byte)'I').Long((uint)i); break;
            case uint ui: Octet((byte)'i').Long(ui); break;
            case long l: Octet((byte)'l').LongLong((ulong)l); break;
            case ulong ul: Octet((byte)'l').LongLong(ul); break;
            case float f: Octet((byte)'f').Long((uint)BitConverter.SingleToInt32Bits(f)); break;
            case double d: Octet((byte)'d').LongLong((ulong)BitConverter.DoubleToInt64Bits(d)); break;
            case decimal m: Decimal(m); break;
            case string str: Octet((byte)'S').LongString(str); break;
            case byte[] bytes: Octet((byte)'x').LongString(bytes); break;
            case ReadOnlyMemory<byte> rom: Octet((byte)'x').LongString(rom.Span); break;
            case DateTimeOffset t: Octet((byte)'T').LongLong((ulong)t.ToUnixTimeSeconds()); break;
            case DateTime t: Octet((byte)'T').LongLong((ulong)new DateTimeOffset(t.ToUniversalTime()).ToUnixTimeSeconds()); break;
            case Guid g: Octet((byte)'S').LongString(g.ToString()); break;
            case TimeSpan ts: Octet((byte)'l').LongLong((ulong)(long)ts.TotalMilliseconds); break;
            case IEnumerable<KeyValuePair<string, object?>> table: Octet((byte)'F').Table(table); break;
            case IDictionary dictionary: Octet((byte)'F').Table(dictionary.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(k.ToString()!, dictionary[k]))); break;
            case IEnumerable list: Array(list); break;
            default: Octet((byte)'S').LongString(value.ToString() ?? ""); break;
        }
    }

    private void Array(IEnumerable list)
    {
        Octet((byte)'A');
        int lengthAt = Output.WrittenCount;
        Long(0);
        foreach (object? item in list)
        {
            FieldValue(item);
        }
        PatchLength(lengthAt);
    }

    private void Decimal(decimal value)
    {
        int[] bits = decimal.GetBits(value);
        byte scale = (byte)((bits[3] >> 16) & 0x7F);
        long unscaled = ((long)(uint)bits[1] << 32) | (uint)bits[0];
        while (unscaled > int.MaxValue && scale > 0)
        {
            unscaled /= 10;
            scale--;
        }
        int signed = (int)Math.Min(unscaled, int.MaxValue) * (value < 0 ? -1 : 1);
        Octet((byte)'D').Octet(scale).Long((uint)signed);
    }
}

/// <summary>Access to bytes an <see cref="ArrayBufferWriter{T}"/> has written already (to patch lengths and bits).</summary>
internal static class MemoryMarshalHelper
{
    public static ref byte At(ArrayBufferWriter<byte> writer, int index) =>
        ref System.Runtime.InteropServices.MemoryMarshal.GetReference(Slice(writer, index, 1));

    public static Span<byte> Slice(ArrayBufferWriter<byte> writer, int index, int count) =>
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(writer.WrittenMemory).Span.Slice(index, count);
}
