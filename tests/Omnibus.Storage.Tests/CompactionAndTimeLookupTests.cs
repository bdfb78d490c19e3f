using Microsoft.Extensions.Time.Testing;

namespace Omnibus.Storage.Tests;

/// <summary>The log contract: every test here runs against the file store and the memory store.</summary>
public abstract class CompactionAndTimeLookupTests
{
    protected abstract ILogStore Store { get; }

    [Fact]
    public async Task Compacting_a_segment_empties_the_refused_bodies_keeps_every_sequence_and_survives_reopening()
    {
        using var dir = new TempDirectory();
        var options = new LogOptions { SegmentSize = 8 * 1024, IndexInterval = 512 };
        var log = Store.OpenLog(dir.Path, options);
        for (int i = 0; i < 200; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        SegmentInfo first = log.Segments[0];

        long freed = log.CompactSegment(first.BaseSequence, r => r.Sequence % 2 == 0);

        Assert.True(freed > 0);
        Assert.True(log.Segments[0].Length < first.Length);
        Assert.Equal(first.NextSequence, log.Segments[0].NextSequence);
        AssertCompacted(log, first.NextSequence);
        Assert.Equal(0, log.CompactSegment(first.BaseSequence, r => r.Sequence % 2 == 0)); // nothing left to empty
        log.Dispose();

        using IPartitionLog reopened = Store.OpenLog(dir.Path, options);
        Assert.Empty(reopened.Recovery.RebuiltIndexes);
        Assert.Equal(200, reopened.NextSequence);
        AssertCompacted(reopened, first.NextSequence);
        Assert.Equal(200, await reopened.AppendAsync(Payload.For(200)));
    }

    private static void AssertCompacted(IPartitionLog log, long compactedEnd)
    {
        using ILogReader reader = log.OpenReader(0);
        for (long s = 0; s < 200; s++)
        {
            Assert.True(reader.TryRead(out LogRecord record));
            Assert.Equal(s, record.Sequence);
            byte[] expected = s < compactedEnd && s % 2 == 1 ? [] : Payload.For(s);
            Assert.Equal(expected, record.Body.ToArray());
        }
        // Seeking into the middle of the compacted segment goes through its new index.
        long lastOdd = (compactedEnd - 1) | 1;
        lastOdd = lastOdd >= compactedEnd ? lastOdd - 2 : lastOdd;
        Assert.Equal(Payload.For(lastOdd - 1), log.ReadOne(lastOdd - 1)!.Body);
        Assert.Empty(log.ReadOne(lastOdd)!.Body);
    }

    [Fact]
    public async Task A_reader_inside_a_segment_being_compacted_finishes_on_the_old_file()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, new LogOptions { SegmentSize = 8 * 1024 });
        for (int i = 0; i < 200; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        using ILogReader reader = log.OpenReader(0);
        Assert.True(reader.TryRead(out _));

        log.CompactSegment(0, _ => false);

        Assert.True(reader.TryRead(out LogRecord second));
        Assert.Equal(Payload.For(1), second.Body.ToArray());
        Assert.Empty(log.ReadOne(1)!.Body);
    }

    [Fact]
    public async Task Only_a_sealed_segment_can_be_compacted()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, new LogOptions { SegmentSize = 8 * 1024 });
        await log.AppendAsync(Payload.For(0));
        Assert.Throws<ArgumentException>(() => log.CompactSegment(0, _ => false));
        Assert.Equal(Payload.For(0), log.ReadOne(0)!.Body);
    }

    [Fact]
    public async Task The_first_record_at_or_after_a_time_is_found_through_the_sparse_index_and_after_reopening()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = new LogOptions { SegmentSize = 16 * 1024, IndexInterval = 512, TimeProvider = clock };
        long start = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var log = Store.OpenLog(dir.Path, options);
        for (int i = 0; i < 500; i++)
        {
            await log.AppendAsync(Payload.For(i));
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }
        Assert.True(log.Segments.Count > 3);
        for (int i = 0; i < 500; i += 37)
        {
            Assert.Equal(i, log.FindSequenceAtOrAfterTime(start + (i * 10)));
            Assert.Equal(i + 1, log.FindSequenceAtOrAfterTime(start + (i * 10) + 1));
        }
        Assert.Equal(0, log.FindSequenceAtOrAfterTime(0));
        Assert.Equal(500, log.FindSequenceAtOrAfterTime(start + 5000));
        log.Dispose();
        using IPartitionLog reopened = Store.OpenLog(dir.Path, options);
        Assert.Equal(321, reopened.FindSequenceAtOrAfterTime(start + 3205));
    }
}

public sealed class FileCompactionAndTimeLookupTests : CompactionAndTimeLookupTests
{
    protected override ILogStore Store => FileLogStore.Instance;
}

public sealed class MemoryCompactionAndTimeLookupTests : CompactionAndTimeLookupTests
{
    protected override ILogStore Store { get; } = new Memory.MemoryLogStore();
}
