using System.Buffers.Binary;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.Format;

/// <summary>
/// On-disk layout of one record (little-endian), documented in docs/storage.md:
/// <code>
///  0  u32 crc        CRC-32C of bytes [4, 28 + length)
///  4  u32 length     body length in bytes
///  8  u64 sequence   dense per log
/// 16  i64 timestamp  append time, Unix milliseconds
/// 24  u32 flags      bit 0: more records of the same atomic batch follow
/// 28  body
/// </code>
/// </summary>
internal static class RecordFormat
{
    public const int HeaderSize = 28;
    public const uint FlagBatchContinues = 1;

    /// <summary>Hard cap on a body length read from disk; a larger value is damage, not data.</summary>
    public const int MaxBodyLength = 1024 * 1024 * 1024;

    public static void Write(Span<byte> destination, long sequence, long timestampMs, uint flags, ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)body.Length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], timestampMs);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], flags);
        body.CopyTo(destination[HeaderSize..]);
        uint crc = Crc32C.Compute(destination[4..(HeaderSize + body.Length)]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, crc);
    }

    public static int BodyLength(ReadOnlySpan<byte> header) => (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header[4..]), int.MaxValue);

    public static long Sequence(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header[8..]);

    public static long Timestamp(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header[16..]);

    public static uint Flags(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);

    /// <summary>True when the stored CRC matches; <paramref name="record"/> is header plus body.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> record)
        => BinaryPrimitives.ReadUInt32LittleEndian(record) == Crc32C.Compute(record[4..]);
}
