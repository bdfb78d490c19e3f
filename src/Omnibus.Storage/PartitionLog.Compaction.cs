using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Omnibus.Storage.Format;
using Omnibus.Storage.Io;

namespace Omnibus.Storage;

public sealed partial class PartitionLog
{
    private const string CompactionSuffix = ".compacting";

    /// <summary>
    /// Rewrites the sealed segment that starts at <paramref name="baseSequence"/>, emptying the body
    /// of every record for which <paramref name="keepBody"/> returns false (records whose body is
    /// already empty are not offered). Every record keeps its sequence number, append time and
    /// flags, so sequences stay dense on disk and recovery is unchanged; a reader sees an emptied
    /// record as one with an empty body (the core's streams treat it as an offset gap). The new
    /// file (written beside the old one, flushed, then renamed over it) replaces the old one for
    /// new readers; readers inside the old one finish on its handle. Returns the bytes freed, 0
    /// when nothing was emptied (the file is then untouched) or the segment is no longer there.
    /// The caller runs one compaction per log at a time. A log with the recent-records cache is
    /// refused (the cache would go on serving the bodies compaction removed).
    /// </summary>
    public long CompactSegment(long baseSequence, Func<LogRecord, bool> keepBody)
    {
        ArgumentNullException.ThrowIfNull(keepBody);
        if (_recent is not null)
        {
            throw new InvalidOperationException($"Log '{Directory}' keeps recent records in memory; compaction needs RecentRecordsCacheBytes = 0.");
        }
        Segment? old = AcquireSegmentFor(baseSequence);
        if (old is null)
        {
            return 0;
        }
        try
        {
            if (old.BaseSequence != baseSequence || !old.IsSealed)
            {
                throw new ArgumentException($"Sequence {baseSequence} does not start a sealed segment of '{Directory}'.", nameof(baseSequence));
            }
            var emptied = new HashSet<long>();
            long freed = 0;
            ForEachRecord(old, (sequence, timestamp, flags, body) =>
            {
                if (body.Length > 0 && !keepBody(new LogRecord(sequence, timestamp, body)))
                {
                    emptied.Add(sequence);
                    freed += body.Length;
                }
            });
            if (emptied.Count == 0)
            {
                return 0;
            }
            string temp = old.Path + CompactionSuffix;
            (SparseIndex index, long length) = WriteCompacted(old, temp, emptied);
            return SwapCompacted(old, temp, index, length) ? freed : 0;
        }
        finally
        {
            old.Release();
        }
    }

    private delegate void RecordVisitor(long sequence, long timestampMs, uint flags, ReadOnlyMemory<byte> body);

    // Walks every record of a sealed segment, checking each CRC (a damaged record is reported, never rewritten).
    private static void ForEachRecord(Segment segment, RecordVisitor visit)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        using HandleLease file = segment.UseHandle();
        try
        {
            long bufferStart = 0;
            int bufferLength = 0;
            long position = SegmentHeader.Size;
            long limit = segment.VisibleLength;
            while (position < limit)
            {
                if (!SegmentScanner.EnsureBuffered(file.Handle, ref buffer, ref bufferStart, ref bufferLength, position, RecordFormat.HeaderSize, limit))
                {
                    throw Damaged(segment, position, "record header runs past the segment's end");
                }
                int bodyLength = RecordFormat.BodyLength(buffer.AsSpan((int)(position - bufferStart)));
                int total = RecordFormat.HeaderSize + bodyLength;
                if (bodyLength > RecordFormat.MaxBodyLength
                    || !SegmentScanner.EnsureBuffered(file.Handle, ref buffer, ref bufferStart, ref bufferLength, position, total, limit))
                {
                    throw Damaged(segment, position, "record runs past the segment's end");
                }
                int at = (int)(position - bufferStart);
                ReadOnlySpan<byte> record = buffer.AsSpan(at, total);
                if (!RecordFormat.ChecksumMatches(record))
                {
                    throw Damaged(segment, position, "CRC mismatch");
                }
                visit(RecordFormat.Sequence(record), RecordFormat.Timestamp(record), RecordFormat.Flags(record), buffer.AsMemory(at + RecordFormat.HeaderSize, bodyLength));
                position += total;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static StorageCorruptionException Damaged(Segment segment, long position, string what) =>
        new($"Segment '{segment.Path}' is damaged at byte {position}: {what}.") { FilePath = segment.Path, Position = position };

    private (SparseIndex Index, long Length) WriteCompacted(Segment old, string temp, HashSet<long> emptied)
    {
        var index = new SparseIndex();
        long position = SegmentHeader.Size;
        long lastIndexed = long.MinValue;
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1024 * 1024))
        {
            byte[] header = new byte[SegmentHeader.Size];
            SegmentHeader.Write(header, old.BaseSequence);
            output.Write(header);
            byte[] scratch = new byte[RecordFormat.HeaderSize];
            ForEachRecord(old, (sequence, timestamp, flags, body) =>
            {
                if (lastIndexed == long.MinValue || position - lastIndexed >= Options.IndexInterval)
                {
                    index.Add(sequence, position);
                    lastIndexed = position;
                }
                if (emptied.Contains(sequence))
                {
                    RecordFormat.Write(scratch, sequence, timestamp, flags, []);
                    output.Write(scratch);
                    position += RecordFormat.HeaderSize;
                }
                else
                {
                    int size = RecordFormat.HeaderSize + body.Length;
                    byte[] record = ArrayPool<byte>.Shared.Rent(size);
                    RecordFormat.Write(record, sequence, timestamp, flags, body.Span);
                    output.Write(record, 0, size);
                    ArrayPool<byte>.Shared.Return(record);
                    position += size;
                }
            });
            output.Flush(flushToDisk: true);
        }
        return (index, position);
    }

    // Renames the compacted file over the old one and puts a segment over it into the list, unless
    // the segment was deleted (retention) or the log closed meanwhile.
    private bool SwapCompacted(Segment old, string temp, SparseIndex index, long length)
    {
        lock (_segmentsLock)
        {
            Segment[] segments = _segments;
            int at = Array.IndexOf(segments, old);
            if (_closing || at < 0)
            {
                File.Delete(temp);
                return false;
            }
            // A crash between the two renames leaves an index for the old length: it is rebuilt on open.
            // Readers inside the old segment keep its (old) file open: the name now means the new one.
            // (The compaction's own reference is held, so the old segment is never ended here.)
            _ = old.RetireBeforeUnlink();
            File.Move(temp, old.Path, overwrite: true);
            SafeFileHandle handle = File.OpenHandle(old.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var replacement = new Segment(old.Path, old.BaseSequence, handle, index)
            {
                Length = length,
                NextSequence = old.NextSequence,
                FirstTimestampMs = old.FirstTimestampMs,
                LastTimestampMs = old.LastTimestampMs,
                IsSealed = true,
            };
            replacement.Publish();
            replacement.AttachTo(FileHandles);
            IndexFile.Write(replacement.IndexPath, index, replacement.Summary);
            FileSync.SyncDirectory(Directory);
            Segment[] swapped = (Segment[])segments.Clone();
            swapped[at] = replacement;
            Volatile.Write(ref _segments, swapped);
        }
        old.Release(); // the log's reference; readers inside it keep theirs
        return true;
    }
}
