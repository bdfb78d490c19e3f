using System.Buffers.Binary;
using System.Numerics;

namespace Omnibus.Storage.Io;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every record and index file. BitOperations.Crc32C uses
/// the SSE4.2 / ARMv8 CRC instruction where present (several GB/s per core), so verifying on
/// every read costs little next to copying the bytes.
/// </summary>
public static class Crc32C
{
    /// <summary>Starts a running CRC.</summary>
    public const uint Seed = 0xFFFFFFFFu;

    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Seed, data));

    /// <summary>Finishes a running CRC started at <see cref="Seed"/>.</summary>
    public static uint Finish(uint running) => ~running;

    /// <summary>Folds <paramref name="data"/> into a running CRC.</summary>
    public static uint Append(uint running, ReadOnlySpan<byte> data)
    {
        uint crc = running;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        if (data.Length >= 4)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }
        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return crc;
    }
}
