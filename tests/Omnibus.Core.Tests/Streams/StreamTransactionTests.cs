using Omnibus.Core.Streams;
using static Omnibus.Core.Tests.Streams.StreamHarness;

namespace Omnibus.Core.Tests.Streams;

public class StreamTransactionTests
{
    private static readonly StreamTransaction First = new(100, 2), Second = new(200, 0);

    private static StreamRecord InTransaction(StreamTransaction transaction, string value) => Text(value) with { Transaction = transaction };

    private static StreamRecord Marker(StreamTransaction transaction, StreamTransactionOutcome outcome) => new() { Transaction = transaction, Marker = outcome };

    private static async Task<List<string?>> ReadCommitted(MessageStream stream) =>
        [.. (await stream.ReadAsync(new StreamReadRequest { Offset = stream.EarliestOffset(0), CommittedOnly = true })).Entries.Where(e => e.Record.Marker is null).Select(ValueOf)];

    [Fact]
    public async Task Transactional_records_and_markers_are_read_back_with_their_producer_and_outcome()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [Text("plain")]);
        await stream.AppendAsync(0, [InTransaction(First, "a"), InTransaction(First, "b")]);
        await stream.AppendAsync(0, [Marker(First, StreamTransactionOutcome.Committed)]);

        IReadOnlyList<StreamEntry> all = await ReadAll(stream);

        Assert.Null(all[0].Record.Transaction);
        Assert.Equal(First, all[1].Record.Transaction);
        Assert.Null(all[1].Record.Marker);
        Assert.Equal("b", ValueOf(all[2]));
        Assert.Equal(First, all[3].Record.Transaction);
        Assert.Equal(StreamTransactionOutcome.Committed, all[3].Record.Marker);
    }

    [Fact]
    public async Task An_open_transaction_holds_the_last_stable_offset_at_its_first_record_until_its_marker()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [Text("plain")]);
        await stream.AppendAsync(0, [InTransaction(First, "a")]);
        await stream.AppendAsync(0, [Text("later")]);
        Assert.Equal(1, stream.LastStableOffset(0));
        Assert.Equal(["plain"], await ReadCommitted(stream));
        Assert.Equal(new StreamOpenTransaction(First.ProducerId, First.ProducerEpoch, 1), Assert.Single(stream.OpenTransactions(0)));

        await stream.AppendAsync(0, [Marker(First, StreamTransactionOutcome.Committed)]);

        Assert.Equal(4, stream.LastStableOffset(0));
        Assert.Empty(stream.OpenTransactions(0));
        Assert.Equal(["plain", "a", "later"], await ReadCommitted(stream));
    }

    [Fact]
    public async Task A_committed_read_leaves_out_aborted_records_but_keeps_other_producers_and_the_markers()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [InTransaction(First, "void")]);
        await stream.AppendAsync(0, [InTransaction(Second, "kept")]);
        await stream.AppendAsync(0, [Marker(First, StreamTransactionOutcome.Aborted)]);
        await stream.AppendAsync(0, [Marker(Second, StreamTransactionOutcome.Committed)]);

        StreamReadResult read = await stream.ReadAsync(new StreamReadRequest { CommittedOnly = true });

        Assert.Equal([1L, 2L, 3L], read.Entries.Select(e => e.Offset));
        Assert.Equal("kept", ValueOf(read.Entries[0]));
        Assert.Equal(4, read.LastStableOffset);
        Assert.Equal(4, read.NextOffset);
        Assert.Equal(4, (await ReadAll(stream)).Count); // every record is still there for uncommitted reads
    }

    [Fact]
    public async Task After_a_restart_the_transactions_are_rebuilt_from_the_log()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [InTransaction(First, "void")]);
        await stream.AppendAsync(0, [Marker(First, StreamTransactionOutcome.Aborted)]);
        await stream.AppendAsync(0, [Text("plain")]);
        await stream.AppendAsync(0, [InTransaction(Second, "open")]);

        h.Restart();
        stream = h.Streams.Get("s");

        Assert.Equal(3, stream.LastStableOffset(0));
        Assert.Equal(["plain"], await ReadCommitted(stream));
        Assert.Equal(Second.ProducerId, Assert.Single(stream.OpenTransactions(0)).ProducerId);
        await stream.AppendAsync(0, [Marker(Second, StreamTransactionOutcome.Committed)]);
        Assert.Equal(["plain", "open"], await ReadCommitted(stream));
    }

    [Fact]
    public async Task A_compacted_stream_takes_markers_without_a_key_and_appends_mixing_producers_or_plain_records_or_a_marker_without_its_transaction_are_refused()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", Compacted = true });
        await stream.AppendAsync(0, [Text("v", key: "k") with { Transaction = First }]);
        await stream.AppendAsync(0, [Marker(First, StreamTransactionOutcome.Committed)]);
        Assert.Equal(2, stream.LastStableOffset(0));

        var mixed = await Assert.ThrowsAsync<MessagingException>(() => stream.AppendAsync(0, [Text("a", "k") with { Transaction = First }, Text("b", "k") with { Transaction = Second }]));
        Assert.Equal(MessagingErrorCode.InvalidArgument, mixed.Code);
        var half = await Assert.ThrowsAsync<MessagingException>(() => stream.AppendAsync(0, [Text("a", "k"), Text("b", "k") with { Transaction = First }]));
        Assert.Equal(MessagingErrorCode.InvalidArgument, half.Code);
        var ownerless = await Assert.ThrowsAsync<MessagingException>(() => stream.AppendAsync(0, [new StreamRecord { Marker = StreamTransactionOutcome.Committed }]));
        Assert.Equal(MessagingErrorCode.InvalidArgument, ownerless.Code);
        Assert.Equal(2, stream.HighWatermark(0));
    }

    [Fact]
    public async Task A_committed_read_that_waits_wakes_when_the_marker_arrives()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [InTransaction(First, "a")]);
        Task<StreamReadResult> waiting = stream.ReadAsync(new StreamReadRequest { CommittedOnly = true, MaxWait = TimeSpan.FromMinutes(1) });
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        await stream.AppendAsync(0, [Marker(First, StreamTransactionOutcome.Committed)]);

        StreamReadResult read = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("a", ValueOf(read.Entries[0]));
    }
}
