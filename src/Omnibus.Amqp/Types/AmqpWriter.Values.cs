using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace Omnibus.Amqp.Types;

public ref partial struct AmqpWriter
{
    /// <summary>
    /// Writes a value of the CLR object model (see <see cref="AmqpReader.ReadValue"/>), plus a few
    /// conveniences: <c>byte[]</c> as binary, <c>char</c> as char, <c>DateTimeOffset</c> and <c>DateTime</c>
    /// (unspecified kind taken as UTC) as timestamp, any <see cref="IDictionary"/> as map, any
    /// <see cref="IList{T}"/> of object as list, typed CLR arrays as arrays.
    /// </summary>
    public void WriteValue(object? value)
    {
        switch (value)
        {
            case null: WriteNull(); break;
            case bool v: WriteBoolean(v); break;
            case byte v: WriteUByte(v); break;
            case ushort v: WriteUShort(v); break;
            case uint v: WriteUInt(v); break;
            case ulong v: WriteULong(v); break;
            case sbyte v: WriteByte(v); break;
            case short v: WriteShort(v); break;
            case int v: WriteInt(v); break;
            case long v: WriteLong(v); break;
            case float v: WriteFloat(v); break;
            case double v: WriteDouble(v); break;
            case AmqpDecimal32 v: WriteDecimal32(v); break;
            case AmqpDecimal64 v: WriteDecimal64(v); break;
            case AmqpDecimal128 v: WriteDecimal128(v); break;
            case Rune v: WriteChar(v); break;
            case char v: WriteChar(new Rune(v)); break;
            case AmqpTimestamp v: WriteTimestamp(v); break;
            case DateTimeOffset v: WriteTimestamp(AmqpTimestamp.FromDateTimeOffset(v)); break;
            case DateTime v: WriteTimestamp(AmqpTimestamp.FromDateTimeOffset(v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc))); break;
            case Guid v: WriteUuid(v); break;
            case byte[] v when v.GetType() == typeof(byte[]): WriteBinary(v); break;
            case ReadOnlyMemory<byte> v: WriteBinary(v.Span); break;
            case string v: WriteString(v); break;
            case AmqpSymbol v: WriteSymbol(v); break;
            case AmqpMap v: WriteMap(v); break;
            case AmqpDescribed v: WriteDescribed(v); break;
            case AmqpArray v: WriteArray(v); break;
            case IAmqpEncodable v: v.Encode(ref this); break;
            case Array v: WriteTypedArray(v); break;
            case IList<object?> v: WriteList(v); break;
            case IDictionary v: WriteDictionary(v); break;
            default: throw new ArgumentException($"{value.GetType()} has no AMQP encoding.", nameof(value));
        }
    }

    public void WriteList(IList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var start = BeginCompound();
        // Indexed loops over interfaces throughout: foreach would box an enumerator per value.
        for (var i = 0; i < values.Count; i++)
        {
            WriteValue(values[i]);
        }

        EndList(start, values.Count);
    }

    public void WriteMap(AmqpMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var start = BeginCompound();
        foreach (var (key, value) in map)
        {
            WriteValue(key);
            WriteValue(value);
        }

        EndMap(start, map.Count * 2);
    }

    public void WriteDescribed(AmqpDescribed described)
    {
        ArgumentNullException.ThrowIfNull(described);
        WriteCode(FormatCode.Described);
        WriteValue(described.Descriptor);
        WriteValue(described.Value);
    }

    private void WriteDictionary(IDictionary dictionary)
    {
        var start = BeginCompound();
        var count = 0;
        foreach (DictionaryEntry entry in dictionary)
        {
            WriteValue(entry.Key);
            WriteValue(entry.Value);
            count += 2;
        }

        EndMap(start, count);
    }

    private void WriteLengthPrefixed(scoped ReadOnlySpan<byte> bytes, bool wide)
    {
        if (wide)
        {
            BinaryPrimitives.WriteUInt32BigEndian(GetSpan(4), (uint)bytes.Length);
            _position += 4;
        }
        else
        {
            WriteCode((byte)bytes.Length);
        }

        WriteRaw(bytes);
    }
}
