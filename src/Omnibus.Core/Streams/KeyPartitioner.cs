namespace Omnibus.Core.Streams;

/// <summary>
/// The partition of a keyed record written by the broker itself (a message sent to a topic through
/// another protocol): the 32-bit MurmurHash2 of the key, made positive, modulo the partition count,
/// as Kafka's Java producer places keyed records, so records of one key share a partition with
/// those a Kafka producer sent.
/// </summary>
public static class KeyPartitioner
{
    /// <summary>The partition for <paramref name="key"/> among <paramref name="partitionCount"/>.</summary>
    public static int PartitionFor(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return (Murmur2(key) & 0x7fffffff) % partitionCount;
    }

    /// <summary>MurmurHash2, 32-bit, with the seed Kafka uses.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        uint h = 0x9747b28c ^ (uint)data.Length;
        int whole = data.Length / 4;
        for (int i = 0; i < whole; i++)
        {
            int o = i * 4;
            uint k = data[o] | ((uint)data[o + 1] << 8) | ((uint)data[o + 2] << 16) | ((uint)data[o + 3] << 24);
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = whole * 4;
        switch (data.Length % 4)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h *= m;
                break;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)h;
    }
}
