using System.Buffers.Binary;
using System.Text;

namespace Omnibus.Amqp.Types;

public ref partial struct AmqpWriter
{
    public void WriteSymbolArray(IReadOnlyList<AmqpSymbol> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var wide = false;
        for (var i = 0; i < symbols.Count; i++)
        {
            wide |= symbols[i].Length > byte.MaxValue;
        }

        var start = BeginCompound();
        WriteCode(wide ? FormatCode.Symbol32 : FormatCode.Symbol8);
        for (var i = 0; i < symbols.Count; i++)
        {
            WriteLengthPrefixed(symbols[i].Bytes, wide);
        }

        EndArray(start, symbols.Count);
    }

    // Element constructors are the smallest non-zero-width ones: a few decoders in the wild
    // reject arrays of uint0/true/false elements, and the saving is a handful of bytes.
    // Dispatch is on the exact element type: the runtime lets an int[] pass as uint[].
    private void WriteTypedArray(Array array)
    {
        var start = BeginCompound();
        var type = array.GetType().GetElementType();
        if (type == typeof(AmqpSymbol))
        {
            _position = start;
            WriteSymbolArray((AmqpSymbol[])array);
            return;
        }

        if (type == typeof(bool))
        {
            WriteCode(FormatCode.Boolean);
            foreach (var x in (bool[])array) WriteCode(x ? (byte)1 : (byte)0);
        }
        else if (type == typeof(ushort))
        {
            WriteCode(FormatCode.UShort);
            foreach (var x in (ushort[])array) BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), x);
        }
        else if (type == typeof(uint))
        {
            var values = (uint[])array;
            var small = values.All(x => x <= byte.MaxValue);
            WriteCode(small ? FormatCode.SmallUInt : FormatCode.UInt);
            foreach (var x in values)
            {
                if (small) WriteCode((byte)x); else BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), x);
            }
        }
        else if (type == typeof(ulong))
        {
            var values = (ulong[])array;
            var small = values.All(x => x <= byte.MaxValue);
            WriteCode(small ? FormatCode.SmallULong : FormatCode.ULong);
            foreach (var x in values)
            {
                if (small) WriteCode((byte)x); else BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), x);
            }
        }
        else if (type == typeof(sbyte))
        {
            WriteCode(FormatCode.Byte);
            foreach (var x in (sbyte[])array) WriteCode((byte)x);
        }
        else if (type == typeof(short))
        {
            WriteCode(FormatCode.Short);
            foreach (var x in (short[])array) BinaryPrimitives.WriteInt16BigEndian(Reserve(2), x);
        }
        else if (type == typeof(int))
        {
            var values = (int[])array;
            var small = values.All(x => x is >= sbyte.MinValue and <= sbyte.MaxValue);
            WriteCode(small ? FormatCode.SmallInt : FormatCode.Int);
            foreach (var x in values)
            {
                if (small) WriteCode((byte)(sbyte)x); else BinaryPrimitives.WriteInt32BigEndian(Reserve(4), x);
            }
        }
        else if (type == typeof(long))
        {
            var values = (long[])array;
            var small = values.All(x => x is >= sbyte.MinValue and <= sbyte.MaxValue);
            WriteCode(small ? FormatCode.SmallLong : FormatCode.Long);
            foreach (var x in values)
            {
                if (small) WriteCode((byte)(sbyte)x); else BinaryPrimitives.WriteInt64BigEndian(Reserve(8), x);
            }
        }
        else if (type == typeof(float))
        {
            WriteCode(FormatCode.Float);
            foreach (var x in (float[])array) BinaryPrimitives.WriteSingleBigEndian(Reserve(4), x);
        }
        else if (type == typeof(double))
        {
            WriteCode(FormatCode.Double);
            foreach (var x in (double[])array) BinaryPrimitives.WriteDoubleBigEndian(Reserve(8), x);
        }
        else if (type == typeof(AmqpTimestamp))
        {
            WriteCode(FormatCode.Timestamp);
            foreach (var x in (AmqpTimestamp[])array) BinaryPrimitives.WriteInt64BigEndian(Reserve(8), x.UnixMilliseconds);
        }
        else if (type == typeof(Guid))
        {
            WriteCode(FormatCode.Uuid);
            foreach (var x in (Guid[])array) x.TryWriteBytes(Reserve(16), bigEndian: true, out _);
        }
        else if (type == typeof(ReadOnlyMemory<byte>))
        {
            var values = (ReadOnlyMemory<byte>[])array;
            var wide = values.Any(x => x.Length > byte.MaxValue);
            WriteCode(wide ? FormatCode.Binary32 : FormatCode.Binary8);
            foreach (var x in values) WriteLengthPrefixed(x.Span, wide);
        }
        else if (type == typeof(string))
        {
            var values = (string[])array;
            var wide = values.Any(x => Encoding.UTF8.GetByteCount(x) > byte.MaxValue);
            WriteCode(wide ? FormatCode.String32 : FormatCode.String8);
            foreach (var x in values) WriteLengthPrefixed(Encoding.UTF8.GetBytes(x), wide);
        }
        else
        {
            throw new ArgumentException($"{array.GetType()} has no AMQP array encoding.", nameof(array));
        }

        EndArray(start, array.Length);
    }

    private Span<byte> Reserve(int size)
    {
        var span = GetSpan(size);
        _position += size;
        return span;
    }

    /// <summary>Writes an <see cref="AmqpArray"/> with its own element constructor (byte-exact for decoded arrays).</summary>
    public void WriteArray(AmqpArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var start = BeginCompound();
        if (array.Descriptor is not null)
        {
            WriteCode(FormatCode.Described);
            WriteValue(array.Descriptor);
        }

        WriteCode(array.ElementCode);
        for (var i = 0; i < array.Items.Count; i++)
        {
            WriteElementBody(array.ElementCode, array.Items[i]);
        }

        EndArray(start, array.Items.Count);
    }

    // An array element is a value without its constructor, in exactly the element's encoding.
    private void WriteElementBody(byte code, object? item)
    {
        var width = FormatCode.FixedWidth(code);
        if (width == 0)
        {
            return;
        }

        if (width > 0)
        {
            var mark = _position;
            WriteFixedWidthForced(code, item);
            if (_position - mark != width + 1)
            {
                throw new ArgumentException($"An array element does not fit constructor 0x{code:x2}.", nameof(item));
            }

            RemoveConstructor(mark);
            return;
        }

        switch (code)
        {
            case FormatCode.Binary8 or FormatCode.String8 or FormatCode.Symbol8:
            case FormatCode.Binary32 or FormatCode.String32 or FormatCode.Symbol32:
                WriteLengthPrefixed(VariableBytes(code, item), code >= FormatCode.Binary32);
                break;
            case FormatCode.List8 or FormatCode.List32 or FormatCode.Map8 or FormatCode.Map32:
                var start = BeginCompound();
                var count = WriteCompoundElements(item);
                var isList = code is FormatCode.List8 or FormatCode.List32;
                EndCompound(
                    start,
                    count,
                    isList ? FormatCode.List8 : FormatCode.Map8,
                    isList ? FormatCode.List32 : FormatCode.Map32,
                    forceWide: code is FormatCode.List32 or FormatCode.Map32);
                if (_buffer[start] != code)
                {
                    throw new ArgumentException("An array element does not fit its compound constructor.", nameof(item));
                }

                RemoveConstructor(start);
                break;
            case FormatCode.Array8 or FormatCode.Array32:
                var arrayStart = _position;
                if (item is not (Array or AmqpArray))
                {
                    throw new ArgumentException("An array of arrays holds a non-array element.", nameof(item));
                }

                WriteValue(item);
                if (_buffer[arrayStart] != code)
                {
                    WidenArray(arrayStart, code);
                }

                RemoveConstructor(arrayStart);
                break;
            default:
                throw new ArgumentException($"Arrays of constructor 0x{code:x2} cannot be encoded.", nameof(item));
        }
    }

    // An inner array came out as array8 where its outer array's elements are array32: rewrite
    // its 3-byte header as the 9-byte one. The other way round cannot fit.
    private void WidenArray(int start, byte code)
    {
        if (code != FormatCode.Array32)
        {
            throw new ArgumentException("An array element does not fit its array8 constructor.", nameof(code));
        }

        var contentLength = _position - start - 3;
        var count = _buffer[start + 2];
        Ensure(6);
        _buffer.Slice(start + 3, contentLength).CopyTo(_buffer[(start + 9)..]);
        _buffer[start] = FormatCode.Array32;
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[(start + 1)..], (uint)(contentLength + 4));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[(start + 5)..], count);
        _position += 6;
    }

    private int WriteCompoundElements(object? item)
    {
        switch (item)
        {
            case IList<object?> list:
                for (var i = 0; i < list.Count; i++) WriteValue(list[i]);
                return list.Count;
            case AmqpMap map:
                foreach (var (key, value) in map) { WriteValue(key); WriteValue(value); }
                return map.Count * 2;
            default:
                throw new ArgumentException("An array of lists or maps holds a non-compound element.", nameof(item));
        }
    }

    private static ReadOnlySpan<byte> VariableBytes(byte code, object? item) => item switch
    {
        ReadOnlyMemory<byte> binary when code is FormatCode.Binary8 or FormatCode.Binary32 => binary.Span,
        byte[] binary when code is FormatCode.Binary8 or FormatCode.Binary32 => binary,
        string text when code is FormatCode.String8 or FormatCode.String32 => Encoding.UTF8.GetBytes(text),
        AmqpSymbol symbol when code is FormatCode.Symbol8 or FormatCode.Symbol32 => symbol.Bytes,
        _ => throw new ArgumentException($"An array element does not fit constructor 0x{code:x2}.", nameof(item)),
    };

    private void WriteFixedWidthForced(byte code, object? item)
    {
        switch (code, item)
        {
            case (FormatCode.Boolean, bool v): WriteCodeAndByte(code, v ? (byte)1 : (byte)0); break;
            case (FormatCode.UByte, byte v): WriteCodeAndByte(code, v); break;
            case (FormatCode.Byte, sbyte v): WriteCodeAndByte(code, (byte)v); break;
            case (FormatCode.SmallUInt, uint v) when v <= byte.MaxValue: WriteCodeAndByte(code, (byte)v); break;
            case (FormatCode.SmallULong, ulong v) when v <= byte.MaxValue: WriteCodeAndByte(code, (byte)v); break;
            case (FormatCode.SmallInt, int v) when v is >= sbyte.MinValue and <= sbyte.MaxValue: WriteCodeAndByte(code, (byte)(sbyte)v); break;
            case (FormatCode.SmallLong, long v) when v is >= sbyte.MinValue and <= sbyte.MaxValue: WriteCodeAndByte(code, (byte)(sbyte)v); break;
            case (FormatCode.UInt, uint v): BinaryPrimitives.WriteUInt32BigEndian(WriteCodeAndReserve(code, 4), v); break;
            case (FormatCode.ULong, ulong v): BinaryPrimitives.WriteUInt64BigEndian(WriteCodeAndReserve(code, 8), v); break;
            case (FormatCode.Int, int v): BinaryPrimitives.WriteInt32BigEndian(WriteCodeAndReserve(code, 4), v); break;
            case (FormatCode.Long, long v): BinaryPrimitives.WriteInt64BigEndian(WriteCodeAndReserve(code, 8), v); break;
            case (FormatCode.UShort, ushort v): WriteUShort(v); break;
            case (FormatCode.Short, short v): WriteShort(v); break;
            case (FormatCode.Float, float v): WriteFloat(v); break;
            case (FormatCode.Double, double v): WriteDouble(v); break;
            case (FormatCode.Decimal32, AmqpDecimal32 v): WriteDecimal32(v); break;
            case (FormatCode.Decimal64, AmqpDecimal64 v): WriteDecimal64(v); break;
            case (FormatCode.Decimal128, AmqpDecimal128 v): WriteDecimal128(v); break;
            case (FormatCode.Char, Rune v): WriteChar(v); break;
            case (FormatCode.Timestamp, AmqpTimestamp v): WriteTimestamp(v); break;
            case (FormatCode.Uuid, Guid v): WriteUuid(v); break;
            default: throw new ArgumentException($"An array element does not fit constructor 0x{code:x2}.", nameof(item));
        }
    }

    private void RemoveConstructor(int at)
    {
        _buffer[(at + 1).._position].CopyTo(_buffer[at..]);
        _position--;
    }
}
