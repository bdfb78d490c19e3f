using System.Buffers.Binary;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.Format;

/// <summary>What a sealed segment's index file records besides its entries.</summary>
internal readonly record struct SegmentSummary(long DataLength, long NextSequence, long FirstTimestampMs, long LastTimestampMs);

/// <summary>
/// The <c>.idx</c> file written when a segment is sealed. A missing, damaged or stale index (its
/// recorded data length differs from the segment's length) is rebuilt by scanning the segment.
/// <code>
///  0  8 bytes magic "OMNI-IDX"
///  8  u32 version (1)
/// 12  u32 entry count N
/// 16  u64 segment data length covered
/// 24  u64 next sequence (last record's sequence + 1)
/// 32  i64 first record timestamp (Unix ms)
/// 40  i64 last record timestamp (Unix ms)
/// 48  N × (u64 sequence, u64 position)
/// end u32 CRC-32C of everything before it
/// </code>
/// </summary>
internal static class IndexFile
{
    private const int FixedSize = 48;
    private const uint Version = 1;
    private static ReadOnlySpan<byte> Magic => "OMNI-IDX"u8;

    public static void Write(string path, SparseIndex index, SegmentSummary summary)
    {
        ReadOnlySpan<IndexEntry> entries = index.Entries;
        byte[] bytes = new byte[FixedSize + (entries.Length * 16) + 4];
        Span<byte> span = bytes;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], entries.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], summary.DataLength);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], summary.NextSequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], summary.FirstTimestampMs);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], summary.LastTimestampMs);
        int at = FixedSize;
        foreach (IndexEntry e in entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], e.Sequence);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], e.Position);
            at += 16;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32C.Compute(span[..at]));
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Loads an index, or returns false when it is missing, damaged, or not for <paramref name="dataLength"/> bytes.</summary>
    public static bool TryLoad(string path, long dataLength, out SparseIndex index, out SegmentSummary summary)
    {
        index = null!;
        summary = default;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return false;
        }
        if (bytes.Length < FixedSize + 4 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            return false;
        }
        ReadOnlySpan<byte> span = bytes;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[8..]) != Version)
        {
            return false;
        }
        int count = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        if (count < 0 || bytes.Length != FixedSize + (count * 16L) + 4)
        {
            return false;
        }
        int crcAt = bytes.Length - 4;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[crcAt..]) != Crc32C.Compute(span[..crcAt]))
        {
            return false;
        }
        summary = new SegmentSummary(
            BinaryPrimitives.ReadInt64LittleEndian(span[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[40..]));
        if (summary.DataLength != dataLength)
        {
            return false;
        }
        index = new SparseIndex(count);
        for (int at = FixedSize; at < crcAt; at += 16)
        {
            long position = BinaryPrimitives.ReadInt64LittleEndian(span[(at + 8)..]);
            if (position < SegmentHeader.Size || position >= dataLength)
            {
                return false;
            }
            index.Add(BinaryPrimitives.ReadInt64LittleEndian(span[at..]), position);
        }
        return true;
    }
}
