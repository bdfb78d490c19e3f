using Omnibus.Core.Streams;
using static Omnibus.Core.Tests.Streams.StreamHarness;

namespace Omnibus.Core.Tests.Streams;

public class StreamLongPollTests
{
    [Fact]
    public async Task A_waiting_read_wakes_when_a_record_is_appended()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        Task<StreamReadResult> read = stream.ReadAsync(new StreamReadRequest { MaxWait = TimeSpan.FromMinutes(5) });
        Assert.False(read.IsCompleted);

        await stream.AppendAsync(0, [Text("late")]);

        StreamReadResult result = await read.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("late", ValueOf(Assert.Single(result.Entries)));
    }

    [Fact]
    public async Task A_waiting_read_answers_empty_when_the_wait_ends()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        Task<StreamReadResult> read = stream.ReadAsync(new StreamReadRequest { MaxWait = TimeSpan.FromSeconds(5) });
        h.Clock.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(50);
        Assert.False(read.IsCompleted);

        h.Clock.Advance(TimeSpan.FromSeconds(1));

        StreamReadResult result = await read.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(result.Entries);
        Assert.Equal(0, result.NextOffset);
    }

    [Fact]
    public async Task A_read_waits_for_min_bytes_across_appends_and_then_returns_them_all()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        Task<StreamReadResult> read = stream.ReadAsync(new StreamReadRequest { MinBytes = 150, MaxWait = TimeSpan.FromMinutes(1) });
        await stream.AppendAsync(0, [Text(new string('a', 100))]);
        await Task.Delay(50);
        Assert.False(read.IsCompleted);

        await stream.AppendAsync(0, [Text(new string('b', 100))]);

        StreamReadResult result = await read.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([0L, 1L], result.Entries.Select(e => e.Offset));
    }

    [Fact]
    public async Task A_waiting_read_is_cancellable()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        using var cancel = new CancellationTokenSource();
        Task<StreamReadResult> read = stream.ReadAsync(new StreamReadRequest { MaxWait = TimeSpan.FromMinutes(5) }, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_wait_over_several_partitions_ends_with_an_append_to_any_of_them()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", PartitionCount = 3 });
        Task any = Task.WhenAny(stream.NextAppend(0), stream.NextAppend(1), stream.NextAppend(2));
        Assert.False(any.IsCompleted);
        await stream.AppendAsync(2, [Text("x")]);
        await any.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_read_with_records_already_there_does_not_wait()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [Text("here")]);
        StreamReadResult result = await stream.ReadAsync(new StreamReadRequest { MaxWait = TimeSpan.FromMinutes(5) }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(result.Entries);
    }
}
