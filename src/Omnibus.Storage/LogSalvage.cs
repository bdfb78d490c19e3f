using System.Buffers.Binary;
using System.Globalization;
using Omnibus.Storage.Format;
using Omnibus.Storage.Io;

namespace Omnibus.Storage;

/// <summary>
/// Salvaging a closed log that recovery refuses to open (a damaged record in durable data, a
/// missing segment): every segment file is scanned byte by byte for records whose checksum
/// verifies, and the log is rewritten beside the old one with the same sequence numbers, an
/// empty record standing in for every sequence that is lost or dropped. The original directory is
/// kept under another name for the operator. A log with no damage is left exactly as it was.
/// </summary>
internal static class LogSalvage
{
    private const string SalvagingSuffix = ".salvaging";
    internal const string CompleteFlag = "salvage.complete";

    public static SalvageReport Run(string directory, LogOptions options, SalvageMode mode)
    {
        string full = Path.GetFullPath(directory);
        FinishInterruptedSwap(full);
        if (!Directory.Exists(full) || !File.Exists(Path.Combine(full, LogMarker.FileName)))
        {
            return new SalvageReport { Directory = full, Mode = mode };
        }
        var findings = new List<string>();
        try
        {
            LogMarker.Verify(full);
        }
        catch (StorageCorruptionException e)
        {
            findings.Add(e.Message);
        }
        SalvagePlan dryRun;
        using (DirectoryLock.ForLog(full))
        {
            dryRun = Scan(full, mode, findings, sink: null);
        }
        if (!dryRun.Damaged && findings.Count == 0)
        {
            return dryRun.Report(full, mode, findings, changed: false, movedTo: null);
        }
        string temp = full + SalvagingSuffix;
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true); // an earlier salvage that did not finish
        }
        Directory.CreateDirectory(temp);
        LogMarker.Create(temp);
        WriteEmptySegment(temp, dryRun.Start);
        HeadMarker.Write(temp, dryRun.Start);
        SalvagePlan written;
        LogOptions writeOptions = options with
        {
            Durability = DurabilityPolicy.None, // flushed when each segment is sealed and at close
            PreallocateSegments = false,
            Retention = RetentionPolicy.Unlimited,
            RecentRecordsCacheBytes = 0,
            MaxRecordSize = RecordFormat.MaxBodyLength,
        };
        var foundAgain = new List<string>();
        using (DirectoryLock.ForLog(full))
        using (PartitionLog target = PartitionLog.Open(temp, writeOptions))
        {
            written = Scan(full, mode, foundAgain, new SalvageWriter(target));
        }
        File.WriteAllBytes(Path.Combine(temp, CompleteFlag), []);
        FileSync.SyncDirectory(temp);
        string movedTo = $"{full}.damaged-{DateTime.UtcNow.ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture)}";
        Directory.Move(full, movedTo);
        File.Delete(Path.Combine(movedTo, DirectoryLock.FileName));
        FinishInterruptedSwap(full);
        return written.Report(full, mode, findings.Count > 0 ? findings : foundAgain, changed: true, movedTo);
    }

    /// <summary>
    /// A crash between moving the damaged log aside and moving the salvaged one in leaves no log
    /// directory but a complete salvaged one: it is moved in, rather than a new empty log created.
    /// </summary>
    internal static void FinishInterruptedSwap(string full)
    {
        string temp = full + SalvagingSuffix;
        if (Directory.Exists(full) || !File.Exists(Path.Combine(temp, CompleteFlag)))
        {
            return;
        }
        Directory.Move(temp, full);
        File.Delete(Path.Combine(full, CompleteFlag));
        FileSync.SyncDirectory(full);
        FileSync.SyncDirectory(Path.GetDirectoryName(full) ?? full);
    }

    private static void WriteEmptySegment(string directory, long baseSequence)
    {
        var header = new byte[SegmentHeader.Size];
        SegmentHeader.Write(header, baseSequence);
        using (var stream = new FileStream(Path.Combine(directory, Segment.FileName(baseSequence)), FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(header);
            stream.Flush(flushToDisk: true);
        }
        FileSync.SyncDirectory(directory);
    }

    private static SalvagePlan Scan(string directory, SalvageMode mode, List<string> findings, SalvageWriter? sink)
    {
        List<(long Base, string Path)> files = LogRecovery.ListSegmentFiles(directory);
        long? head = HeadMarker.Read(directory);
        long? tail = TailMarker.Read(directory);
        long start = files.Count == 0 ? head ?? 0 : Math.Min(files[0].Base, head ?? files[0].Base);
        var plan = new SalvagePlan(mode, start, sink);
        for (int f = 0; f < files.Count; f++)
        {
            ScanFile(files[f].Path, files[f].Base, isLast: f == files.Count - 1, plan, findings);
        }
        plan.End(tail, files.Count == 0 ? null : files[^1].Base, findings);
        sink?.Flush();
        return plan;
    }

    private static void ScanFile(string path, long baseSequence, bool isLast, SalvagePlan plan, List<string> findings)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bool headerOk = bytes.Length >= SegmentHeader.Size && HeaderMatches(bytes, baseSequence);
        bool zeroHeader = bytes.Length >= SegmentHeader.Size && bytes.AsSpan(0, SegmentHeader.Size).IndexOfAnyExcept((byte)0) < 0;
        long maxSequence = baseSequence + (bytes.Length / RecordFormat.HeaderSize) + 1;
        int position = SegmentHeader.Size;
        bool foundAny = false;
        while (position + RecordFormat.HeaderSize <= bytes.Length)
        {
            if (TryRecordAt(bytes, position, Math.Max(baseSequence, plan.Next), maxSequence, out int size))
            {
                plan.Record(bytes.AsMemory(position, size), startsSegment: position == SegmentHeader.Size && RecordFormat.Sequence(bytes.AsSpan(position)) == baseSequence, findings);
                foundAny = true;
                position += size;
                continue;
            }
            if (bytes.AsSpan(position).IndexOfAnyExcept((byte)0) < 0)
            {
                break; // zeros to the end: free space of a preallocated segment
            }
            int damagedAt = position;
            int next = position + 1;
            while (next + RecordFormat.HeaderSize <= bytes.Length && !TryRecordAt(bytes, next, Math.Max(baseSequence, plan.Next), maxSequence, out _))
            {
                next++;
            }
            if (next + RecordFormat.HeaderSize > bytes.Length)
            {
                // Nothing intact after it: a torn tail, or the end of a sealed segment (what is missing shows as a gap).
                if (!isLast)
                {
                    findings.Add($"'{path}' has no intact record after byte {damagedAt}");
                }
                break;
            }
            findings.Add($"'{path}' is damaged at byte {damagedAt} (intact records again from byte {next})");
            plan.Damage(LegibleFlags(bytes, damagedAt, next, plan.Next));
            position = next;
        }
        if (!headerOk && (!isLast || !zeroHeader || foundAny))
        {
            findings.Add($"'{path}' has a damaged header");
            plan.MarkDamaged();
        }
    }

    /// <summary>
    /// Whether a damaged record closed its batch, when its header is evidently intact: it carries the
    /// expected sequence and its length ends exactly where the next intact record starts.
    /// </summary>
    private static bool? LegibleFlags(byte[] bytes, int damagedAt, int nextIntact, long expectedSequence)
    {
        ReadOnlySpan<byte> header = bytes.AsSpan(damagedAt, RecordFormat.HeaderSize);
        long end = damagedAt + RecordFormat.HeaderSize + (long)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return RecordFormat.Sequence(header) == expectedSequence && end == nextIntact && RecordFormat.Flags(header) <= RecordFormat.FlagBatchContinues
            ? (RecordFormat.Flags(header) & RecordFormat.FlagBatchContinues) == 0
            : null;
    }

    private static bool HeaderMatches(byte[] bytes, long baseSequence)
    {
        try
        {
            return SegmentHeader.Read(bytes.AsSpan(0, SegmentHeader.Size), "") == baseSequence;
        }
        catch (StorageException)
        {
            return false;
        }
    }

    private static bool TryRecordAt(byte[] bytes, int position, long minSequence, long maxSequence, out int size)
    {
        size = 0;
        ReadOnlySpan<byte> header = bytes.AsSpan(position, RecordFormat.HeaderSize);
        long sequence = RecordFormat.Sequence(header);
        long bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (sequence < minSequence || sequence > maxSequence || bodyLength > RecordFormat.MaxBodyLength
            || position + RecordFormat.HeaderSize + bodyLength > bytes.Length)
        {
            return false;
        }
        size = RecordFormat.HeaderSize + (int)bodyLength;
        return RecordFormat.ChecksumMatches(bytes.AsSpan(position, size));
    }
}
