using Microsoft.Extensions.Time.Testing;

namespace Omnibus.Storage.Tests;

/// <summary>The log contract: every test here runs against the file store and the memory store.</summary>
public abstract class RetentionTests
{
    protected abstract ILogStore Store { get; }

    [Fact]
    public async Task Size_retention_deletes_whole_segments_from_the_head_and_never_the_active_one()
    {
        using var dir = new TempDirectory();
        var options = new LogOptions { SegmentSize = 8 * 1024, Retention = new RetentionPolicy { MaxBytes = 20 * 1024 } };
        using var log = Store.OpenLog(dir.Path, options);
        for (int i = 0; i < 1000; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        Assert.True(log.SizeInBytes <= 20 * 1024 + 8 * 1024, $"size {log.SizeInBytes}");
        Assert.True(log.FirstSequence > 0);
        Assert.Equal(log.FirstSequence, log.Segments[0].BaseSequence);
        Assert.Equal(1000, log.NextSequence);
        Assert.Equal(Payload.For(log.FirstSequence), log.ReadOne(log.FirstSequence)!.Body);
        Assert.Null(log.ReadOne(log.FirstSequence - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.OpenReader(0));
        if (Store.IsDurable)
        {
            Assert.Equal(log.Segments.Count, Directory.GetFiles(dir.Path, "*.seg").Length);
        }
    }

    [Fact]
    public async Task Age_retention_deletes_segments_whose_newest_record_is_older_than_the_limit()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = new LogOptions { SegmentSize = 4096, TimeProvider = clock, Retention = new RetentionPolicy { MaxAge = TimeSpan.FromHours(1) } };
        using var log = Store.OpenLog(dir.Path, options);
        for (int i = 0; i < 100; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        int before = log.Segments.Count;
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, log.EnforceRetention());
        await log.AppendAsync(Payload.For(100));
        clock.Advance(TimeSpan.FromMinutes(2));
        int deleted = log.EnforceRetention();
        Assert.Equal(before - 1, deleted);
        Assert.Single(log.Segments);
        Assert.Equal(101, log.NextSequence);
        // The surviving segment reopens at its own base sequence.
        long first = log.FirstSequence;
        log.Dispose();
        using var reopened = Store.OpenLog(dir.Path, options);
        Assert.Equal(first, reopened.FirstSequence);
        Assert.Equal(101, reopened.NextSequence);
    }

    [Fact]
    public async Task Consumed_segments_are_deleted_up_to_the_lowest_needed_sequence()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, new LogOptions { SegmentSize = 8 * 1024 });
        for (int i = 0; i < 500; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        IReadOnlyList<SegmentInfo> segments = log.Segments;
        long cut = segments[2].BaseSequence + 1; // inside the third segment
        Assert.Equal(2, log.DeleteSegmentsBefore(cut));
        Assert.Equal(segments[2].BaseSequence, log.FirstSequence);
        Assert.Equal(0, log.DeleteSegmentsBefore(long.MaxValue - 1) - (segments.Count - 3));
        Assert.Single(log.Segments);
        Assert.Equal(500, await log.AppendAsync(new byte[] { 1 }));
    }

    [Fact]
    public async Task A_reader_inside_a_deleted_segment_finishes_reading_it()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, new LogOptions { SegmentSize = 8 * 1024 });
        for (int i = 0; i < 300; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        long end = log.Segments[0].NextSequence;
        using ILogReader reader = log.OpenReader(0);
        Assert.True(reader.TryRead(out _));
        log.DeleteSegmentsBefore(end);
        Assert.False(File.Exists(log.Segments[0].Path.Replace(log.Segments[0].BaseSequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture), "00000000000000000000", StringComparison.Ordinal)));
        for (long s = 1; s < end; s++)
        {
            Assert.True(reader.TryRead(out LogRecord record));
            Assert.Equal(Payload.For(s), record.Body.ToArray());
        }
    }
}

public sealed class FileRetentionTests : RetentionTests
{
    protected override ILogStore Store => FileLogStore.Instance;
}

public sealed class MemoryRetentionTests : RetentionTests
{
    protected override ILogStore Store { get; } = new Memory.MemoryLogStore();
}
