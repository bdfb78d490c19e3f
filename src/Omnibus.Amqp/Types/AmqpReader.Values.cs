namespace Omnibus.Amqp.Types;

public ref partial struct AmqpReader
{
    /// <summary>
    /// Decodes the next value into the CLR object model: null, bool, byte (ubyte), ushort, uint,
    /// ulong, sbyte (byte), short, int, long, float, double, AmqpDecimal32/64/128, Rune (char),
    /// AmqpTimestamp, Guid (uuid), ReadOnlyMemory&lt;byte&gt; (binary), string, AmqpSymbol,
    /// List&lt;object?&gt;, AmqpMap, typed arrays or AmqpArray, AmqpDescribed.
    /// </summary>
    public object? ReadValue() => ReadValueBody(ReadCode());

    /// <summary>Skips the next value. Compounds are skipped by their size, without walking their elements.</summary>
    public void SkipValue()
    {
        var code = ReadCode();
        if (code == FormatCode.Described)
        {
            if (++_depth > MaxDepth)
            {
                throw new AmqpDecodeException($"Values nest deeper than {MaxDepth} levels.");
            }

            SkipValue();
            SkipValue();
            _depth--;
            return;
        }

        var width = FormatCode.FixedWidth(code);
        if (width >= 0)
        {
            Take(width);
            return;
        }

        switch (code)
        {
            case FormatCode.Binary8 or FormatCode.String8 or FormatCode.Symbol8:
                Take(ReadLength(code, code));
                break;
            case FormatCode.Binary32 or FormatCode.String32 or FormatCode.Symbol32:
                Take(ReadLength(code, 0));
                break;
            case FormatCode.List8 or FormatCode.Map8 or FormatCode.Array8:
                Take(Take(1)[0]);
                break;
            case FormatCode.List32 or FormatCode.Map32 or FormatCode.Array32:
                Take(ReadLength(code, 0));
                break;
            default:
                throw AmqpDecodeException.UnexpectedConstructor(code, "any AMQP type");
        }
    }

    internal object? ReadValueBody(byte code) => code switch
    {
        FormatCode.Described => ReadDescribedBody(),
        FormatCode.Null => null,
        FormatCode.True or FormatCode.False or FormatCode.Boolean => ReadBooleanBody(code),
        FormatCode.UByte => ReadUByteBody(code),
        FormatCode.UShort => ReadUShortBody(code),
        FormatCode.UInt0 or FormatCode.SmallUInt or FormatCode.UInt => ReadUIntBody(code),
        FormatCode.ULong0 or FormatCode.SmallULong or FormatCode.ULong => ReadULongBody(code),
        FormatCode.Byte => ReadByteBody(code),
        FormatCode.Short => ReadShortBody(code),
        FormatCode.SmallInt or FormatCode.Int => ReadIntBody(code),
        FormatCode.SmallLong or FormatCode.Long => ReadLongBody(code),
        FormatCode.Float => ReadFloatBody(code),
        FormatCode.Double => ReadDoubleBody(code),
        FormatCode.Decimal32 => ReadDecimal32Body(code),
        FormatCode.Decimal64 => ReadDecimal64Body(code),
        FormatCode.Decimal128 => ReadDecimal128Body(code),
        FormatCode.Char => ReadCharBody(code),
        FormatCode.Timestamp => ReadTimestampBody(code),
        FormatCode.Uuid => ReadUuidBody(code),
        FormatCode.Binary8 or FormatCode.Binary32 => ReadBinaryMemoryBody(code),
        FormatCode.String8 or FormatCode.String32 => ReadStringBody(code),
        FormatCode.Symbol8 or FormatCode.Symbol32 => ReadSymbolBody(code),
        FormatCode.List0 or FormatCode.List8 or FormatCode.List32 => ReadListBody(code),
        FormatCode.Map8 or FormatCode.Map32 => ReadMapBody(code),
        FormatCode.Array8 or FormatCode.Array32 => ReadArrayBody(code),
        _ => throw AmqpDecodeException.UnexpectedConstructor(code, "any AMQP type"),
    };

    /// <summary>Reads a list of any values.</summary>
    public List<object?> ReadList() => ReadListBody(ReadCode());

    /// <summary>Reads a map of any keys and values.</summary>
    public AmqpMap ReadMap() => ReadMapBody(ReadCode());

    private ReadOnlyMemory<byte> ReadBinaryMemoryBody(byte code)
    {
        var span = ReadBinaryBody(code);
        return Slice(_position - span.Length, span.Length);
    }

    private AmqpDescribed ReadDescribedBody()
    {
        if (++_depth > MaxDepth)
        {
            throw new AmqpDecodeException($"Values nest deeper than {MaxDepth} levels.");
        }

        var descriptor = ReadDescriptorValue();
        var value = ReadValue();
        _depth--;
        return new AmqpDescribed(descriptor, value);
    }

    internal List<object?> ReadListBody(byte code)
    {
        var scope = ReadListHeaderBody(code);
        var list = new List<object?>(scope.Count);
        for (var i = 0; i < scope.Count; i++)
        {
            list.Add(ReadValue());
        }

        EndCompound(scope);
        return list;
    }

    internal AmqpMap ReadMapBody(byte code)
    {
        var scope = ReadMapHeaderBody(code);
        var map = new AmqpMap(scope.Count / 2);
        for (var i = 0; i < scope.Count; i += 2)
        {
            var key = ReadValue();
            map.Add(key, ReadValue());
        }

        EndCompound(scope);
        return map;
    }
}
