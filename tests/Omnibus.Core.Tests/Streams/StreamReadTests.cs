using System.Text;
using Omnibus.Core.Streams;
using static Omnibus.Core.Tests.Streams.StreamHarness;

namespace Omnibus.Core.Tests.Streams;

public class StreamReadTests
{
    [Fact]
    public async Task Records_are_read_back_by_offset_with_key_value_timestamp_and_ordered_headers()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "events" });
        var record = new StreamRecord
        {
            Key = [1, 2],
            Value = Encoding.UTF8.GetBytes("hello"),
            Timestamp = 1234,
            Headers = [new StreamHeader("a", [9]), new StreamHeader("a", null), new StreamHeader("b", [])],
        };
        Assert.Equal(0, await stream.AppendAsync(0, [Text("zero")]));
        Assert.Equal(1, await stream.AppendAsync(0, [record, Text("two")]));

        StreamReadResult result = await stream.ReadAsync(new StreamReadRequest { Offset = 1 });

        Assert.Equal([1L, 2L], result.Entries.Select(e => e.Offset));
        StreamRecord read = result.Entries[0].Record;
        Assert.Equal(record.Key, read.Key);
        Assert.Equal(record.Value, read.Value);
        Assert.Equal(1234, read.Timestamp);
        Assert.Equal(["a", "a", "b"], read.Headers.Select(x => x.Name));
        Assert.Equal([9], read.Headers[0].Value!);
        Assert.Null(read.Headers[1].Value);
        Assert.Empty(read.Headers[2].Value!);
        Assert.Equal(h.Clock.GetUtcNow().ToUnixTimeMilliseconds(), result.Entries[0].AppendTimeMs);
        Assert.Equal(3, result.NextOffset);
        Assert.Equal(0, result.EarliestOffset);
        Assert.Equal(3, result.HighWatermark);
    }

    [Fact]
    public async Task Earliest_and_latest_offsets_are_the_log_start_and_the_next_offset_to_be_written()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", PartitionCount = 2 });
        await stream.AppendAsync(1, [Text("a"), Text("b")]);
        Assert.Equal(0, stream.EarliestOffset(1));
        Assert.Equal(2, stream.HighWatermark(1));
        Assert.Equal(0, stream.HighWatermark(0));
    }

    [Fact]
    public async Task A_read_stops_at_the_byte_budget_but_always_returns_the_first_record_whole()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [.. Enumerable.Range(0, 10).Select(i => Text(new string('x', 100)))]);
        int size = (await stream.ReadAsync(new StreamReadRequest { MaxCount = 1 })).Entries[0].StoredBytes;

        StreamReadResult three = await stream.ReadAsync(new StreamReadRequest { MaxBytes = (size * 3) + 10 });
        StreamReadResult oversized = await stream.ReadAsync(new StreamReadRequest { Offset = 4, MaxBytes = 1 });
        StreamReadResult counted = await stream.ReadAsync(new StreamReadRequest { Offset = 2, MaxCount = 2 });

        Assert.Equal([0L, 1L, 2L], three.Entries.Select(e => e.Offset));
        Assert.Equal(3, three.NextOffset);
        Assert.Equal([4L], oversized.Entries.Select(e => e.Offset));
        Assert.Equal([2L, 3L], counted.Entries.Select(e => e.Offset));
    }

    [Fact]
    public async Task An_offset_outside_the_partition_is_refused_as_out_of_range()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [Text("a")]);
        var past = await Assert.ThrowsAsync<MessagingException>(() => stream.ReadAsync(new StreamReadRequest { Offset = 2 }));
        var negative = await Assert.ThrowsAsync<MessagingException>(() => stream.ReadAsync(new StreamReadRequest { Offset = -1 }));
        var partition = await Assert.ThrowsAsync<MessagingException>(() => stream.ReadAsync(new StreamReadRequest { Partition = 1 }));
        Assert.Equal(MessagingErrorCode.OffsetOutOfRange, past.Code);
        Assert.Equal(MessagingErrorCode.OffsetOutOfRange, negative.Code);
        Assert.Equal(MessagingErrorCode.EntityNotFound, partition.Code);
        Assert.Empty((await stream.ReadAsync(new StreamReadRequest { Offset = 1 })).Entries);
    }

    [Fact]
    public async Task A_timestamp_finds_the_first_record_appended_at_or_after_it_across_segments_and_index_entries()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", SegmentBytes = 1024 * 1024 });
        long start = h.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        string big = new('v', 10_000);
        for (int i = 0; i < 250; i++)
        {
            await stream.AppendAsync(0, [Text(big)]);
            h.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, stream.FindOffsetAtTime(0, start - 5000)!.Offset);
        Assert.Equal(0, stream.FindOffsetAtTime(0, start)!.Offset);
        Assert.Equal(3, stream.FindOffsetAtTime(0, start + 2500)!.Offset);
        StreamOffsetAtTime late = stream.FindOffsetAtTime(0, start + 200_000)!;
        Assert.Equal(200, late.Offset);
        Assert.Equal(start + 200_000, late.AppendTimeMs);
        Assert.Equal(249, stream.FindOffsetAtTime(0, start + 249_000)!.Offset);
        Assert.Null(stream.FindOffsetAtTime(0, start + 250_000));
        h.Restart(); // the sealed segments' index files are read back
        Assert.Equal(123, h.Streams.Get("s").FindOffsetAtTime(0, start + 122_001)!.Offset);
    }

    [Fact]
    public async Task Stream_names_are_case_sensitive_and_their_definitions_survive_a_restart()
    {
        using var h = new StreamHarness();
        h.Streams.Create(new StreamDefinition { Name = "Orders", PartitionCount = 3, RetentionAge = TimeSpan.FromHours(1) });
        MessageStream lower = h.Streams.Create(new StreamDefinition { Name = "orders" });
        await lower.AppendAsync(0, [Text("x")]);
        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, Assert.Throws<MessagingException>(() => h.Streams.Create(new StreamDefinition { Name = "Orders" })).Code);
        h.Restart();
        Assert.Equal(["Orders", "orders"], h.Streams.List().Select(d => d.Name));
        Assert.Equal(3, h.Streams.Get("Orders").PartitionCount);
        Assert.Equal(TimeSpan.FromHours(1), h.Streams.Get("Orders").Definition.RetentionAge);
        Assert.Equal(0, h.Streams.Get("Orders").HighWatermark(0));
        Assert.Equal(1, h.Streams.Get("orders").HighWatermark(0));
        Assert.Equal(MessagingErrorCode.EntityNotFound, Assert.Throws<MessagingException>(() => h.Streams.Get("ORDERS")).Code);
    }

    [Fact]
    public async Task Bad_definitions_are_refused_and_nothing_is_created()
    {
        using var h = new StreamHarness();
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => h.Streams.Create(new StreamDefinition { Name = "a/b" })).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => h.Streams.Create(new StreamDefinition { Name = "s", PartitionCount = 0 })).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => h.Streams.Create(new StreamDefinition { Name = "s", RetentionBytesPerPartition = 0 })).Code);
        Assert.Empty(h.Streams.List());
        MessageStream compacted = h.Streams.Create(new StreamDefinition { Name = "c", Compacted = true });
        var keyless = await Assert.ThrowsAsync<MessagingException>(() => compacted.AppendAsync(0, [Text("no key")]));
        Assert.Equal(MessagingErrorCode.InvalidArgument, keyless.Code);
        Assert.Equal(0, compacted.HighWatermark(0));
    }

    [Fact]
    public async Task A_deleted_stream_loses_its_records_and_its_group_offsets()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [Text("a")]);
        await h.Streams.CommitOffsetAsync("g", "s", 0, 1);
        await h.Streams.DeleteAsync("s");
        MessageStream again = h.Streams.Create(new StreamDefinition { Name = "s" });
        Assert.Equal(0, again.HighWatermark(0));
        Assert.Null(h.Streams.FetchOffset("g", "s", 0));
    }
}
