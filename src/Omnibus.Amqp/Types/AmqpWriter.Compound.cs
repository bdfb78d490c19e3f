using System.Buffers.Binary;

namespace Omnibus.Amqp.Types;

public ref partial struct AmqpWriter
{
    // Constructor, 4-byte size and 4-byte count: the widest header a compound can need.
    internal const int CompoundHeaderReserve = 9;

    /// <summary>
    /// Reserves room for a compound header and returns where it starts. Write the elements, then
    /// call <see cref="EndList"/>, <see cref="EndMap"/> or <see cref="EndArray"/>: the header is
    /// filled in then, in its 8-bit form when the content fits (the content is moved back 6
    /// bytes, cheaper than sizing every value twice).
    /// </summary>
    public int BeginCompound()
    {
        var start = _position;
        Ensure(CompoundHeaderReserve);
        _position += CompoundHeaderReserve;
        return start;
    }

    public void EndList(int start, int count)
    {
        if (count == 0)
        {
            _buffer[start] = FormatCode.List0;
            _position = start + 1;
            return;
        }

        EndCompound(start, count, FormatCode.List8, FormatCode.List32, forceWide: false);
    }

    public void EndMap(int start, int elementCount) =>
        EndCompound(start, elementCount, FormatCode.Map8, FormatCode.Map32, forceWide: false);

    /// <summary>Ends an array; its content starts with the element constructor.</summary>
    public void EndArray(int start, int count) =>
        EndCompound(start, count, FormatCode.Array8, FormatCode.Array32, forceWide: false);

    internal void EndCompound(int start, int count, byte code8, byte code32, bool forceWide)
    {
        var contentStart = start + CompoundHeaderReserve;
        var contentLength = _position - contentStart;
        if (!forceWide && contentLength < byte.MaxValue && count <= byte.MaxValue)
        {
            _buffer[start] = code8;
            _buffer[start + 1] = (byte)(contentLength + 1);
            _buffer[start + 2] = (byte)count;
            _buffer.Slice(contentStart, contentLength).CopyTo(_buffer[(start + 3)..]);
            _position = start + 3 + contentLength;
            return;
        }

        _buffer[start] = code32;
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[(start + 1)..], (uint)(contentLength + 4));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[(start + 5)..], (uint)count);
    }

    /// <summary>Starts a described list (a performative or other composite type).</summary>
    public FieldListScope BeginFieldList(ulong descriptor)
    {
        WriteDescriptor(descriptor);
        return new FieldListScope(BeginCompound());
    }

    /// <summary>Marks the field just written; <paramref name="present"/> false means it was a null.</summary>
    public readonly void EndField(ref FieldListScope fields, bool present)
    {
        fields.Count++;
        if (present)
        {
            fields.TrimPosition = _position;
            fields.TrimCount = fields.Count;
        }
    }

    /// <summary>Ends a described list, dropping trailing null fields.</summary>
    public void EndFieldList(ref FieldListScope fields)
    {
        _position = fields.TrimPosition;
        EndList(fields.Start, fields.TrimCount);
    }

    public void WriteUIntField(ref FieldListScope fields, uint? value)
    {
        if (value is { } v) WriteUInt(v); else WriteNull();
        EndField(ref fields, value.HasValue);
    }

    public void WriteULongField(ref FieldListScope fields, ulong? value)
    {
        if (value is { } v) WriteULong(v); else WriteNull();
        EndField(ref fields, value.HasValue);
    }

    public void WriteUShortField(ref FieldListScope fields, ushort? value)
    {
        if (value is { } v) WriteUShort(v); else WriteNull();
        EndField(ref fields, value.HasValue);
    }

    public void WriteUByteField(ref FieldListScope fields, byte? value)
    {
        if (value is { } v) WriteUByte(v); else WriteNull();
        EndField(ref fields, value.HasValue);
    }

    public void WriteBooleanField(ref FieldListScope fields, bool? value)
    {
        if (value is { } v) WriteBoolean(v); else WriteNull();
        EndField(ref fields, value.HasValue);
    }

    public void WriteTimestampField(ref FieldListScope fields, AmqpTimestamp? value)
    {
        if (value is { } v) WriteTimestamp(v); else WriteNull();
        EndField(ref fields, value.HasValue);
    }

    public void WriteStringField(ref FieldListScope fields, string? value)
    {
        if (value is not null) WriteString(value); else WriteNull();
        EndField(ref fields, value is not null);
    }

    public void WriteSymbolField(ref FieldListScope fields, AmqpSymbol? value)
    {
        if (value is not null) WriteSymbol(value); else WriteNull();
        EndField(ref fields, value is not null);
    }

    public void WriteBinaryField(ref FieldListScope fields, ReadOnlyMemory<byte>? value)
    {
        if (value is { } v) WriteBinary(v.Span); else WriteNull();
        EndField(ref fields, value.HasValue);
    }

    /// <summary>
    /// Writes a "multiple" symbol field. Always as an array, even for one symbol: the spec allows
    /// either, and an array is what every client's decoder expects for capabilities.
    /// </summary>
    public void WriteSymbolsField(ref FieldListScope fields, IReadOnlyList<AmqpSymbol>? value)
    {
        if (value is not null) WriteSymbolArray(value); else WriteNull();
        EndField(ref fields, value is not null);
    }

    public void WriteMapField(ref FieldListScope fields, AmqpMap? value)
    {
        if (value is not null) WriteMap(value); else WriteNull();
        EndField(ref fields, value is not null);
    }

    public void WriteValueField(ref FieldListScope fields, object? value)
    {
        WriteValue(value);
        EndField(ref fields, value is not null);
    }
}
