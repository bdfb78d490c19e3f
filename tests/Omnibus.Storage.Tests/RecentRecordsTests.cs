namespace Omnibus.Storage.Tests;

public sealed class RecentRecordsTests
{
    [Fact]
    public async Task Recent_records_are_served_from_memory_older_ones_from_the_file_all_equal()
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
            // The last ten fit the 1,000-byte budget and come back as the very arrays appended.
            Assert.Equal(i >= 90, ReferenceEquals(appended[i], got[i]!.Body));
        }
        Assert.Same(appended[99], log.ReadOne(99)!.Body);
        Assert.NotSame(appended[50], log.ReadOne(50)!.Body);
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
