using System.Buffers.Binary;
using System.Text;

namespace Omnibus.Amqp091.Codec;

/// <summary>
/// Reads the argument types of a method or content header from a complete payload (section 4.2.5).
/// Running out of bytes, or a field-table value of an unknown type, is a syntax error.
/// </summary>
public ref struct WireReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _data = payload;
    private int _pos;
    private int _bitOffset = 8;
    private byte _bits;

    /// <summary>Nesting at most this deep in field tables and arrays.</summary>
    public const int MaxDepth = 16;

    public readonly int Remaining => _data.Length - _pos;

    private ReadOnlySpan<byte> Take(int count)
    {
        _bitOffset = 8;
        if (count < 0 || _data.Length - _pos < count)
        {
            throw Amqp091Exception.Syntax("A method or header ends before its arguments do.");
        }
        ReadOnlySpan<byte> s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    public byte ReadOctet() => Take(1)[0];

    public ushort ReadShort() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadLong() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong ReadLongLong() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    /// <summary>Consecutive bits share octets, least significant first.</summary>
    public bool ReadBit()
    {
        if (_bitOffset == 8)
        {
            _bits = Take(1)[0];
            _bitOffset = 0;
        }
        bool bit = (_bits & (1 << _bitOffset)) != 0;
        _bitOffset++;
        return bit;
    }

    public string ReadShortString()
    {
        int length = Take(1)[0];
        return Encoding.UTF8.GetString(Take(length));
    }

    public byte[] ReadLongStringBytes()
    {
        uint length = ReadLong();
        return Take(checked((int)length)).ToArray();
    }

    public string ReadLongString() => Encoding.UTF8.GetString(ReadLongStringBytes());

    public Dictionary<string, object?> ReadTable() => ReadTable(0);

    private Dictionary<string, object?> ReadTable(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Amqp091Exception.Syntax($"Field tables nest deeper than {MaxDepth}.");
        }
        uint length = ReadLong();
        var inner = new WireReader(Take(checked((int)length)));
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (inner.Remaining > 0)
        {
            string key = inner.ReadShortString();
            table[key] = inner.ReadFieldValue(depth);
        }
        return table;
    }

    private List<object?> ReadArray(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Amqp091Exception.Syntax($"Field arrays nest deeper than {MaxDepth}.");
        }
        uint length = ReadLong();
        var inner = new WireReader(Take(checked((int)length)));
        var list = new List<object?>();
        while (inner.Remaining > 0)
        {
            list.Add(inner.ReadFieldValue(depth));
        }
        return list;
    }

    /// <summary>One value of a field table, by RabbitMQ's type letters (not the 0-9-1 spec's: <c>s</c> is i16, <c>l</c> i64).</summary>
    private object? ReadFieldValue(int depth)
    {
        char type = (char)ReadOctet();
        return type switch
        {
            't' => ReadOctet() != 0,
            'b' => (sbyte)ReadOctet(),
            'B' => ReadOctet(),
            's' => (short)ReadShort(),
            'u' => ReadShort(),
            'I' => (int)ReadLong(),
            'i' => ReadLong(),
            'l' => (long)ReadLongLong(),
            'f' => BitConverter.Int32BitsToSingle((int)ReadLong()),
            'd' => BitConverter.Int64BitsToDouble((long)ReadLongLong()),
            'D' => ReadDecimal(),
            'S' => ReadLongString(),
            'x' => ReadLongStringBytes(),
            'A' => ReadArray(depth + 1),
            'T' => DateTimeOffset.FromUnixTimeSeconds((long)ReadLongLong()),
            'F' => ReadTable(depth + 1),
            'V' => null,
            _ => throw Amqp091Exception.Syntax($"Unknown field-table value type '{type}'."),
        };
    }

    private decimal ReadDecimal()
    {
        byte scale = ReadOctet();
        int value = (int)ReadLong();
        if (scale > 28)
        {
            throw Amqp091Exception.Syntax($"A decimal with scale {scale} is out of range.");
        }
        return new decimal(Math.Abs(value), 0, 0, value < 0, scale);
    }
}
