using System.Buffers.Binary;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.Format;

/// <summary>
/// The file <c>omnibus.log</c> that marks a directory as an Omnibus partition log:
/// magic "OMNI-LOG", u32 format version, u32 CRC-32C of the first 12 bytes.
/// A directory with other files and no marker is refused rather than written into.
/// </summary>
internal static class LogMarker
{
    public const string FileName = "omnibus.log";
    public const uint CurrentVersion = 1;
    private static ReadOnlySpan<byte> Magic => "OMNI-LOG"u8;

    public static void Create(string directory)
    {
        Span<byte> bytes = stackalloc byte[16];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[12..], Crc32C.Compute(bytes[..12]));
        // Written to a temporary file, flushed, renamed over the old one, directory synced: the store's one way.
        FileLogStore.Instance.WriteDocument(Path.Combine(directory, FileName), bytes);
    }

    /// <summary>Checks the marker of an existing log directory.</summary>
    public static void Verify(string directory)
    {
        string path = Path.Combine(directory, FileName);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != 16 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new StorageFormatException($"'{path}' is not an Omnibus log marker; '{directory}' is not an Omnibus log.") { FilePath = path };
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version > CurrentVersion)
        {
            throw new StorageFormatException(
                $"'{path}' declares log format version {version}, newer than the version {CurrentVersion} this Omnibus understands; upgrade Omnibus to open it.")
            { FilePath = path };
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)) != Crc32C.Compute(bytes.AsSpan(0, 12)))
        {
            throw new StorageCorruptionException($"'{path}' is damaged (CRC mismatch).") { FilePath = path };
        }
    }
}
