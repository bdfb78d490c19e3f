using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Omnibus.Kafka.Protocol;

/// <summary>
/// Writes a response body in one version's encoding: classic (int16/int32 lengths) or
/// <see cref="Flexible"/> (compact lengths, a tagged-field section after every structure; this
/// broker writes no tags, so each section is one zero byte).
/// </summary>
internal sealed class KafkaWriter(IBufferWriter<byte> output, bool flexible)
{
    public bool Flexible { get; } = flexible;

    private Span<byte> Reserve(int count)
    {
        Span<byte> span = output.GetSpan(count);
        output.Advance(count);
        return span[..count];
    }

    public KafkaWriter Int8(sbyte value)
    {
        Reserve(1)[0] = (byte)value;
        return this;
    }

    public KafkaWriter Bool(bool value) => Int8(value ? (sbyte)1 : (sbyte)0);

    public KafkaWriter Int16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);
        return this;
    }

    public KafkaWriter Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        return this;
    }

    public KafkaWriter Int64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        return this;
    }

    public KafkaWriter Uuid(KafkaUuid value)
    {
        Span<byte> b = Reserve(16);
        BinaryPrimitives.WriteUInt64BigEndian(b, value.High);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], value.Low);
        return this;
    }

    public KafkaWriter UVarint(uint value)
    {
        while (value >= 0x80)
        {
            Reserve(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Reserve(1)[0] = (byte)value;
        return this;
    }

    private void Length(int length, bool wide)
    {
        if (Flexible)
        {
            UVarint((uint)(length + 1));
        }
        else if (wide)
        {
            Int32(length);
        }
        else
        {
            Int16(checked((short)length));
        }
    }

    public KafkaWriter NullableString(string? value)
    {
        if (value is null)
        {
            Length(-1, wide: false);
            return this;
        }
        int count = Encoding.UTF8.GetByteCount(value);
        Length(count, wide: false);
        Encoding.UTF8.GetBytes(value, Reserve(count));
        return this;
    }

    public KafkaWriter String(string value) => NullableString(value ?? string.Empty);

    public KafkaWriter NullableBytes(ReadOnlySpan<byte> value, bool isNull = false)
    {
        if (isNull)
        {
            Length(-1, wide: true);
            return this;
        }
        Length(value.Length, wide: true);
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    public KafkaWriter Bytes(ReadOnlySpan<byte> value) => NullableBytes(value);

    public KafkaWriter ArrayLength(int count)
    {
        Length(count, wide: true);
        return this;
    }

    /// <summary>An array of structures, each followed by its (empty) tagged fields in flexible versions.</summary>
    public KafkaWriter Array<T>(IReadOnlyCollection<T> items, Action<KafkaWriter, T> element)
    {
        ArrayLength(items.Count);
        foreach (T item in items)
        {
            element(this, item);
            Tags();
        }
        return this;
    }

    public KafkaWriter Int32Array(IReadOnlyCollection<int> items)
    {
        ArrayLength(items.Count);
        foreach (int item in items)
        {
            Int32(item);
        }
        return this;
    }

    public KafkaWriter StringArray(IReadOnlyCollection<string> items)
    {
        ArrayLength(items.Count);
        foreach (string item in items)
        {
            String(item);
        }
        return this;
    }

    /// <summary>An empty tagged-field section, in flexible versions only.</summary>
    public KafkaWriter Tags()
    {
        if (Flexible)
        {
            Reserve(1)[0] = 0;
        }
        return this;
    }
}
