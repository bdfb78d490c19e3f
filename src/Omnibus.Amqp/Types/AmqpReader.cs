using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Omnibus.Amqp.Types;

/// <summary>
/// Forward-only decoder over one contiguous buffer (a frame body). Typed reads never allocate
/// except where they must hand out a string, symbol or owned binary; spans come straight from
/// the input. Every malformed input surfaces as <see cref="AmqpDecodeException"/>.
/// </summary>
/// <remarks>
/// Built over <see cref="ReadOnlyMemory{T}"/>, binary values are returned as slices of that
/// memory instead of copies; do that only over memory the caller owns (not a pipe buffer that
/// is about to be advanced).
/// </remarks>
public ref partial struct AmqpReader
{
    /// <summary>Deepest nesting of compounds and described values accepted, so hostile input cannot exhaust the stack.</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly bool _hasMemory;
    private int _position;
    private int _end;
    private int _depth;

    public AmqpReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _end = buffer.Length;
    }

    public AmqpReader(ReadOnlyMemory<byte> buffer)
        : this(buffer.Span)
    {
        _memory = buffer;
        _hasMemory = true;
    }

    /// <summary>Bytes consumed from the start of the buffer.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left before the end of the buffer or of the compound being read.</summary>
    public readonly int Remaining => _end - _position;

    public readonly bool IsAtEnd => _position >= _end;

    /// <summary>True when the next value is an encoded null.</summary>
    public readonly bool IsNextNull => _position < _end && _buffer[_position] == FormatCode.Null;

    /// <summary>The constructor byte of the next value, without consuming it.</summary>
    public readonly byte PeekFormatCode() =>
        _position < _end ? _buffer[_position] : throw AmqpDecodeException.Truncated();

    /// <summary>Consumes a null if one is next.</summary>
    public bool TryReadNull()
    {
        if (!IsNextNull)
        {
            return false;
        }

        _position++;
        return true;
    }

    /// <summary>The encoded bytes of the next value (constructor included), skipped over.</summary>
    public ReadOnlySpan<byte> ReadEncodedValue()
    {
        var start = _position;
        SkipValue();
        return _buffer[start.._position];
    }

    /// <summary>Like <see cref="ReadEncodedValue"/>, as a slice of the backing memory (or a copy without one).</summary>
    public ReadOnlyMemory<byte> ReadEncodedValueMemory()
    {
        var start = _position;
        SkipValue();
        return Slice(start, _position - start);
    }

    internal byte ReadCode()
    {
        if (_position >= _end)
        {
            throw AmqpDecodeException.Truncated();
        }

        return _buffer[_position++];
    }

    internal ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_end - _position))
        {
            throw AmqpDecodeException.Truncated();
        }

        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    private ReadOnlyMemory<byte> Slice(int start, int length) =>
        _hasMemory ? _memory.Slice(start, length) : _buffer.Slice(start, length).ToArray();

    private int ReadLength(byte code, byte code8)
    {
        if (code == code8)
        {
            return Take(1)[0];
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        if (length > (uint)Remaining)
        {
            throw AmqpDecodeException.Truncated();
        }

        return (int)length;
    }

    public bool ReadBoolean() => ReadBooleanBody(ReadCode());

    public byte ReadUByte() => ReadUByteBody(ReadCode());

    public ushort ReadUShort() => ReadUShortBody(ReadCode());

    /// <summary>A uint in any of its encodings (uint0, smalluint, uint).</summary>
    public uint ReadUInt() => ReadUIntBody(ReadCode());

    public ulong ReadULong() => ReadULongBody(ReadCode());

    /// <summary>An AMQP <c>byte</c>, which is signed (the unsigned one is <c>ubyte</c>).</summary>
    public sbyte ReadByte() => ReadByteBody(ReadCode());

    public short ReadShort() => ReadShortBody(ReadCode());

    public int ReadInt() => ReadIntBody(ReadCode());

    public long ReadLong() => ReadLongBody(ReadCode());

    public float ReadFloat() => ReadFloatBody(ReadCode());

    public double ReadDouble() => ReadDoubleBody(ReadCode());

    public Rune ReadChar() => ReadCharBody(ReadCode());

    public AmqpTimestamp ReadTimestamp() => ReadTimestampBody(ReadCode());

    public Guid ReadUuid() => ReadUuidBody(ReadCode());

    /// <summary>The bytes of a binary value, straight from the input.</summary>
    public ReadOnlySpan<byte> ReadBinarySpan() => ReadBinaryBody(ReadCode());

    /// <summary>A binary value as a slice of the backing memory, or a copy when there is none.</summary>
    public ReadOnlyMemory<byte> ReadBinaryMemory()
    {
        var span = ReadBinaryBody(ReadCode());
        return Slice(_position - span.Length, span.Length);
    }

    /// <summary>The UTF-8 bytes of a string value, not validated and not decoded.</summary>
    public ReadOnlySpan<byte> ReadStringUtf8() => ReadStringUtf8Body(ReadCode());

    /// <summary>A string value, decoded; invalid UTF-8 is a decode error.</summary>
    public string ReadString() => ReadStringBody(ReadCode());

    /// <summary>The ASCII bytes of a symbol, not validated; compare them with a <c>u8</c> literal.</summary>
    public ReadOnlySpan<byte> ReadSymbolBytes() => ReadSymbolBytesBody(ReadCode());

    /// <summary>A symbol; interned for well-known names, so usually allocation-free.</summary>
    public AmqpSymbol ReadSymbol() => ReadSymbolBody(ReadCode());

    internal static bool IsStringCode(byte code) => code is FormatCode.String8 or FormatCode.String32;

    internal static bool IsSymbolCode(byte code) => code is FormatCode.Symbol8 or FormatCode.Symbol32;

    internal bool ReadBooleanBody(byte code) => code switch
    {
        FormatCode.True => true,
        FormatCode.False => false,
        FormatCode.Boolean => Take(1)[0] switch
        {
            0 => false,
            1 => true,
            var other => throw new AmqpDecodeException($"Boolean octet 0x{other:x2} is neither 0 nor 1."),
        },
        _ => throw AmqpDecodeException.UnexpectedConstructor(code, "boolean"),
    };

    internal byte ReadUByteBody(byte code) =>
        code == FormatCode.UByte ? Take(1)[0] : throw AmqpDecodeException.UnexpectedConstructor(code, "ubyte");

    internal ushort ReadUShortBody(byte code) => code == FormatCode.UShort
        ? BinaryPrimitives.ReadUInt16BigEndian(Take(2))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "ushort");

    internal uint ReadUIntBody(byte code) => code switch
    {
        FormatCode.UInt0 => 0,
        FormatCode.SmallUInt => Take(1)[0],
        FormatCode.UInt => BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
        _ => throw AmqpDecodeException.UnexpectedConstructor(code, "uint"),
    };

    internal ulong ReadULongBody(byte code) => code switch
    {
        FormatCode.ULong0 => 0,
        FormatCode.SmallULong => Take(1)[0],
        FormatCode.ULong => BinaryPrimitives.ReadUInt64BigEndian(Take(8)),
        _ => throw AmqpDecodeException.UnexpectedConstructor(code, "ulong"),
    };

    internal sbyte ReadByteBody(byte code) =>
        code == FormatCode.Byte ? (sbyte)Take(1)[0] : throw AmqpDecodeException.UnexpectedConstructor(code, "byte");

    internal short ReadShortBody(byte code) => code == FormatCode.Short
        ? BinaryPrimitives.ReadInt16BigEndian(Take(2))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "short");

    internal int ReadIntBody(byte code) => code switch
    {
        FormatCode.SmallInt => (sbyte)Take(1)[0],
        FormatCode.Int => BinaryPrimitives.ReadInt32BigEndian(Take(4)),
        _ => throw AmqpDecodeException.UnexpectedConstructor(code, "int"),
    };

    internal long ReadLongBody(byte code) => code switch
    {
        FormatCode.SmallLong => (sbyte)Take(1)[0],
        FormatCode.Long => BinaryPrimitives.ReadInt64BigEndian(Take(8)),
        _ => throw AmqpDecodeException.UnexpectedConstructor(code, "long"),
    };

    internal float ReadFloatBody(byte code) => code == FormatCode.Float
        ? BinaryPrimitives.ReadSingleBigEndian(Take(4))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "float");

    internal double ReadDoubleBody(byte code) => code == FormatCode.Double
        ? BinaryPrimitives.ReadDoubleBigEndian(Take(8))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "double");

    internal AmqpDecimal32 ReadDecimal32Body(byte code) => code == FormatCode.Decimal32
        ? new(BinaryPrimitives.ReadUInt32BigEndian(Take(4)))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "decimal32");

    internal AmqpDecimal64 ReadDecimal64Body(byte code) => code == FormatCode.Decimal64
        ? new(BinaryPrimitives.ReadUInt64BigEndian(Take(8)))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "decimal64");

    internal AmqpDecimal128 ReadDecimal128Body(byte code) => code == FormatCode.Decimal128
        ? new(BinaryPrimitives.ReadUInt128BigEndian(Take(16)))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "decimal128");

    internal Rune ReadCharBody(byte code)
    {
        if (code != FormatCode.Char)
        {
            throw AmqpDecodeException.UnexpectedConstructor(code, "char");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        return Rune.IsValid(value) ? new Rune(value) : throw new AmqpDecodeException($"0x{value:x} is not a Unicode scalar value.");
    }

    internal AmqpTimestamp ReadTimestampBody(byte code) => code == FormatCode.Timestamp
        ? new(BinaryPrimitives.ReadInt64BigEndian(Take(8)))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "timestamp");

    // AMQP uuids are RFC 4122 octets in network order; Guid's own byte layout is mixed-endian.
    internal Guid ReadUuidBody(byte code) => code == FormatCode.Uuid
        ? new Guid(Take(16), bigEndian: true)
        : throw AmqpDecodeException.UnexpectedConstructor(code, "uuid");

    internal ReadOnlySpan<byte> ReadBinaryBody(byte code) => code is FormatCode.Binary8 or FormatCode.Binary32
        ? Take(ReadLength(code, FormatCode.Binary8))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "binary");

    internal ReadOnlySpan<byte> ReadStringUtf8Body(byte code) => IsStringCode(code)
        ? Take(ReadLength(code, FormatCode.String8))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "string");

    internal string ReadStringBody(byte code)
    {
        var utf8 = ReadStringUtf8Body(code);
        return Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : throw new AmqpDecodeException("A string is not valid UTF-8.");
    }

    internal ReadOnlySpan<byte> ReadSymbolBytesBody(byte code) => IsSymbolCode(code)
        ? Take(ReadLength(code, FormatCode.Symbol8))
        : throw AmqpDecodeException.UnexpectedConstructor(code, "symbol");

    internal AmqpSymbol ReadSymbolBody(byte code)
    {
        var ascii = ReadSymbolBytesBody(code);
        return Ascii.IsValid(ascii) ? AmqpSymbol.FromBytes(ascii) : throw new AmqpDecodeException("A symbol is not ASCII.");
    }
}
