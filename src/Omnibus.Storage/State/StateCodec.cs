using System.Buffers;
using System.Buffers.Binary;
using Omnibus.Storage.Io;

namespace Omnibus.Storage.State;

/// <summary>
/// Encodings of the delivery-state store (docs/storage.md). A change-log record holds one or more
/// changes as <c>kind:u8, sequence:uLEB128[, end:uLEB128]</c>: a single completion costs 3–6 bytes.
/// A checkpoint is the whole state with a CRC-32C trailer.
/// </summary>
internal static class StateCodec
{
    private static ReadOnlySpan<byte> CheckpointMagic => "OMNI-CKP"u8;
    private const uint CheckpointVersion = 1;

    public static void EncodeChanges(ReadOnlySpan<StateChange> changes, IBufferWriter<byte> output)
    {
        foreach (StateChange c in changes)
        {
            Span<byte> span = output.GetSpan(21);
            span[0] = (byte)c.Kind;
            int n = 1 + WriteVarint(span[1..], (ulong)c.Sequence);
            if (c.Kind == StateChangeKind.CompleteRange)
            {
                n += WriteVarint(span[n..], (ulong)c.EndSequence);
            }
            output.Advance(n);
        }
    }

    public static List<StateChange> DecodeChanges(ReadOnlySpan<byte> record, string source)
    {
        var changes = new List<StateChange>();
        while (!record.IsEmpty)
        {
            var kind = (StateChangeKind)record[0];
            record = record[1..];
            if (kind is < StateChangeKind.Complete or > StateChangeKind.SetCursor || !TryReadVarint(ref record, out ulong sequence))
            {
                throw new StorageCorruptionException($"Delivery-state change log '{source}' holds an undecodable change (kind {(byte)kind}).") { FilePath = source };
            }
            ulong end = 0;
            if (kind == StateChangeKind.CompleteRange && !TryReadVarint(ref record, out end))
            {
                throw new StorageCorruptionException($"Delivery-state change log '{source}' holds a truncated range.") { FilePath = source };
            }
            changes.Add(new StateChange(kind, (long)sequence, (long)end));
        }
        return changes;
    }

    public static byte[] EncodeCheckpoint(DeliveryState state, long changesNext)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, CheckpointMagic);
        WriteU64(buffer, CheckpointVersion);
        WriteU64(buffer, (ulong)changesNext);
        WriteU64(buffer, (ulong)state.AckFloor);
        WriteU64(buffer, (ulong)state.Cursor);
        WriteU64(buffer, (ulong)state.CompletedCount);
        WriteU64(buffer, (ulong)state.DeadLetteredCount);
        WriteU64(buffer, (ulong)state.SettledRanges.Count);
        foreach ((long start, long end) in state.SettledRanges)
        {
            WriteU64(buffer, (ulong)start);
            WriteU64(buffer, (ulong)end);
        }
        WriteU64(buffer, (ulong)state.Deferred.Count);
        foreach (long s in state.Deferred)
        {
            WriteU64(buffer, (ulong)s);
        }
        WriteU64(buffer, (ulong)state.DeliveryCounts.Count);
        foreach (KeyValuePair<long, int> kv in state.DeliveryCounts)
        {
            WriteU64(buffer, (ulong)kv.Key);
            WriteU64(buffer, (ulong)kv.Value);
        }
        uint crc = Crc32C.Compute(buffer.WrittenSpan);
        Span<byte> trailer = buffer.GetSpan(4);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        buffer.Advance(4);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a checkpoint, or returns null when it is damaged; throws for a newer version.</summary>
    public static (DeliveryState State, long ChangesNext)? DecodeCheckpoint(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 8 + 4 || !bytes[..8].SequenceEqual(CheckpointMagic))
        {
            return null;
        }
        int crcAt = bytes.Length - 4;
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[crcAt..]) != Crc32C.Compute(bytes[..crcAt]))
        {
            return null;
        }
        try
        {
            return DecodeCheckpointBody(bytes[8..crcAt], path);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static (DeliveryState State, long ChangesNext) DecodeCheckpointBody(ReadOnlySpan<byte> r, string path)
    {
        ulong version = ReadU64(ref r);
        if (version > CheckpointVersion)
        {
            throw new StorageFormatException($"'{path}' has checkpoint format version {version}, newer than {CheckpointVersion}; upgrade Omnibus to open it.") { FilePath = path };
        }
        long changesNext = (long)ReadU64(ref r);
        var state = new DeliveryState((long)ReadU64(ref r));
        long cursor = (long)ReadU64(ref r);
        long completed = (long)ReadU64(ref r);
        long deadLettered = (long)ReadU64(ref r);
        var ranges = new (long, long)[(int)ReadU64(ref r)];
        for (int i = 0; i < ranges.Length; i++)
        {
            ranges[i] = ((long)ReadU64(ref r), (long)ReadU64(ref r));
        }
        var deferred = new long[(int)ReadU64(ref r)];
        for (int i = 0; i < deferred.Length; i++)
        {
            deferred[i] = (long)ReadU64(ref r);
        }
        var counts = new KeyValuePair<long, int>[(int)ReadU64(ref r)];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = new((long)ReadU64(ref r), (int)ReadU64(ref r));
        }
        state.Restore(cursor, completed, deadLettered, ranges, deferred, counts);
        return (state, changesNext);
    }

    private static void Write(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }

    private static void WriteU64(ArrayBufferWriter<byte> buffer, ulong value) => buffer.Advance(WriteVarint(buffer.GetSpan(10), value));

    private static ulong ReadU64(ref ReadOnlySpan<byte> r) =>
        TryReadVarint(ref r, out ulong v) ? v : throw new InvalidDataException("checkpoint ends early");

    internal static int WriteVarint(Span<byte> span, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        return i;
    }

    internal static bool TryReadVarint(ref ReadOnlySpan<byte> span, out ulong value)
    {
        value = 0;
        for (int i = 0, shift = 0; i < span.Length && shift < 64; i++, shift += 7)
        {
            byte b = span[i];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                span = span[(i + 1)..];
                return true;
            }
        }
        return false;
    }
}
