namespace Omnibus.Storage.Tests;

public class RecoveryTests
{
    private static LogOptions Small => new() { SegmentSize = 8 * 1024, IndexInterval = 512 };

    private static async Task<string> WriteLog(TempDirectory dir, int count, LogOptions? options = null)
    {
        using var log = PartitionLog.Open(dir.Path, options ?? Small);
        for (int i = 0; i < count; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        return log.Segments[^1].Path;
    }

    private static void AssertIntactPrefix(PartitionLog log, long count)
    {
        Assert.Equal(count, log.NextSequence);
        IReadOnlyList<StoredRecord> all = log.Read(0, int.MaxValue);
        Assert.Equal(count, all.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, all[i].Sequence);
            Assert.Equal(Payload.For(i), all[i].Body);
        }
    }

    [Fact]
    public async Task A_tail_cut_mid_record_is_truncated_to_the_last_whole_record()
    {
        using var dir = new TempDirectory();
        string tail = await WriteLog(dir, 100);
        long length = new FileInfo(tail).Length;
        using (var f = new FileStream(tail, FileMode.Open))
        {
            f.SetLength(length - 50); // inside the last record (128 bytes)
        }
        using var log = PartitionLog.Open(dir.Path, Small);
        Assert.Equal(tail, log.Recovery.TailSegment);
        Assert.Equal(length - 128, log.Recovery.TruncatedAt);
        Assert.Equal(78, log.Recovery.TruncatedBytes);
        Assert.Contains("torn", log.Recovery.Reason, StringComparison.Ordinal);
        AssertIntactPrefix(log, 99);
        Assert.Equal(99, await log.AppendAsync(Payload.For(99)));
        AssertIntactPrefix(log, 100);
    }

    [Theory]
    [InlineData(0)]   // CRC field
    [InlineData(6)]   // length field
    [InlineData(12)]  // sequence field
    [InlineData(30)]  // body
    [InlineData(127)] // last body byte
    public async Task A_flipped_byte_in_the_last_record_recovers_to_the_record_before(int offsetInRecord)
    {
        using var dir = new TempDirectory();
        string tail = await WriteLog(dir, 100);
        long length = new FileInfo(tail).Length;
        using (var f = new FileStream(tail, FileMode.Open))
        {
            f.Position = length - 128 + offsetInRecord;
            int b = f.ReadByte();
            f.Position--;
            f.WriteByte((byte)(b ^ 0x5A));
        }
        using var log = PartitionLog.Open(dir.Path, Small);
        Assert.Equal(length - 128, log.Recovery.TruncatedAt);
        AssertIntactPrefix(log, 99);
    }

    [Fact]
    public async Task Garbage_after_the_last_record_is_cut()
    {
        using var dir = new TempDirectory();
        string tail = await WriteLog(dir, 10);
        long length = new FileInfo(tail).Length;
        await File.AppendAllTextAsync(tail, "this is not a record, just noise at the end of the file");
        using var log = PartitionLog.Open(dir.Path, Small);
        Assert.Equal(length, log.Recovery.TruncatedAt);
        Assert.Equal(length, new FileInfo(tail).Length);
        AssertIntactPrefix(log, 10);
    }

    [Fact]
    public async Task Zero_bytes_after_the_last_record_are_free_space_not_damage()
    {
        using var dir = new TempDirectory();
        string tail = await WriteLog(dir, 10);
        long length = new FileInfo(tail).Length;
        using (var f = new FileStream(tail, FileMode.Open))
        {
            f.SetLength(length + 4096); // as a preallocated segment looks after a crash
        }
        using (var log = PartitionLog.Open(dir.Path, Small))
        {
            Assert.True(log.Recovery.IsClean, log.Recovery.ToString());
            AssertIntactPrefix(log, 10);
            Assert.Equal(10, await log.AppendAsync(Payload.For(10)));
        }
        using var again = PartitionLog.Open(dir.Path, Small);
        AssertIntactPrefix(again, 11);
    }

    [Fact]
    public async Task A_busy_log_appends_into_preallocated_segments_and_seals_them_trimmed()
    {
        using var dir = new TempDirectory();
        var options = Small with { SegmentSize = 16 * 1024 };
        using (var log = PartitionLog.Open(dir.Path, options))
        {
            for (int i = 0; i < 400; i++)
            {
                await log.AppendAsync(Payload.For(i));
                if (i == 200)
                {
                    // After the first rolls the log is busy: wait for its spare, so the next roll takes it.
                    string spare = Path.Combine(dir.Path, "spare.prealloc");
                    long deadline = Environment.TickCount64 + 10_000;
                    while (!File.Exists(spare) && Environment.TickCount64 < deadline)
                    {
                        await Task.Delay(10);
                    }
                    Assert.True(File.Exists(spare), "no spare segment was prepared");
                }
            }
            IReadOnlyList<SegmentInfo> segments = log.Segments;
            Assert.All(segments.Take(segments.Count - 1), s => Assert.Equal(s.Length, new FileInfo(s.Path).Length));
            Assert.Contains(segments.Skip(1), s => new FileInfo(s.Path).Length == options.SegmentSize);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        using var reopened = PartitionLog.Open(dir.Path, options);
        Assert.True(reopened.Recovery.IsClean, reopened.Recovery.ToString());
        AssertIntactPrefix(reopened, 400);
    }

    [Fact]
    public async Task A_preallocated_tail_whose_header_never_reached_disk_is_rewritten()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 10);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, $"{10:D20}.seg"), new byte[8192]); // a renamed spare, header not yet written
        using var log = PartitionLog.Open(dir.Path, Small);
        Assert.True(log.Recovery.RewroteTornSegmentHeader);
        Assert.Equal(10, await log.AppendAsync(Payload.For(10)));
        AssertIntactPrefix(log, 11);
    }

    [Fact]
    public async Task A_torn_batch_disappears_whole()
    {
        using var dir = new TempDirectory();
        string tail;
        using (var log = PartitionLog.Open(dir.Path, Small))
        {
            for (int i = 0; i < 5; i++)
            {
                await log.AppendAsync(Payload.For(i));
            }
            await log.AppendBatchAsync([Payload.For(5), Payload.For(6), Payload.For(7), Payload.For(8)]);
            tail = log.Segments[^1].Path;
        }
        long length = new FileInfo(tail).Length;
        using (var f = new FileStream(tail, FileMode.Open))
        {
            f.SetLength(length - 10); // the batch's last record is torn, three intact ones precede it
        }
        using var reopened = PartitionLog.Open(dir.Path, Small);
        Assert.Equal(3, reopened.Recovery.DiscardedRecords);
        AssertIntactPrefix(reopened, 5);
    }

    [Fact]
    public async Task Damage_in_the_tail_followed_by_intact_records_is_reported_and_nothing_is_cut()
    {
        using var dir = new TempDirectory();
        string tail = await WriteLog(dir, 50, new LogOptions());
        long length = new FileInfo(tail).Length;
        long damagedAt = 32 + (10 * 128) + 40;
        using (var f = new FileStream(tail, FileMode.Open))
        {
            f.Position = damagedAt;
            f.WriteByte(0xFF);
        }
        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path));
        Assert.Equal(tail, ex.FilePath);
        Assert.Equal(32 + (10 * 128), ex.Position);
        Assert.Contains("sequence 10", ex.Message, StringComparison.Ordinal);
        Assert.Equal(length, new FileInfo(tail).Length);
    }

    [Fact]
    public async Task A_damaged_record_in_a_sealed_segment_is_reported_with_its_position_when_read()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string first = Path.Combine(dir.Path, $"{0:D20}.seg");
        using (var f = new FileStream(first, FileMode.Open))
        {
            f.Position = 32 + (5 * 128) + 60;
            f.WriteByte(0x00);
        }
        using var log = PartitionLog.Open(dir.Path, Small);
        var ex = Assert.Throws<StorageCorruptionException>(() => log.Read(0, 100));
        Assert.Equal(first, ex.FilePath);
        Assert.Equal(32 + (5 * 128), ex.Position);
        // Records after the damage are still readable; the damaged one is never silently skipped.
        Assert.Equal(Payload.For(6), log.ReadOne(6)!.Body);
        Assert.Throws<StorageCorruptionException>(() => log.ReadOne(5));
    }

    [Fact]
    public async Task A_damaged_sealed_segment_without_its_index_refuses_to_open_and_keeps_the_file()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string first = Path.Combine(dir.Path, $"{0:D20}.seg");
        File.Delete(Path.ChangeExtension(first, ".idx"));
        long length = new FileInfo(first).Length;
        using (var f = new FileStream(first, FileMode.Open))
        {
            f.Position = 32 + (7 * 128) + 3;
            f.WriteByte(0x77);
        }
        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));
        Assert.Equal(first, ex.FilePath);
        Assert.Equal(32 + (7 * 128), ex.Position);
        Assert.Equal(length, new FileInfo(first).Length);
    }

    [Fact]
    public async Task Missing_damaged_and_stale_indexes_are_rebuilt()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] indexes = Directory.GetFiles(dir.Path, "*.idx").Order().ToArray();
        Assert.True(indexes.Length >= 3);
        File.Delete(indexes[0]);
        byte[] damaged = File.ReadAllBytes(indexes[1]);
        damaged[20] ^= 1;
        File.WriteAllBytes(indexes[1], damaged);
        File.WriteAllBytes(indexes[2], File.ReadAllBytes(indexes[2])[..10]);
        using var log = PartitionLog.Open(dir.Path, Small);
        Assert.Equal(indexes[..3], log.Recovery.RebuiltIndexes.Order());
        AssertIntactPrefix(log, 300);
        Assert.All(indexes, p => Assert.True(File.Exists(p)));
    }

    [Fact]
    public async Task A_tail_segment_whose_header_never_reached_disk_is_rewritten()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 10);
        string torn = Path.Combine(dir.Path, $"{10:D20}.seg");
        await File.WriteAllBytesAsync(torn, new byte[5]);
        using var log = PartitionLog.Open(dir.Path, Small);
        Assert.True(log.Recovery.RewroteTornSegmentHeader);
        Assert.Equal(10, await log.AppendAsync(Payload.For(10)));
        AssertIntactPrefix(log, 11);
    }

    [Fact]
    public async Task A_zeroed_header_of_a_tail_segment_holding_records_is_rewritten_and_every_record_kept()
    {
        using var dir = new TempDirectory();
        string tail = await WriteLog(dir, 300);
        long first;
        using (PartitionLog before = PartitionLog.Open(dir.Path, Small))
        {
            first = before.Segments[^1].BaseSequence;
        }
        using (var f = new FileStream(tail, FileMode.Open))
        {
            f.Write(new byte[32]);
        }

        using var log = PartitionLog.Open(dir.Path, Small);

        Assert.True(log.Recovery.RewroteTornSegmentHeader);
        Assert.Equal(300 - first, log.Recovery.RecordsKeptAfterRewrittenHeader);
        Assert.True(log.Recovery.RecordsKeptAfterRewrittenHeader > 0);
        AssertIntactPrefix(log, 300);
    }

    [Fact]
    public async Task A_deleted_tail_segment_refuses_to_open_naming_the_lost_sequences()
    {
        using var dir = new TempDirectory();
        string tail = await WriteLog(dir, 300);
        long tailBase = long.Parse(Path.GetFileNameWithoutExtension(tail), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(tail);

        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));

        Assert.Contains($"records from sequence {tailBase} on are lost", ex.Message, StringComparison.Ordinal);
        Assert.Equal(tail, ex.FilePath);
    }

    [Fact]
    public async Task A_log_reopened_after_many_rolls_opens_cleanly_with_its_tail_marker()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        using (PartitionLog log = PartitionLog.Open(dir.Path, Small))
        {
            Assert.True(log.Segments.Count > 2);
            await log.AppendAsync(Payload.For(300));
        }
        using PartitionLog reopened = PartitionLog.Open(dir.Path, Small);
        AssertIntactPrefix(reopened, 301);
    }

    [Fact]
    public async Task A_missing_segment_in_the_middle_is_reported_as_a_gap()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = Directory.GetFiles(dir.Path, "*.seg").Order().ToArray();
        File.Move(segments[1], segments[1] + ".moved");
        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(segments[0], ex.FilePath);
    }
}
