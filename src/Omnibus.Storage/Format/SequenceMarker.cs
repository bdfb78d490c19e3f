using System.Buffers.Binary;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.Format;

/// <summary>
/// A small file beside a log's segments holding one sequence number (i64, then CRC-32C of those 8
/// bytes), replaced atomically. <see cref="TailMarker"/> and <see cref="HeadMarker"/> are the two
/// kinds; each only ever adds a check at open, so a missing or damaged one means nothing.
/// </summary>
internal static class SequenceMarker
{
    public static void Write(string directory, string fileName, long sequence)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], Crc32C.Compute(bytes[..8]));
        // Written to a temporary file, flushed, renamed over the old one, directory synced: the store's one way.
        FileLogStore.Instance.WriteDocument(Path.Combine(directory, fileName), bytes);
    }

    /// <summary>The recorded sequence, or null when there is no readable marker.</summary>
    public static long? Read(string directory, string fileName)
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            return null;
        }
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != 12 || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) != Crc32C.Compute(bytes.AsSpan(0, 8)))
        {
            return null;
        }
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }
}

/// <summary>
/// The file <c>tail.base</c>: the base sequence of the segment the latest roll started, written
/// after each roll. A tail segment file that disappears leaves a log that otherwise looks whole
/// (the sealed segment before it ends cleanly); this file is how opening notices. Missing or older
/// than the newest segment (a roll whose marker write failed) means nothing.
/// </summary>
internal static class TailMarker
{
    public const string FileName = "tail.base";

    public static void Write(string directory, long baseSequence) => SequenceMarker.Write(directory, FileName, baseSequence);

    public static long? Read(string directory) => SequenceMarker.Read(directory, FileName);
}

/// <summary>
/// The file <c>head.base</c>: where the log starts, written when the log is created (0) and,
/// before any file is unlinked, each time retention or a deletion removes head segments. A first
/// segment file that disappears otherwise looks like retention removed it; with this file,
/// opening notices. Logs written before it existed have none and open as they did. A marker
/// below the first segment's base means records were lost; one above it (a crash between writing
/// it and the unlinks) only means those segments are still there.
/// </summary>
internal static class HeadMarker
{
    public const string FileName = "head.base";

    public static void Write(string directory, long firstSequence) => SequenceMarker.Write(directory, FileName, firstSequence);

    public static long? Read(string directory) => SequenceMarker.Read(directory, FileName);
}
