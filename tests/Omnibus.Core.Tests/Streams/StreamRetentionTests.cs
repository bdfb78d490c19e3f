using Omnibus.Core.Streams;
using static Omnibus.Core.Tests.Streams.StreamHarness;

namespace Omnibus.Core.Tests.Streams;

public class StreamRetentionTests
{
    private static readonly string Filler = new('r', 1000);

    [Fact]
    public async Task Segments_older_than_the_retention_age_are_deleted_and_the_earliest_offset_moves_forward()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", SegmentBytes = 4096, RetentionAge = TimeSpan.FromHours(1) });
        for (int i = 0; i < 12; i++)
        {
            await stream.AppendAsync(0, [Text(Filler)]);
        }
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        await h.Streams.SweepAsync();
        Assert.Equal(0, stream.EarliestOffset(0));

        h.Clock.Advance(TimeSpan.FromMinutes(31));
        for (int i = 0; i < 6; i++)
        {
            await stream.AppendAsync(0, [Text(Filler)]);
        }
        await h.Streams.SweepAsync();

        long earliest = stream.EarliestOffset(0);
        Assert.InRange(earliest, 9, 12);
        Assert.Equal(MessagingErrorCode.OffsetOutOfRange, (await Assert.ThrowsAsync<MessagingException>(() => stream.ReadAsync(new StreamReadRequest { Offset = 0 }))).Code);
        Assert.Equal(Enumerable.Range((int)earliest, 18 - (int)earliest).Select(i => (long)i), (await ReadAll(stream)).Select(e => e.Offset));
        h.Restart();
        Assert.Equal(earliest, h.Streams.Get("s").EarliestOffset(0));
    }

    [Fact]
    public async Task The_oldest_segments_go_while_a_partition_is_larger_than_its_size_limit()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", PartitionCount = 2, SegmentBytes = 4096, RetentionBytesPerPartition = 8192 });
        for (int i = 0; i < 40; i++)
        {
            await stream.AppendAsync(0, [Text(Filler)]);
        }
        await stream.AppendAsync(1, [Text(Filler)]);

        await h.Streams.SweepAsync();

        Assert.True(stream.SizeInBytes(0) <= 8192, $"partition 0 holds {stream.SizeInBytes(0)} bytes");
        long earliest = stream.EarliestOffset(0);
        Assert.True(earliest > 20, $"earliest is {earliest}");
        Assert.Equal(40 - earliest, (await ReadAll(stream)).Count);
        Assert.Equal(0, stream.EarliestOffset(1));
    }

    [Fact]
    public async Task Retention_set_later_applies_from_the_next_sweep()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", SegmentBytes = 4096 });
        for (int i = 0; i < 20; i++)
        {
            await stream.AppendAsync(0, [Text(Filler)]);
        }
        h.Clock.Advance(TimeSpan.FromDays(2));
        await h.Streams.SweepAsync();
        Assert.Equal(0, stream.EarliestOffset(0));

        h.Streams.Update(stream.Definition with { RetentionAge = TimeSpan.FromDays(1) });
        h.Restart();
        await h.Streams.SweepAsync();

        Assert.True(h.Streams.Get("s").EarliestOffset(0) > 0);
    }

    [Fact]
    public async Task The_sweep_timer_applies_retention_without_being_called()
    {
        string directory = Path.Combine(Path.GetTempPath(), "omnibus-stream-tests", Guid.NewGuid().ToString("N"));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        try
        {
            using StreamRegistry streams = StreamRegistry.Open(new StreamOptions { Store = TestStore.Current, DataDirectory = directory, TimeProvider = clock, SweepInterval = TimeSpan.FromMinutes(1) });
            MessageStream stream = streams.Create(new StreamDefinition { Name = "s", SegmentBytes = 4096, RetentionAge = TimeSpan.FromHours(1) });
            for (int i = 0; i < 12; i++)
            {
                await stream.AppendAsync(0, [Text(Filler)]);
            }

            clock.Advance(TimeSpan.FromMinutes(61));

            // The timer's sweep runs on the thread pool: wait for its effect (the clock does not move).
            for (int i = 0; i < 300 && stream.EarliestOffset(0) == 0; i++)
            {
                await Task.Delay(10);
            }
            Assert.True(stream.EarliestOffset(0) > 0);
        }
        finally
        {
            TestStore.Delete(directory);
        }
    }
}
