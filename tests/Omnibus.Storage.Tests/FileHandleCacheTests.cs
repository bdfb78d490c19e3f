using Microsoft.Extensions.Time.Testing;

namespace Omnibus.Storage.Tests;

public class FileHandleCacheTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_idle_log_holds_no_segment_handle_and_reads_and_appends_after_it_was_closed()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        using var cache = new FileHandleCache(64, TimeSpan.FromSeconds(30), clock);
        var options = new LogOptions { SegmentSize = 8 * 1024, FileHandles = cache };
        using (var log = PartitionLog.Open(dir.Path, options))
        {
            for (int i = 0; i < 300; i++)
            {
                await log.AppendAsync(Payload.For(i));
            }
            Assert.True(log.Segments.Count > 3);
            Assert.Equal(log.Segments.Count, cache.OpenCount);

            clock.Advance(TimeSpan.FromSeconds(31)); // the cache's own sweep runs on this clock
            Assert.Equal(0, cache.OpenCount);

            Assert.Equal(Payload.For(5), log.ReadOne(5)!.Body);
            Assert.Equal(300, await log.AppendAsync(Payload.For(300)));
            Assert.Equal(2, cache.OpenCount); // the segment read and the active one written
            using LogReader reader = log.OpenReader(0);
            for (int i = 0; i <= 300; i++)
            {
                Assert.True(reader.TryRead(out LogRecord record));
                Assert.Equal(Payload.For(i), record.Body.ToArray());
            }
        }
        Assert.Equal(0, cache.OpenCount);
        using var reopened = PartitionLog.Open(dir.Path, options);
        Assert.Equal(301, reopened.NextSequence);
    }

    [Fact]
    public async Task Logs_sharing_a_cache_keep_at_most_its_budget_of_handles_open()
    {
        using var dir = new TempDirectory();
        using var cache = new FileHandleCache(16, Timeout.InfiniteTimeSpan);
        var options = new LogOptions { SegmentSize = 4096, FileHandles = cache };
        var logs = new List<PartitionLog>();
        try
        {
            for (int l = 0; l < 40; l++)
            {
                var log = PartitionLog.Open(Path.Combine(dir.Path, l.ToString(System.Globalization.CultureInfo.InvariantCulture)), options);
                logs.Add(log);
                for (int i = 0; i < 60; i++)
                {
                    await log.AppendAsync(Payload.For(i));
                }
                Assert.True(cache.OpenCount <= 16, $"{cache.OpenCount} handles open after log {l}");
            }
            Assert.True(cache.ClosedCount > 0);
            foreach (PartitionLog log in logs)
            {
                IReadOnlyList<StoredRecord> all = log.Read(0, 100);
                Assert.Equal(60, all.Count);
                Assert.Equal(Payload.For(59), all[59].Body);
                Assert.True(cache.OpenCount <= 16);
            }
        }
        finally
        {
            foreach (PartitionLog log in logs)
            {
                log.Dispose();
            }
        }
        Assert.Equal(0, cache.OpenCount);
    }

    [Fact]
    public async Task A_reader_inside_a_segment_deleted_while_its_handle_was_closed_finishes_reading_it()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        using var cache = new FileHandleCache(64, TimeSpan.FromSeconds(30), clock);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentSize = 8 * 1024, FileHandles = cache });
        for (int i = 0; i < 300; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        using LogReader reader = log.OpenReader(0);
        Assert.True(reader.TryRead(out LogRecord first));
        Assert.Equal(Payload.For(0), first.Body.ToArray());
        clock.Advance(TimeSpan.FromSeconds(31));

        long secondSegment = log.Segments[1].BaseSequence;
        Assert.Equal(1, log.DeleteSegmentsBefore(secondSegment));
        Assert.False(File.Exists(Path.Combine(dir.Path, $"{0:D20}.seg")));

        for (int i = 1; i < 300; i++)
        {
            Assert.True(reader.TryRead(out LogRecord record));
            Assert.Equal(Payload.For(i), record.Body.ToArray());
        }
    }

    [Fact]
    public async Task A_segment_deleted_while_its_handle_was_closed_and_no_reader_was_inside_is_gone_for_good()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        using var cache = new FileHandleCache(64, TimeSpan.FromSeconds(30), clock);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentSize = 8 * 1024, FileHandles = cache });
        for (int i = 0; i < 300; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        clock.Advance(TimeSpan.FromSeconds(31));
        int segments = log.Segments.Count;
        Assert.Equal(segments - 1, log.DeleteSegmentsBefore(long.MaxValue - 1));
        Assert.Equal(0, cache.OpenCount);
        Assert.Single(Directory.GetFiles(dir.Path, "*.seg"));
        Assert.Equal(300, await log.AppendAsync(Payload.For(300)));
    }

    [Fact]
    public async Task Compaction_of_a_segment_whose_handle_was_closed_keeps_the_records_it_must_keep()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        using var cache = new FileHandleCache(64, TimeSpan.FromSeconds(30), clock);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentSize = 8 * 1024, FileHandles = cache });
        for (int i = 0; i < 300; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, cache.OpenCount);

        Assert.True(log.CompactSegment(0, record => record.Sequence % 2 == 0) > 0);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(Payload.For(4), log.ReadOne(4)!.Body);
        Assert.Equal(Payload.For(299), log.ReadOne(299)!.Body);
    }

    [Fact]
    public void Logs_under_a_locked_directory_need_no_lock_file_of_their_own_and_still_open_only_once()
    {
        using var dir = new TempDirectory();
        using (DirectoryLock.Acquire(dir.Path))
        {
            string logDir = Path.Combine(dir.Path, "queues", "a");
            using (PartitionLog.Open(logDir))
            {
                Assert.False(File.Exists(Path.Combine(logDir, DirectoryLock.FileName)));
                Assert.Throws<StorageException>(() => PartitionLog.Open(logDir));
            }
            using PartitionLog again = PartitionLog.Open(logDir);
            Assert.Throws<StorageException>(() => DirectoryLock.Acquire(dir.Path));
        }
        using DirectoryLock relocked = DirectoryLock.Acquire(dir.Path);
    }

    [Fact]
    public void A_log_opened_on_its_own_still_locks_its_directory_with_a_lock_file()
    {
        using var dir = new TempDirectory();
        using (PartitionLog.Open(dir.Path))
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, DirectoryLock.FileName)));
            Assert.Throws<StorageException>(() => PartitionLog.Open(dir.Path));
        }
    }
}
