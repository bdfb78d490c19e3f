using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Streams;

namespace Omnibus.Core.Tests.Streams;

/// <summary>Stream commits and group offsets in one core transaction: a crash after its commit point is completed at the next open.</summary>
public class StreamTransactionCommitTests
{
    private static readonly StreamTransaction Producer = new(42, 3);

    private sealed class SimulatedCrashException : Exception;

    private static async Task<MessageStream> TopicWithOpenTransaction(BrokerHarness h)
    {
        MessageStream stream = h.Broker.CreateTopicStream(new StreamDefinition { Name = "t", PartitionCount = 2 });
        for (int p = 0; p < 2; p++)
        {
            await h.Broker.AppendToTopicStreamAsync("t", p, [new StreamRecord { Value = [1], Transaction = Producer }]);
        }
        return stream;
    }

    private static TransactionOperation[] CommitBoth() =>
    [
        new TransactionStreamCommit("t", 0, Producer),
        new TransactionStreamCommit("t", 1, Producer),
        new TransactionOffsetCommit("g", [new OffsetCommit("t", 0, 5, "meta")]),
    ];

    [Fact]
    public async Task A_commit_writes_each_partitions_marker_and_the_offsets_and_sends_the_records_to_the_topics_subscriptions()
    {
        using var h = new BrokerHarness();
        MessageStream stream = await TopicWithOpenTransaction(h);
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        Assert.Empty(await h.Receive("t/subscriptions/s", 10));

        await h.Broker.CommitTransactionAsync(CommitBoth());

        Assert.Equal((2, 2), (stream.LastStableOffset(0), stream.LastStableOffset(1)));
        Assert.Equal(("meta", 5L), (h.Broker.Streams.FetchOffset("g", "t", 0)?.Metadata, h.Broker.Streams.FetchOffset("g", "t", 0)!.Offset));
        Assert.Equal(2, (await h.Receive("t/subscriptions/s", 10)).Count);
    }

    [Fact]
    public async Task A_crash_after_the_first_marker_is_completed_at_the_next_open_without_a_second_marker()
    {
        using var h = new BrokerHarness();
        await TopicWithOpenTransaction(h);
        h.Broker.BeforeApplyingTransactionOperation = i => i == 1 ? throw new SimulatedCrashException() : Task.CompletedTask;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => h.Broker.CommitTransactionAsync(CommitBoth()));
        MessageStream stream = h.Broker.Streams.Get("t");
        Assert.Equal((2, 0), (stream.LastStableOffset(0), stream.LastStableOffset(1)));
        Assert.Null(h.Broker.Streams.FetchOffset("g", "t", 0));

        h.Restart();

        Assert.Equal(1, h.Broker.RecoveredTransactions);
        stream = h.Broker.Streams.Get("t");
        Assert.Equal((2, 2), (stream.LastStableOffset(0), stream.LastStableOffset(1)));
        Assert.Equal((2, 2), (stream.HighWatermark(0), stream.HighWatermark(1)));
        Assert.Equal(5, h.Broker.Streams.FetchOffset("g", "t", 0)?.Offset);
    }

    [Fact]
    public async Task Recovery_does_not_commit_a_later_transaction_of_the_same_producer()
    {
        using var h = new BrokerHarness();
        await TopicWithOpenTransaction(h);
        h.Broker.BeforeApplyingTransactionOperation = i => i == 2 ? throw new SimulatedCrashException() : Task.CompletedTask;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => h.Broker.CommitTransactionAsync(CommitBoth()));
        // The producer's next transaction starts in partition 0 before the crash.
        await h.Broker.AppendToTopicStreamAsync("t", 0, [new StreamRecord { Value = [2], Transaction = Producer }]);

        h.Restart();

        MessageStream stream = h.Broker.Streams.Get("t");
        Assert.Equal((2, 2), (stream.LastStableOffset(0), stream.LastStableOffset(1)));
        Assert.Equal((3, 2), (stream.HighWatermark(0), stream.HighWatermark(1)));
        Assert.Equal(5, h.Broker.Streams.FetchOffset("g", "t", 0)?.Offset);
    }
}
