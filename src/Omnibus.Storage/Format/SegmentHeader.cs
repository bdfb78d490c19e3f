using System.Buffers.Binary;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.Format;

/// <summary>
/// The 32-byte header at the start of every segment file:
/// <code>
///  0  8 bytes magic "OMNI-SEG"
///  8  u32 format version (1)
/// 12  u32 reserved (0)
/// 16  u64 base sequence (also the file name)
/// 24  u32 reserved (0)
/// 28  u32 CRC-32C of bytes [0, 28)
/// </code>
/// </summary>
internal static class SegmentHeader
{
    public const int Size = 32;
    public const uint CurrentVersion = 1;
    public static ReadOnlySpan<byte> Magic => "OMNI-SEG"u8;

    public static void Write(Span<byte> destination, long baseSequence)
    {
        destination[..Size].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], baseSequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], Crc32C.Compute(destination[..28]));
    }

    /// <summary>Validates a header read from <paramref name="path"/> and returns its base sequence.</summary>
    public static long Read(ReadOnlySpan<byte> header, string path)
    {
        if (!header[..8].SequenceEqual(Magic))
        {
            throw new StorageFormatException($"'{path}' is not an Omnibus segment file (bad magic).") { FilePath = path };
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version > CurrentVersion)
        {
            throw new StorageFormatException(
                $"'{path}' has segment format version {version}, newer than the version {CurrentVersion} this Omnibus understands; upgrade Omnibus to open it.")
            { FilePath = path };
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != Crc32C.Compute(header[..28]))
        {
            throw new StorageCorruptionException($"'{path}' has a damaged segment header (CRC mismatch).") { FilePath = path, Position = 0 };
        }
        return BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
    }
}
