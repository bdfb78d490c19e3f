namespace Omnibus.Storage.Tests;

/// <summary>Salvaging a log recovery refuses: what verifies is kept at its sequence, the rest is reported and emptied.</summary>
public class SalvageTests
{
    private static LogOptions Small => new() { SegmentSize = 8 * 1024, IndexInterval = 512 };

    private static async Task WriteLog(TempDirectory dir, int count, int batch = 1)
    {
        using var log = PartitionLog.Open(dir.Path, Small);
        for (int i = 0; i < count; i += batch)
        {
            await log.AppendBatchAsync(Enumerable.Range(i, batch).Select(s => (ReadOnlyMemory<byte>)Payload.For(s)).ToArray());
        }
    }

    private static string[] SegmentFiles(TempDirectory dir) => Directory.GetFiles(dir.Path, "*.seg").Order(StringComparer.Ordinal).ToArray();

    private static long BaseOf(string segment) => long.Parse(Path.GetFileNameWithoutExtension(segment), System.Globalization.CultureInfo.InvariantCulture);

    private static void FlipByteInBodyOf(string segment, int nthRecordInFile)
    {
        // Records of Payload.For are 100 bytes; each record is 128 bytes after the 32-byte header.
        using var f = new FileStream(segment, FileMode.Open);
        f.Position = 32 + (nthRecordInFile * 128) + 28 + 50;
        int b = f.ReadByte();
        f.Position--;
        f.WriteByte((byte)(b ^ 0xFF));
    }

    private static void AssertRecords(PartitionLog log, long count, IReadOnlyCollection<long> emptied)
    {
        Assert.Equal(count, log.NextSequence);
        IReadOnlyList<StoredRecord> all = log.Read(0, int.MaxValue);
        Assert.Equal(count, all.Count);
        foreach (StoredRecord r in all)
        {
            Assert.Equal(emptied.Contains(r.Sequence) ? [] : Payload.For(r.Sequence), r.Body);
        }
    }

    [Fact]
    public async Task A_flipped_byte_in_a_sealed_segment_is_salvaged_keeping_every_other_record_at_its_sequence()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = SegmentFiles(dir);
        File.Delete(Path.ChangeExtension(segments[1], ".idx"));
        FlipByteInBodyOf(segments[1], 3);
        long damaged = BaseOf(segments[1]) + 3;
        Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));

        SalvageReport report = PartitionLog.Salvage(dir.Path, Small, SalvageMode.SkipDamagedBatches);

        Assert.True(report.Changed);
        Assert.Equal((299L, 1L, 0L), (report.RecordsKept, report.RecordsLost, report.RecordsDropped));
        Assert.Equal([(damaged, damaged + 1)], report.EmptiedRanges);
        Assert.Contains("is damaged at byte", Assert.Single(report.Findings), StringComparison.Ordinal);
        Assert.True(Directory.Exists(report.OriginalMovedTo));
        using PartitionLog log = PartitionLog.Open(dir.Path, Small);
        AssertRecords(log, 300, [damaged]);
        await log.AppendAsync(Payload.For(300));
        Assert.Equal(301, log.NextSequence);
    }

    [Fact]
    public async Task Skipping_drops_the_whole_damaged_batch_and_keeping_verified_keeps_its_intact_records()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        foreach (TempDirectory dir in new[] { first, second })
        {
            await WriteLog(dir, 300, batch: 5);
            string tail = SegmentFiles(dir)[^1];
            FlipByteInBodyOf(tail, 7); // the third record of the file's second batch (each file starts a batch)
        }
        long batchStart = BaseOf(SegmentFiles(first)[^1]) + 5;

        SalvageReport skipped = PartitionLog.Salvage(first.Path, Small, SalvageMode.SkipDamagedBatches);
        SalvageReport verified = PartitionLog.Salvage(second.Path, Small, SalvageMode.KeepVerified);

        Assert.Equal((1L, 4L), (skipped.RecordsLost, skipped.RecordsDropped));
        Assert.Equal([(batchStart, batchStart + 5)], skipped.EmptiedRanges);
        Assert.Equal((1L, 0L), (verified.RecordsLost, verified.RecordsDropped));
        Assert.Equal([(batchStart + 2, batchStart + 3)], verified.EmptiedRanges);
        using (PartitionLog log = PartitionLog.Open(first.Path, Small))
        {
            AssertRecords(log, 300, [.. Enumerable.Range((int)batchStart, 5).Select(i => (long)i)]);
        }
        using (PartitionLog log = PartitionLog.Open(second.Path, Small))
        {
            AssertRecords(log, 300, [batchStart + 2]);
        }
    }

    [Fact]
    public async Task Missing_segments_at_the_head_in_the_middle_and_at_the_tail_become_empty_records_and_are_reported()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = SegmentFiles(dir);
        File.Delete(segments[0]);
        File.Delete(segments[2]);
        File.Delete(segments[^1]);
        long tailBase = BaseOf(segments[^1]);

        SalvageReport report = PartitionLog.Salvage(dir.Path, Small, SalvageMode.SkipDamagedBatches);

        (long, long)[] expected = [(0, BaseOf(segments[1])), (BaseOf(segments[2]), BaseOf(segments[3]))];
        Assert.Equal(expected, report.EmptiedRanges.Take(2));
        Assert.Equal(tailBase, report.NextSequence);
        Assert.Equal(3, report.Findings.Count);
        using PartitionLog log = PartitionLog.Open(dir.Path, Small);
        var emptied = new HashSet<long>(Enumerable.Range(0, (int)tailBase).Select(i => (long)i)
            .Where(s => s < BaseOf(segments[1]) || (s >= BaseOf(segments[2]) && s < BaseOf(segments[3]))));
        AssertRecords(log, tailBase, emptied);
    }

    [Fact]
    public async Task A_zeroed_header_of_a_sealed_segment_is_salvaged_with_every_record()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = SegmentFiles(dir);
        using (var f = new FileStream(segments[1], FileMode.Open))
        {
            f.Write(new byte[32]);
        }
        Assert.ThrowsAny<StorageException>(() => PartitionLog.Open(dir.Path, Small));

        SalvageReport report = PartitionLog.Salvage(dir.Path, Small, SalvageMode.SkipDamagedBatches);

        Assert.Equal((300L, 0L, 0L), (report.RecordsKept, report.RecordsLost, report.RecordsDropped));
        Assert.Contains("damaged header", Assert.Single(report.Findings), StringComparison.Ordinal);
        using PartitionLog log = PartitionLog.Open(dir.Path, Small);
        AssertRecords(log, 300, []);
    }

    [Fact]
    public async Task A_log_without_damage_is_left_untouched()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] before = Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal).ToArray();

        SalvageReport report = PartitionLog.Salvage(dir.Path, Small, SalvageMode.SkipDamagedBatches);

        Assert.False(report.Changed);
        Assert.Null(report.OriginalMovedTo);
        Assert.Equal(before, Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal).ToArray());
        Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(dir.Path)!), d => d.StartsWith(dir.Path, StringComparison.Ordinal));
    }
}
