using System.Buffers.Binary;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.Format;

/// <summary>
/// The file <c>tail.base</c> beside a log's segments: the base sequence of the segment the
/// latest roll started (i64, then CRC-32C of those 8 bytes), written after each roll. A tail
/// segment file that disappears leaves a log that otherwise looks whole (the sealed segment
/// before it ends cleanly); this file is how opening notices. Missing or older than the newest
/// segment (a roll whose marker write failed) means nothing.
/// </summary>
internal static class TailMarker
{
    public const string FileName = "tail.base";

    public static void Write(string directory, long baseSequence)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, baseSequence);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], Crc32C.Compute(bytes[..8]));
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        FileSync.SyncDirectory(directory);
    }

    /// <summary>The recorded base, or null when there is no readable marker (a damaged one is ignored: it only ever adds a check).</summary>
    public static long? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
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
