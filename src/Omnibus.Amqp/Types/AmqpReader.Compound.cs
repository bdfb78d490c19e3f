using System.Buffers.Binary;

namespace Omnibus.Amqp.Types;

public ref partial struct AmqpReader
{
    /// <summary>
    /// Largest element count accepted for an array whose elements encode in zero bytes (null,
    /// true, uint0, ...): without a cap a 9-byte array could demand gigabytes on decode.
    /// </summary>
    public const int MaxZeroWidthArrayCount = 256;

    /// <summary>Reads a list header and confines the reader to the list's content.</summary>
    public CompoundScope ReadListHeader() => ReadListHeaderBody(ReadCode());

    /// <summary>Reads a map header and confines the reader to the map's content.</summary>
    public CompoundScope ReadMapHeader() => ReadMapHeaderBody(ReadCode());

    /// <summary>
    /// Leaves a compound: the content must have been consumed exactly, else the declared size and
    /// the elements disagree, which is a decode error.
    /// </summary>
    public void EndCompound(in CompoundScope scope)
    {
        if (_position != scope.End)
        {
            throw new AmqpDecodeException("A compound's size does not match its elements.");
        }

        _end = scope.SavedEnd;
        _depth--;
    }

    /// <summary>Reads a described list with the given descriptor: the shape of every performative.</summary>
    public CompoundScope ReadFieldList(ulong descriptor, string typeName)
    {
        var code = ReadDescriptorCode();
        if (code != descriptor)
        {
            throw new AmqpDecodeException($"Expected {typeName} (descriptor 0x{descriptor:x}), found 0x{code:x}.");
        }

        return ReadListHeader();
    }

    /// <summary>
    /// Moves to the next field of a field list. False when the list ended early (trailing fields
    /// may be omitted) or the field is null, which it consumes; true when a value follows.
    /// </summary>
    public bool NextField(ref CompoundScope fields)
    {
        if (fields.Index >= fields.Count)
        {
            return false;
        }

        fields.Index++;
        return !TryReadNull();
    }

    /// <summary>Skips fields a newer peer may have appended, then leaves the list.</summary>
    public void EndFieldList(ref CompoundScope fields)
    {
        while (fields.Index < fields.Count)
        {
            fields.Index++;
            SkipValue();
        }

        EndCompound(fields);
    }

    /// <summary>
    /// Reads a descriptor (0x00 then a ulong or symbol). Symbolic descriptors of the spec map to
    /// their numeric codes; any other symbol yields <see cref="DescriptorCodes.Unknown"/>.
    /// </summary>
    public ulong ReadDescriptorCode()
    {
        var code = ReadCode();
        if (code != FormatCode.Described)
        {
            throw AmqpDecodeException.UnexpectedConstructor(code, "a described type");
        }

        var descriptorCode = ReadCode();
        if (IsSymbolCode(descriptorCode))
        {
            return DescriptorCodes.FromSymbol(ReadSymbolBytesBody(descriptorCode));
        }

        return ReadULongBody(descriptorCode);
    }

    /// <summary>The descriptor code of the next value, without consuming anything.</summary>
    public readonly ulong PeekDescriptorCode()
    {
        var copy = this;
        return copy.ReadDescriptorCode();
    }

    /// <summary>
    /// Reads a "multiple" symbol field, which the spec lets a peer send as one symbol or as an
    /// array of symbols.
    /// </summary>
    public AmqpSymbol[] ReadSymbolMultiple()
    {
        var code = ReadCode();
        if (IsSymbolCode(code))
        {
            return [ReadSymbolBody(code)];
        }

        if (code is not (FormatCode.Array8 or FormatCode.Array32))
        {
            throw AmqpDecodeException.UnexpectedConstructor(code, "symbol or symbol[]");
        }

        var scope = ReadArrayHeaderBody(code, out var elementCode, out var descriptor);
        if (descriptor is not null || !IsSymbolCode(elementCode))
        {
            throw AmqpDecodeException.UnexpectedConstructor(elementCode, "symbol array elements");
        }

        var symbols = new AmqpSymbol[scope.Count];
        for (var i = 0; i < symbols.Length; i++)
        {
            symbols[i] = ReadSymbolBody(elementCode);
        }

        EndCompound(scope);
        return symbols;
    }

    internal CompoundScope ReadListHeaderBody(byte code) => code switch
    {
        FormatCode.List0 => Enter(0, 0),
        FormatCode.List8 or FormatCode.List32 => EnterSized(code == FormatCode.List8),
        _ => throw AmqpDecodeException.UnexpectedConstructor(code, "list"),
    };

    internal CompoundScope ReadMapHeaderBody(byte code)
    {
        if (code is not (FormatCode.Map8 or FormatCode.Map32))
        {
            throw AmqpDecodeException.UnexpectedConstructor(code, "map");
        }

        var scope = EnterSized(code == FormatCode.Map8);
        return scope.Count % 2 == 0 ? scope : throw new AmqpDecodeException("A map has an odd number of elements.");
    }

    /// <summary>Reads an array header up to and including its element constructor.</summary>
    internal CompoundScope ReadArrayHeaderBody(byte code, out byte elementCode, out object? descriptor)
    {
        if (code is not (FormatCode.Array8 or FormatCode.Array32))
        {
            throw AmqpDecodeException.UnexpectedConstructor(code, "array");
        }

        var scope = EnterSized(code == FormatCode.Array8, checkCount: false);
        descriptor = null;
        elementCode = ReadCode();
        if (elementCode == FormatCode.Described)
        {
            descriptor = ReadDescriptorValue();
            elementCode = ReadCode();
        }

        if (!FormatCode.IsDefined(elementCode))
        {
            throw AmqpDecodeException.UnexpectedConstructor(elementCode, "an array element");
        }

        var width = FormatCode.FixedWidth(elementCode);
        var fits = width switch
        {
            0 => scope.Count <= MaxZeroWidthArrayCount,
            > 0 => (long)scope.Count * width <= Remaining,
            _ => scope.Count <= Remaining,
        };
        return fits ? scope : throw new AmqpDecodeException("An array declares more elements than its size holds.");
    }

    private object ReadDescriptorValue()
    {
        var descriptor = ReadValue();
        return descriptor is ulong or AmqpSymbol
            ? descriptor
            : throw new AmqpDecodeException("A descriptor must be a ulong or a symbol.");
    }

    private CompoundScope EnterSized(bool small, bool checkCount = true)
    {
        int size;
        int count;
        if (small)
        {
            size = Take(1)[0] - 1;
            if (size < 0)
            {
                throw new AmqpDecodeException("A compound's size is smaller than its count field.");
            }

            count = Take(1)[0];
        }
        else
        {
            var size32 = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            if (size32 < 4)
            {
                throw new AmqpDecodeException("A compound's size is smaller than its count field.");
            }

            if (size32 > (uint)Remaining)
            {
                throw AmqpDecodeException.Truncated();
            }

            var count32 = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            size = (int)(size32 - 4);
            count = count32 > int.MaxValue ? int.MaxValue : (int)count32;
        }

        if (size > Remaining)
        {
            throw AmqpDecodeException.Truncated();
        }

        // Every element takes at least its constructor byte, so a count above the size is a lie.
        if (checkCount && count > size)
        {
            throw new AmqpDecodeException("A compound declares more elements than its size holds.");
        }

        return Enter(count, size);
    }

    private CompoundScope Enter(int count, int size)
    {
        if (++_depth > MaxDepth)
        {
            throw new AmqpDecodeException($"Values nest deeper than {MaxDepth} levels.");
        }

        var scope = new CompoundScope(count, _position + size, _end);
        _end = scope.End;
        return scope;
    }
}
