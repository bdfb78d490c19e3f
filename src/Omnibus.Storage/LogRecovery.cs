using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Omnibus.Storage.Format;
using Omnibus.Storage.Io;

namespace Omnibus.Storage;

/// <summary>
/// Opening a log: checks the directory marker, loads or rebuilds each sealed segment's index, and
/// scans the tail segment, cutting a torn write or an incomplete batch. Damage anywhere else is
/// reported with its file and position and nothing is deleted.
/// </summary>
internal static class LogRecovery
{
    public static (Segment[] Segments, RecoveryReport Report) OpenSegments(string directory, LogOptions options)
    {
        List<(long Base, string Path)> files = ListSegmentFiles(directory);
        if (TailMarker.Read(directory) is long recordedTail && (files.Count == 0 || recordedTail > files[^1].Base))
        {
            string missing = Path.Combine(directory, Segment.FileName(recordedTail));
            throw new StorageCorruptionException(
                $"The log's tail segment '{missing}' is missing (the latest roll created it): records from sequence {recordedTail} on are lost. " +
                $"Restore the file, or delete '{Path.Combine(directory, TailMarker.FileName)}' to open the log without them. Nothing was changed.")
            { FilePath = missing };
        }
        if (HeadMarker.Read(directory) is long recordedHead && (files.Count == 0 || recordedHead < files[0].Base))
        {
            string missing = Path.Combine(directory, Segment.FileName(recordedHead));
            string lost = files.Count == 0 ? $"records from sequence {recordedHead} on are lost" : $"records {recordedHead} to {files[0].Base - 1} are lost";
            throw new StorageCorruptionException(
                $"The log's first segment '{missing}' is missing (the log starts at sequence {recordedHead}, and nothing deleted it): {lost}. " +
                $"Restore the file, or salvage the log to open it without them. Nothing was changed.")
            { FilePath = missing };
        }
        var segments = new List<Segment>(files.Count);
        var rebuilt = new List<string>();
        RecoveryReport report;
        try
        {
            for (int i = 0; i < files.Count - 1; i++)
            {
                Segment sealedSegment = OpenSealed(files[i].Path, files[i].Base, options, rebuilt);
                if (segments.Count > 0 && segments[^1].NextSequence != sealedSegment.BaseSequence)
                {
                    throw Gap(segments[^1], sealedSegment.BaseSequence);
                }
                segments.Add(sealedSegment);
            }
            if (files.Count == 0)
            {
                segments.Add(CreateSegment(directory, 0));
                // After the segment, so a crash in between leaves a log that opens as new again.
                HeadMarker.Write(directory, 0);
                report = new RecoveryReport();
            }
            else
            {
                (Segment tail, report) = OpenTail(files[^1].Path, files[^1].Base, options);
                if (segments.Count > 0 && segments[^1].NextSequence != tail.BaseSequence)
                {
                    tail.Release();
                    throw Gap(segments[^1], tail.BaseSequence);
                }
                segments.Add(tail);
            }
        }
        catch
        {
            foreach (Segment s in segments)
            {
                s.Release();
            }
            throw;
        }
        return (segments.ToArray(), report with { RebuiltIndexes = rebuilt });
    }

    private static StorageCorruptionException Gap(Segment previous, long nextBase) => new(
        $"Segment '{previous.Path}' ends before sequence {previous.NextSequence} but the next segment starts at {nextBase}; records are missing.")
    { FilePath = previous.Path, Position = previous.Length };

    /// <summary>Checks or creates the marker, then takes the directory's exclusive lock (held until the log closes; see <see cref="DirectoryLock"/>).</summary>
    public static IDisposable PrepareDirectory(string directory)
    {
        if (File.Exists(directory))
        {
            throw new StorageFormatException($"'{directory}' is a file, not an Omnibus log directory.") { FilePath = directory };
        }
        LogSalvage.FinishInterruptedSwap(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            // The new directory's own entry must survive power loss, or so would none of its records.
            FileSync.SyncDirectory(Path.GetDirectoryName(directory) ?? directory);
        }
        if (!File.Exists(Path.Combine(directory, LogMarker.FileName)))
        {
            CreateMarkerInEmptyDirectory(directory);
        }
        LogMarker.Verify(directory);
        return DirectoryLock.ForLog(directory);
    }

    private static void CreateMarkerInEmptyDirectory(string directory)
    {
        // A crash inside LogMarker.Create leaves only its temp file: the directory is still empty in effect.
        string markerTemp = Path.Combine(directory, LogMarker.FileName + ".tmp");
        string[] entries = System.IO.Directory.GetFileSystemEntries(directory);
        if (entries.Length == 1 && entries[0] == markerTemp)
        {
            File.Delete(markerTemp);
        }
        string? stranger = System.IO.Directory.EnumerateFileSystemEntries(directory).FirstOrDefault();
        if (stranger is not null)
        {
            throw new StorageFormatException(
                $"'{directory}' is not an Omnibus log: it has no '{LogMarker.FileName}' marker and already holds '{Path.GetFileName(stranger)}'. Nothing was changed.")
            { FilePath = directory };
        }
        LogMarker.Create(directory);
    }

    internal static List<(long Base, string Path)> ListSegmentFiles(string directory)
    {
        var files = new List<(long, string)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "*.seg"))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name.Length != 20 || !long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long baseSequence))
            {
                throw new StorageFormatException($"'{path}' is not a segment name Omnibus writes (20 decimal digits).") { FilePath = path };
            }
            files.Add((baseSequence, path));
        }
        files.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return files;
    }

    public static Segment CreateSegment(string directory, long baseSequence, SegmentPreallocator? preallocator = null)
    {
        string path = Path.Combine(directory, Segment.FileName(baseSequence));
        bool preallocated = preallocator?.TryTakeSpare(path) == true;
        SafeFileHandle handle = File.OpenHandle(path, preallocated ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            Span<byte> header = stackalloc byte[SegmentHeader.Size];
            SegmentHeader.Write(header, baseSequence);
            RandomAccess.Write(handle, header, 0);
            FileSync.DataSync(handle);
            FileSync.SyncDirectory(directory);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return new Segment(path, baseSequence, handle, new SparseIndex());
    }

    private static Segment OpenSealed(string path, long baseSequence, LogOptions options, List<string> rebuilt)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            long length = RandomAccess.GetLength(handle);
            CheckHeader(handle, path, baseSequence, length);
            if (IndexFile.TryLoad(Segment.IndexPathFor(path), length, out SparseIndex index, out SegmentSummary summary)
                && summary.NextSequence >= baseSequence)
            {
                return Loaded(new Segment(path, baseSequence, handle, index), length, summary.NextSequence, summary.FirstTimestampMs, summary.LastTimestampMs);
            }
            index = new SparseIndex();
            ScanResult scan = SegmentScanner.Scan(handle, length, baseSequence, options.IndexInterval, index);
            if (scan.Stop != ScanStop.CleanEnd || scan.RecordsPastConsistentEnd > 0)
            {
                // (A clean end before the file's end is a preallocated segment whose trim at seal was lost: fine.)
                throw new StorageCorruptionException(
                    $"Sealed segment '{path}' has a damaged record at byte {scan.StopPosition} (sequence {scan.NextSequence}); " +
                    "it is not the log's tail, so nothing was truncated. Restore the file or remove the log deliberately.")
                { FilePath = path, Position = scan.StopPosition };
            }
            var segment = Loaded(new Segment(path, baseSequence, handle, index), scan.ConsistentEnd, scan.NextSequence, scan.FirstTimestampMs, scan.LastTimestampMs);
            if (scan.ConsistentEnd == length)
            {
                TryWriteIndex(segment);
            }
            rebuilt.Add(segment.IndexPath);
            return segment;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void TryWriteIndex(Segment segment)
    {
        try
        {
            IndexFile.Write(segment.IndexPath, segment.Index, segment.Summary);
        }
        catch (IOException)
        {
            // A read-only or full disk: the index is an optimisation and is rebuilt next time.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static Segment Loaded(Segment segment, long length, long next, long firstTs, long lastTs)
    {
        segment.Length = length;
        segment.NextSequence = next;
        segment.FirstTimestampMs = firstTs;
        segment.LastTimestampMs = lastTs;
        segment.IsSealed = true;
        segment.Publish();
        return segment;
    }

    private static void CheckHeader(SafeFileHandle handle, string path, long baseSequence, long length)
    {
        if (length < SegmentHeader.Size)
        {
            throw new StorageCorruptionException($"Segment '{path}' is {length} bytes, shorter than its header.") { FilePath = path };
        }
        Span<byte> header = stackalloc byte[SegmentHeader.Size];
        RandomAccess.Read(handle, header, 0);
        long stored = SegmentHeader.Read(header, path);
        if (stored != baseSequence)
        {
            throw new StorageCorruptionException($"Segment '{path}' says it starts at sequence {stored}, but its name says {baseSequence}.") { FilePath = path };
        }
    }

    private static (Segment, RecoveryReport) OpenTail(string path, long baseSequence, LogOptions options)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            long length = RandomAccess.GetLength(handle);
            bool rewroteHeader = false;
            if (IsTornCreation(handle, length))
            {
                // A crash between creating the file and making its header durable leaves a short file or
                // zeros. The header is rewritten in place, never by truncating: zeros are also what
                // damage to a written header looks like, and the records after it are read and kept.
                Span<byte> fresh = stackalloc byte[SegmentHeader.Size];
                SegmentHeader.Write(fresh, baseSequence);
                if (length < SegmentHeader.Size)
                {
                    RandomAccess.SetLength(handle, 0);
                    length = SegmentHeader.Size;
                }
                RandomAccess.Write(handle, fresh, 0);
                FileSync.DataSync(handle);
                rewroteHeader = true;
            }
            CheckHeader(handle, path, baseSequence, length);
            var index = new SparseIndex();
            ScanResult scan = SegmentScanner.Scan(handle, length, baseSequence, options.IndexInterval, index);
            var report = new RecoveryReport
            {
                TailSegment = path,
                RewroteTornSegmentHeader = rewroteHeader,
                RecordsKeptAfterRewrittenHeader = rewroteHeader ? scan.NextSequence - baseSequence : 0,
            };
            // Zeros after the last record are a preallocated segment's free space: kept, not a repair.
            bool zeroTail = scan.Stop == ScanStop.CleanEnd && scan.RecordsPastConsistentEnd == 0;
            if (scan.ConsistentEnd < length && !zeroTail)
            {
                // A length field damaged to point past the end looks like a torn write; only the absence
                // of any intact record after it proves the tail really is torn.
                if (scan.Stop is ScanStop.BadRecord or ScanStop.TornRecord)
                {
                    long intact = SegmentScanner.FindIntactRecordAfter(handle, scan.StopPosition, length, scan.NextSequence);
                    if (intact >= 0)
                    {
                        throw new StorageCorruptionException(
                            $"Segment '{path}' has a damaged record at byte {scan.StopPosition} (sequence {scan.NextSequence}) followed by an intact record at byte {intact}; " +
                            "this is damage to durable data, not a torn write, so nothing was truncated.")
                        { FilePath = path, Position = scan.StopPosition };
                    }
                }
                string reason = scan.Stop switch
                {
                    ScanStop.TornRecord => "torn record at the end of the log",
                    ScanStop.BadRecord => "damaged record at the end of the log",
                    _ when scan.RecordsPastConsistentEnd > 0 => "incomplete atomic batch at the end of the log",
                    _ => "zero bytes after the last record",
                };
                RandomAccess.SetLength(handle, scan.ConsistentEnd);
                FileSync.DataSync(handle);
                report = report with
                {
                    TruncatedAt = scan.ConsistentEnd,
                    TruncatedBytes = length - scan.ConsistentEnd,
                    DiscardedRecords = scan.RecordsPastConsistentEnd,
                    Reason = reason,
                };
            }
            var segment = new Segment(path, baseSequence, handle, index)
            {
                Length = scan.ConsistentEnd,
                NextSequence = scan.NextSequence,
                FirstTimestampMs = scan.FirstTimestampMs,
                LastTimestampMs = scan.LastTimestampMs,
            };
            segment.Publish();
            return (segment, report);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static bool IsTornCreation(SafeFileHandle handle, long length)
    {
        if (length < SegmentHeader.Size)
        {
            return true;
        }
        // A preallocated spare is all zeros until its header is written: a crash in between leaves
        // a zero header (and nothing after it, since the header is flushed before any record).
        // Zeros over a header that was written are damage; the caller keeps what follows either way.
        Span<byte> header = stackalloc byte[SegmentHeader.Size];
        RandomAccess.Read(handle, header, 0);
        return header.IndexOfAnyExcept((byte)0) < 0;
    }
}
