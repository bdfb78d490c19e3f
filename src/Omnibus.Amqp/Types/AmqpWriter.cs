using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Omnibus.Amqp.Types;

/// <summary>
/// Encoder into one contiguous buffer, always choosing the smallest encoding. It starts on a
/// caller-supplied span (usually stack memory) and moves to pooled arrays when that fills, so a
/// steady stream of frames allocates nothing. Contiguity is what lets compounds be written
/// first and sized afterwards (see <see cref="EndList"/>). Dispose returns pooled memory.
/// </summary>
public ref partial struct AmqpWriter
{
    private Span<byte> _buffer;
    private byte[]? _rented;
    private int _position;

    public AmqpWriter(Span<byte> initialBuffer)
    {
        _buffer = initialBuffer;
    }

    public AmqpWriter(int initialCapacity)
    {
        _rented = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
        _buffer = _rented;
    }

    public readonly int Position => _position;

    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer[.._position];

    /// <summary>Returns a writable span of exactly <paramref name="size"/> bytes; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.Slice(_position, size);
    }

    public void Advance(int count) => _position += count;

    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _position += bytes.Length;
    }

    /// <summary>Forgets everything written after <paramref name="position"/>.</summary>
    public void Truncate(int position) =>
        _position = (uint)position <= (uint)_position ? position : throw new ArgumentOutOfRangeException(nameof(position));

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }

        _buffer = default;
        _position = 0;
    }

    private void Ensure(int size)
    {
        if (_buffer.Length - _position < size)
        {
            Grow(size);
        }
    }

    private void Grow(int size)
    {
        var needed = (long)_position + size;
        var next = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(256L, _buffer.Length * 2L))));
        _buffer[.._position].CopyTo(next);
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }

        _rented = next;
        _buffer = next;
    }

    private void WriteCode(byte code)
    {
        Ensure(1);
        _buffer[_position++] = code;
    }

    private void WriteCodeAndByte(byte code, byte value)
    {
        Ensure(2);
        _buffer[_position] = code;
        _buffer[_position + 1] = value;
        _position += 2;
    }

    private Span<byte> WriteCodeAndReserve(byte code, int size)
    {
        Ensure(size + 1);
        _buffer[_position] = code;
        var span = _buffer.Slice(_position + 1, size);
        _position += size + 1;
        return span;
    }

    public void WriteNull() => WriteCode(FormatCode.Null);

    public void WriteBoolean(bool value) => WriteCode(value ? FormatCode.True : FormatCode.False);

    public void WriteUByte(byte value) => WriteCodeAndByte(FormatCode.UByte, value);

    public void WriteUShort(ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(WriteCodeAndReserve(FormatCode.UShort, 2), value);

    public void WriteUInt(uint value)
    {
        if (value == 0)
        {
            WriteCode(FormatCode.UInt0);
        }
        else if (value <= byte.MaxValue)
        {
            WriteCodeAndByte(FormatCode.SmallUInt, (byte)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(WriteCodeAndReserve(FormatCode.UInt, 4), value);
        }
    }

    public void WriteULong(ulong value)
    {
        if (value == 0)
        {
            WriteCode(FormatCode.ULong0);
        }
        else if (value <= byte.MaxValue)
        {
            WriteCodeAndByte(FormatCode.SmallULong, (byte)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(WriteCodeAndReserve(FormatCode.ULong, 8), value);
        }
    }

    /// <summary>Writes an AMQP <c>byte</c>, which is signed (the unsigned one is <c>ubyte</c>).</summary>
    public void WriteByte(sbyte value) => WriteCodeAndByte(FormatCode.Byte, (byte)value);

    public void WriteShort(short value) =>
        BinaryPrimitives.WriteInt16BigEndian(WriteCodeAndReserve(FormatCode.Short, 2), value);

    public void WriteInt(int value)
    {
        if (value is >= sbyte.MinValue and <= sbyte.MaxValue)
        {
            WriteCodeAndByte(FormatCode.SmallInt, (byte)(sbyte)value);
        }
        else
        {
            BinaryPrimitives.WriteInt32BigEndian(WriteCodeAndReserve(FormatCode.Int, 4), value);
        }
    }

    public void WriteLong(long value)
    {
        if (value is >= sbyte.MinValue and <= sbyte.MaxValue)
        {
            WriteCodeAndByte(FormatCode.SmallLong, (byte)(sbyte)value);
        }
        else
        {
            BinaryPrimitives.WriteInt64BigEndian(WriteCodeAndReserve(FormatCode.Long, 8), value);
        }
    }

    public void WriteFloat(float value) =>
        BinaryPrimitives.WriteSingleBigEndian(WriteCodeAndReserve(FormatCode.Float, 4), value);

    public void WriteDouble(double value) =>
        BinaryPrimitives.WriteDoubleBigEndian(WriteCodeAndReserve(FormatCode.Double, 8), value);

    public void WriteDecimal32(AmqpDecimal32 value) =>
        BinaryPrimitives.WriteUInt32BigEndian(WriteCodeAndReserve(FormatCode.Decimal32, 4), value.Bits);

    public void WriteDecimal64(AmqpDecimal64 value) =>
        BinaryPrimitives.WriteUInt64BigEndian(WriteCodeAndReserve(FormatCode.Decimal64, 8), value.Bits);

    public void WriteDecimal128(AmqpDecimal128 value) =>
        BinaryPrimitives.WriteUInt128BigEndian(WriteCodeAndReserve(FormatCode.Decimal128, 16), value.Bits);

    public void WriteChar(Rune value) =>
        BinaryPrimitives.WriteUInt32BigEndian(WriteCodeAndReserve(FormatCode.Char, 4), (uint)value.Value);

    public void WriteTimestamp(AmqpTimestamp value) =>
        BinaryPrimitives.WriteInt64BigEndian(WriteCodeAndReserve(FormatCode.Timestamp, 8), value.UnixMilliseconds);

    public void WriteUuid(Guid value) => value.TryWriteBytes(WriteCodeAndReserve(FormatCode.Uuid, 16), bigEndian: true, out _);

    public void WriteBinary(scoped ReadOnlySpan<byte> value) => WriteVariable(FormatCode.Binary8, FormatCode.Binary32, value);

    /// <summary>Writes a string whose UTF-8 bytes the caller already has.</summary>
    public void WriteStringUtf8(scoped ReadOnlySpan<byte> utf8) => WriteVariable(FormatCode.String8, FormatCode.String32, utf8);

    /// <summary>Writes a string as UTF-8 (a lone surrogate becomes U+FFFD, as UTF-8 cannot carry it).</summary>
    public void WriteString(scoped ReadOnlySpan<char> value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var body = WriteVariableHeader(FormatCode.String8, FormatCode.String32, length);
        Encoding.UTF8.GetBytes(value, body);
    }

    public void WriteSymbol(AmqpSymbol value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteSymbol(value.Bytes);
    }

    public void WriteSymbol(scoped ReadOnlySpan<byte> ascii) => WriteVariable(FormatCode.Symbol8, FormatCode.Symbol32, ascii);

    /// <summary>Writes the descriptor prefix of a described type with a numeric descriptor.</summary>
    public void WriteDescriptor(ulong code)
    {
        WriteCode(FormatCode.Described);
        WriteULong(code);
    }

    /// <summary>Writes the descriptor prefix of a described type with a symbolic descriptor.</summary>
    public void WriteDescriptor(AmqpSymbol symbol)
    {
        WriteCode(FormatCode.Described);
        WriteSymbol(symbol);
    }

    private void WriteVariable(byte code8, byte code32, scoped ReadOnlySpan<byte> value) =>
        value.CopyTo(WriteVariableHeader(code8, code32, value.Length));

    private Span<byte> WriteVariableHeader(byte code8, byte code32, int length)
    {
        if (length <= byte.MaxValue)
        {
            Ensure(length + 2);
            _buffer[_position] = code8;
            _buffer[_position + 1] = (byte)length;
            _position += 2;
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(WriteCodeAndReserve(code32, 4), (uint)length);
            Ensure(length);
        }

        var body = _buffer.Slice(_position, length);
        _position += length;
        return body;
    }
}
