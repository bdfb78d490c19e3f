using Omnibus.Core.Streams;
using static Omnibus.Core.Tests.Streams.StreamHarness;

namespace Omnibus.Core.Tests.Streams;

public class StreamDeleteRecordsTests
{
    private static readonly string Filler = new('d', 1000);

    [Fact]
    public async Task Deleting_records_below_an_offset_moves_the_start_there_at_once_durably_and_the_sweep_frees_whole_segments()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", SegmentBytes = 4096, PartitionCount = 2 });
        for (int i = 0; i < 12; i++)
        {
            await stream.AppendAsync(0, [Text(Filler)]);
        }
        long sizeBefore = stream.SizeInBytes(0);

        Assert.Equal(7, h.Streams.DeleteRecordsBefore("s", 0, 7));
        Assert.Equal(7, stream.EarliestOffset(0));
        Assert.Equal(0, stream.EarliestOffset(1));
        Assert.Equal(MessagingErrorCode.OffsetOutOfRange, (await Assert.ThrowsAsync<MessagingException>(() => stream.ReadAsync(new StreamReadRequest { Offset = 6 }))).Code);
        Assert.Equal(Enumerable.Range(7, 5).Select(i => (long)i), (await ReadAll(stream)).Select(e => e.Offset));
        Assert.Equal(7, h.Streams.DeleteRecordsBefore("s", 0, 3)); // lower: nothing changes
        Assert.Equal(MessagingErrorCode.OffsetOutOfRange, Assert.Throws<MessagingException>(() => h.Streams.DeleteRecordsBefore("s", 0, 13)).Code);

        h.Streams.Update(stream.Definition with { RetentionAge = TimeSpan.FromDays(1), DeletedBefore = null });
        await h.Streams.SweepAsync();
        Assert.True(stream.SizeInBytes(0) < sizeBefore);
        Assert.Equal(7, stream.EarliestOffset(0));

        h.Restart();
        MessageStream reopened = h.Streams.Get("s");
        Assert.Equal(7, reopened.EarliestOffset(0));
        Assert.Equal(Enumerable.Range(7, 5).Select(i => (long)i), (await ReadAll(reopened)).Select(e => e.Offset));
    }
}
