using System.Buffers.Binary;
using System.Numerics;

namespace Omnibus.Kafka.Records;

/// <summary>CRC-32C (Castagnoli), the checksum of record batches v2, on the CPU's CRC instructions where it has them.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }
}
