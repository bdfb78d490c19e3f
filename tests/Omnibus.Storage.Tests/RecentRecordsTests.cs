namespace Omnibus.Storage.Tests;

public sealed class RecentRecordsTests
{
    [Fact]
    public async Task Recent_records_are_served_from_memory_older_ones_from_the_file_all_equal_to_what_was_appended()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentSize = 8 * 1024, IndexInterval = 512, RecentRecordsCacheBytes = 1000 });
        var appended = new List<byte[]>();
        for (int i = 0; i < 100; i++)
        {
            byte[] body = Payload.For(i, 100);
            appended.Add(body);
            await log.AppendAsync(body);
        }
        IReadOnlyList<StoredRecord?> got = log.ReadMany(Enumerable.Range(0, 100).Select(i => (long)i).ToArray());
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(appended[i], got[i]!.Body);
        }
        // The last ten fit the 1,000-byte budget and came from memory; the rest from the file.
        Assert.Equal(10, log.RecentRecordsServed);
        Assert.Equal(appended[99], log.ReadOne(99)!.Body);
        Assert.Equal(11, log.RecentRecordsServed);
        Assert.Equal(appended[50], log.ReadOne(50)!.Body);
        Assert.Equal(11, log.RecentRecordsServed);
    }

    [Fact]
    public async Task The_cache_grows_from_a_small_start_to_its_budget_and_then_keeps_the_newest_records()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { RecentRecordsCacheBytes = 1024 * 1024 });
        var appended = new List<byte[]>();
        for (int i = 0; i < 1500; i++)
        {
            byte[] body = Payload.For(i, 1000);
            appended.Add(body);
            await log.AppendAsync(body);
        }
        // 1,048 records of 1,000 bytes fit a 1 MiB ring, fewer than the 4,096 entries allowed: the
        // newest 1,048 are served from memory although the ring and the entry table started far smaller.
        long[] newest = Enumerable.Range(1500 - 1048, 1048).Select(i => (long)i).ToArray();
        IReadOnlyList<StoredRecord?> got = log.ReadMany(newest);
        for (int i = 0; i < newest.Length; i++)
        {
            Assert.Equal(appended[(int)newest[i]], got[i]!.Body);
        }
        Assert.Equal(1048, log.RecentRecordsServed);
        Assert.Equal(appended[100], log.ReadOne(100)!.Body);
        Assert.Equal(1048, log.RecentRecordsServed);
    }

    [Fact]
    public async Task A_body_that_is_a_slice_is_copied_and_one_larger_than_the_budget_is_not_kept()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { RecentRecordsCacheBytes = 4096 });
        byte[] backing = Payload.For(7, 300);
        await log.AppendAsync(backing.AsMemory(100, 50));
        byte[] huge = Payload.For(8, 10_000);
        await log.AppendAsync(huge);
        StoredRecord slice = log.ReadOne(0)!;
        Assert.Equal(backing.AsSpan(100, 50).ToArray(), slice.Body);
        StoredRecord big = log.ReadOne(1)!;
        Assert.Equal(huge, big.Body);
        Assert.NotSame(huge, big.Body);
    }

    [Fact]
    public async Task Records_deleted_by_retention_are_not_served_from_the_cache()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions
        {
            SegmentSize = 4096,
            RecentRecordsCacheBytes = 1024 * 1024,
            Retention = new RetentionPolicy { MaxBytes = 8 * 1024 },
        });
        for (int i = 0; i < 200; i++)
        {
            await log.AppendAsync(Payload.For(i, 200));
        }
        log.EnforceRetention();
        long first = log.FirstSequence;
        Assert.True(first > 0);
        Assert.Null(log.ReadOne(first - 1));
        Assert.Equal(Payload.For(first, 200), log.ReadOne(first)!.Body);
    }
}

public sealed class RecentRecordsRingTests
{
    [Theory]
    [InlineData(1000, 64, 7)]
    [InlineData(4096, 16, 123)]
    [InlineData(300, 1024, 1)]
    public void Every_record_still_cached_reads_back_exactly_as_appended_through_many_wraps(int budget, int capacity, int seed)
    {
        var cache = new RecentRecords(budget, capacity);
        var random = new Random(seed);
        var appended = new List<byte[]>();
        for (int i = 0; i < 5000; i++)
        {
            byte[] body = Payload.For(i, random.Next(0, budget / 3));
            appended.Add(body);
            cache.Add(i, i * 10L, body);
            // Everything still cached must be intact; the newest record is always cached.
            int cached = 0;
            for (int j = Math.Max(0, i - 200); j <= i; j++)
            {
                if (cache.TryGet(j) is StoredRecord r)
                {
                    cached++;
                    Assert.Equal(appended[j], r.Body);
                    Assert.Equal(j * 10L, r.TimestampMs);
                }
            }
            Assert.NotNull(cache.TryGet(i));
            Assert.True(cached <= capacity);
        }
    }
}
