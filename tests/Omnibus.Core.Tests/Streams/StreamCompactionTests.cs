using Omnibus.Core.Streams;
using static Omnibus.Core.Tests.Streams.StreamHarness;

namespace Omnibus.Core.Tests.Streams;

public class StreamCompactionTests
{
    private static readonly string Filler = new('c', 500);

    // 30 values cycling over keys k0..k2 (offsets 0-29), a tombstone for k0 (30), then ten
    // distinct pad keys (31-40) so the tombstone lies in a sealed segment.
    private static async Task<MessageStream> Fill(StreamHarness h)
    {
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "table", Compacted = true, SegmentBytes = 4096, DeleteRetention = TimeSpan.FromHours(1) });
        for (int i = 0; i < 30; i++)
        {
            await stream.AppendAsync(0, [Text($"{i}:{Filler}", $"k{i % 3}")]);
        }
        await stream.AppendAsync(0, [Tombstone("k0")]);
        for (int i = 0; i < 10; i++)
        {
            await stream.AppendAsync(0, [Text($"pad{i}:{Filler}", $"pad{i}")]);
        }
        return stream;
    }

    [Fact]
    public async Task Compaction_keeps_the_latest_record_per_key_and_leaves_offset_gaps()
    {
        using var h = new StreamHarness();
        MessageStream stream = await Fill(h);
        long sizeBefore = stream.SizeInBytes(0);

        await h.Streams.SweepAsync();

        IReadOnlyList<StreamEntry> all = await ReadAll(stream);
        Assert.Equal([28L, 29L, 30L, 31L, 32L, 33L, 34L, 35L, 36L, 37L, 38L, 39L, 40L], all.Select(e => e.Offset));
        Assert.Equal("k1", KeyOf(all[0]));
        Assert.StartsWith("28:", ValueOf(all[0]));
        Assert.Null(ValueOf(all[2])); // the tombstone stays for the delete retention
        Assert.True(stream.SizeInBytes(0) < sizeBefore / 2, $"{stream.SizeInBytes(0)} of {sizeBefore} bytes left");
        Assert.Equal(0, stream.EarliestOffset(0));
        Assert.Equal(41, stream.HighWatermark(0));

        StreamReadResult fromGap = await stream.ReadAsync(new StreamReadRequest { Offset = 5, MaxCount = 1 });
        Assert.Equal(28, Assert.Single(fromGap.Entries).Offset);
        Assert.Equal(29, fromGap.NextOffset);
        Assert.Equal(28, stream.FindOffsetAtTime(0, 0)!.Offset);
    }

    [Fact]
    public async Task Compacted_segments_survive_a_restart()
    {
        using var h = new StreamHarness();
        await Fill(h);
        await h.Streams.SweepAsync();
        h.Restart();
        MessageStream stream = h.Streams.Get("table");
        Assert.Equal(13, (await ReadAll(stream)).Count);
        await stream.AppendAsync(0, [Text("after", "k1")]);
        Assert.Equal(41, (await ReadAll(stream))[^1].Offset);
    }

    [Fact]
    public async Task A_tombstone_is_removed_once_its_delete_retention_has_passed()
    {
        using var h = new StreamHarness();
        MessageStream stream = await Fill(h);
        await h.Streams.SweepAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(59));
        await h.Streams.SweepAsync();
        Assert.Contains(await ReadAll(stream), e => KeyOf(e) == "k0");

        h.Clock.Advance(TimeSpan.FromMinutes(2));
        await h.Streams.SweepAsync();

        IReadOnlyList<StreamEntry> all = await ReadAll(stream);
        Assert.DoesNotContain(all, e => KeyOf(e) == "k0");
        Assert.Equal([28L, 29L], all.Take(2).Select(e => e.Offset));
    }

    [Fact]
    public async Task A_stream_that_is_not_compacted_keeps_every_record()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "log", SegmentBytes = 4096 });
        for (int i = 0; i < 20; i++)
        {
            await stream.AppendAsync(0, [Text(Filler, "same")]);
        }
        await h.Streams.SweepAsync();
        Assert.Equal(20, (await ReadAll(stream)).Count);
    }
}
