namespace Omnibus.Kafka.Records;

/// <summary>The zigzag varints and varlongs of record batch v2 records (not the unsigned varints of flexible versions).</summary>
internal static class Varint
{
    public static long ReadLong(ReadOnlySpan<byte> data, ref int position)
    {
        ulong raw = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("A record ends inside a varint.");
            }
            byte b = data[position++];
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }
        throw new InvalidDataException("A varint is longer than 10 bytes.");
    }

    public static int ReadInt(ReadOnlySpan<byte> data, ref int position)
    {
        long value = ReadLong(data, ref position);
        return value is < int.MinValue or > int.MaxValue ? throw new InvalidDataException("A varint does not fit 32 bits.") : (int)value;
    }

    public static int Write(Span<byte> output, long value)
    {
        ulong raw = (ulong)((value << 1) ^ (value >> 63));
        int n = 0;
        while (raw >= 0x80)
        {
            output[n++] = (byte)(raw | 0x80);
            raw >>= 7;
        }
        output[n++] = (byte)raw;
        return n;
    }

    public static int Size(long value)
    {
        ulong raw = (ulong)((value << 1) ^ (value >> 63));
        int n = 1;
        while (raw >= 0x80)
        {
            n++;
            raw >>= 7;
        }
        return n;
    }
}
