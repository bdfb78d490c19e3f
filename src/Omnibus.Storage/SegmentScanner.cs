using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Omnibus.Storage.Format;

namespace Omnibus.Storage;

/// <summary>Why a scan stopped.</summary>
internal enum ScanStop
{
    /// <summary>Reached the end of the file (or only zero bytes follow).</summary>
    CleanEnd,

    /// <summary>A record runs past the end of the file.</summary>
    TornRecord,

    /// <summary>A record's header is impossible or its CRC does not match.</summary>
    BadRecord,
}

/// <summary>Outcome of scanning a segment from its header to its end.</summary>
internal sealed record ScanResult(
    ScanStop Stop,
    long StopPosition,
    long ConsistentEnd,
    long NextSequence,
    long FirstTimestampMs,
    long LastTimestampMs,
    long RecordsPastConsistentEnd);

/// <summary>
/// Walks a segment's records, checking length, sequence and CRC of each, and rebuilds the sparse
/// index on the way. "Consistent end" is the end of the last record that closes an atomic batch:
/// recovery truncates there, so a batch is either whole or absent.
/// </summary>
internal static class SegmentScanner
{
    private const int ChunkSize = 1024 * 1024;

    public static ScanResult Scan(SafeFileHandle handle, long fileLength, long baseSequence, int indexInterval, SparseIndex index)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long bufferStart = 0;
            int bufferLength = 0;
            long position = SegmentHeader.Size;
            long expected = baseSequence;
            long consistentEnd = position, consistentNext = expected;
            long firstTs = long.MinValue, lastTs = long.MinValue, consistentLastTs = long.MinValue;
            long pendingRecords = 0;
            long lastIndexed = long.MinValue;
            while (true)
            {
                if (position + RecordFormat.HeaderSize > fileLength)
                {
                    ScanStop stop = position == fileLength || IsZeroTail(handle, position, fileLength) ? ScanStop.CleanEnd : ScanStop.TornRecord;
                    return Result(stop, position);
                }
                if (!EnsureBuffered(handle, ref buffer, ref bufferStart, ref bufferLength, position, RecordFormat.HeaderSize, fileLength))
                {
                    return Result(ScanStop.TornRecord, position);
                }
                ReadOnlySpan<byte> header = buffer.AsSpan((int)(position - bufferStart), RecordFormat.HeaderSize);
                int bodyLength = RecordFormat.BodyLength(header);
                if (header.IndexOfAnyExcept((byte)0) < 0)
                {
                    return Result(IsZeroTail(handle, position, fileLength) ? ScanStop.CleanEnd : ScanStop.BadRecord, position);
                }
                if (bodyLength > RecordFormat.MaxBodyLength || RecordFormat.Sequence(header) != expected)
                {
                    return Result(ScanStop.BadRecord, position);
                }
                int total = RecordFormat.HeaderSize + bodyLength;
                if (position + total > fileLength)
                {
                    return Result(ScanStop.TornRecord, position);
                }
                if (!EnsureBuffered(handle, ref buffer, ref bufferStart, ref bufferLength, position, total, fileLength))
                {
                    return Result(ScanStop.TornRecord, position);
                }
                ReadOnlySpan<byte> record = buffer.AsSpan((int)(position - bufferStart), total);
                if (!RecordFormat.ChecksumMatches(record))
                {
                    return Result(ScanStop.BadRecord, position);
                }
                if (lastIndexed == long.MinValue || position - lastIndexed >= indexInterval)
                {
                    index.Add(expected, position);
                    lastIndexed = position;
                }
                long ts = RecordFormat.Timestamp(record);
                if (firstTs == long.MinValue)
                {
                    firstTs = ts;
                }
                lastTs = ts;
                position += total;
                expected++;
                pendingRecords++;
                if ((RecordFormat.Flags(record) & RecordFormat.FlagBatchContinues) == 0)
                {
                    consistentEnd = position;
                    consistentNext = expected;
                    consistentLastTs = ts;
                    pendingRecords = 0;
                }
            }

            ScanResult Result(ScanStop stop, long at)
            {
                index.TruncateFrom(consistentEnd);
                long first = consistentNext == baseSequence ? long.MinValue : firstTs;
                return new ScanResult(stop, at, consistentEnd, consistentNext, first, consistentLastTs, pendingRecords);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// After a bad record at <paramref name="from"/>, looks for any intact record further on. If one
    /// exists the damage is in the middle of durable data, not a torn tail, and must not be truncated.
    /// </summary>
    public static long FindIntactRecordAfter(SafeFileHandle handle, long from, long fileLength, long minSequence)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long bufferStart = 0;
            int bufferLength = 0;
            for (long candidate = from + 1; candidate + RecordFormat.HeaderSize <= fileLength; candidate++)
            {
                if (!EnsureBuffered(handle, ref buffer, ref bufferStart, ref bufferLength, candidate, RecordFormat.HeaderSize, fileLength))
                {
                    break;
                }
                ReadOnlySpan<byte> header = buffer.AsSpan((int)(candidate - bufferStart), RecordFormat.HeaderSize);
                long sequence = RecordFormat.Sequence(header);
                int bodyLength = RecordFormat.BodyLength(header);
                // Sequence numbers near the expected one make a random match ~2^-40 likely before the CRC check.
                if (sequence < minSequence || sequence > minSequence + (fileLength / RecordFormat.HeaderSize)
                    || bodyLength > RecordFormat.MaxBodyLength || candidate + RecordFormat.HeaderSize + bodyLength > fileLength)
                {
                    continue;
                }
                int total = RecordFormat.HeaderSize + bodyLength;
                if (EnsureBuffered(handle, ref buffer, ref bufferStart, ref bufferLength, candidate, total, fileLength)
                    && RecordFormat.ChecksumMatches(buffer.AsSpan((int)(candidate - bufferStart), total)))
                {
                    return candidate;
                }
            }
            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsZeroTail(SafeFileHandle handle, long from, long fileLength)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (long at = from; at < fileLength;)
            {
                int n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, fileLength - at)), at);
                if (n <= 0)
                {
                    break;
                }
                if (buffer.AsSpan(0, n).IndexOfAnyExcept((byte)0) >= 0)
                {
                    return false;
                }
                at += n;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes [position, position+count) available in the buffer, reading (and growing) as needed.</summary>
    internal static bool EnsureBuffered(SafeFileHandle handle, ref byte[] buffer, ref long bufferStart, ref int bufferLength, long position, int count, long fileLength)
    {
        if (position >= bufferStart && position + count <= bufferStart + bufferLength)
        {
            return true;
        }
        if (count > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(count);
        }
        int want = (int)Math.Min(buffer.Length, fileLength - position);
        int read = 0;
        while (read < want)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(read, want - read), position + read);
            if (n <= 0)
            {
                break;
            }
            read += n;
        }
        bufferStart = position;
        bufferLength = read;
        return read >= count;
    }
}
