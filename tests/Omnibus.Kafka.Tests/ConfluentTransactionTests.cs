using Confluent.Kafka;
using Omnibus.Core.Streams;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

public sealed class ConfluentTransactionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RecordsOfACommittedTransactionAreReadByAReadCommittedConsumer()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IProducer<string?, string?> producer = TransactionalProducer(broker, "orders-writer"))
        {
            producer.InitTransactions(Patience);
            producer.BeginTransaction();
            for (int i = 0; i < 10; i++)
            {
                producer.Produce("orders", new Message<string?, string?> { Key = "k", Value = $"order-{i}" });
            }
            producer.CommitTransaction(Patience);
        }
        using (IProducer<string?, string?> plain = KafkaBroker.Producer(broker))
        {
            await plain.ProduceAsync("orders", new Message<string?, string?> { Key = "k", Value = "after" });
        }

        using IConsumer<string?, string?> consumer = Consumer(broker, IsolationLevel.ReadCommitted);
        consumer.Assign(new TopicPartitionOffset("orders", 0, Offset.Beginning));
        List<ConsumeResult<string?, string?>> got = KafkaBroker.ConsumeMany(consumer, 11);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"order-{i}"), "after"], got.Select(r => r.Message.Value));
        // Ten records, the commit marker, then the plain record.
        Assert.Equal(11, got[^1].Offset.Value);
    }

    [Fact]
    public async Task AnAbortedTransactionIsNeverSeenReadCommittedButIsSeenReadUncommitted()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IProducer<string?, string?> producer = TransactionalProducer(broker, "payments-writer"))
        {
            producer.InitTransactions(Patience);
            await InTransaction(producer, "payments", commit: true, "first");
            await InTransaction(producer, "payments", commit: false, "void-1", "void-2", "void-3");
            await InTransaction(producer, "payments", commit: true, "second");
        }

        using IConsumer<string?, string?> committed = Consumer(broker, IsolationLevel.ReadCommitted);
        committed.Assign(new TopicPartitionOffset("payments", 0, Offset.Beginning));
        Assert.Equal(["first", "second"], KafkaBroker.ConsumeMany(committed, 2).Select(r => r.Message.Value));
        Assert.Null(committed.Consume(TimeSpan.FromSeconds(1))?.Message?.Value);

        using IConsumer<string?, string?> uncommitted = Consumer(broker, IsolationLevel.ReadUncommitted);
        uncommitted.Assign(new TopicPartitionOffset("payments", 0, Offset.Beginning));
        Assert.Equal(["first", "void-1", "void-2", "void-3", "second"], KafkaBroker.ConsumeMany(uncommitted, 5).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task AnOpenTransactionHoldsReadCommittedConsumersBackUntilItCommits()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using IProducer<string?, string?> producer = TransactionalProducer(broker, "slow-writer");
        producer.InitTransactions(Patience);
        producer.BeginTransaction();
        await producer.ProduceAsync("slow", new Message<string?, string?> { Value = "pending" });

        using IConsumer<string?, string?> committed = Consumer(broker, IsolationLevel.ReadCommitted);
        committed.Assign(new TopicPartitionOffset("slow", 0, Offset.Beginning));
        Assert.Empty(KafkaBroker.ConsumeMany(committed, 1, TimeSpan.FromSeconds(2)));
        using IConsumer<string?, string?> uncommitted = Consumer(broker, IsolationLevel.ReadUncommitted);
        uncommitted.Assign(new TopicPartitionOffset("slow", 0, Offset.Beginning));
        Assert.Equal(["pending"], KafkaBroker.ConsumeMany(uncommitted, 1).Select(r => r.Message.Value));
        Assert.Equal(0, broker.Broker.Streams.Get("slow").LastStableOffset(0));

        producer.CommitTransaction(Patience);
        Assert.Equal(["pending"], KafkaBroker.ConsumeMany(committed, 1).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task OffsetsSentToATransactionBecomeTheGroupsCommittedOffsetsOnlyWhenItCommits()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IProducer<string?, string?> seed = KafkaBroker.Producer(broker))
        {
            for (int i = 0; i < 6; i++)
            {
                await seed.ProduceAsync("raw", new Message<string?, string?> { Value = $"{i}" });
            }
        }
        using IConsumer<string?, string?> input = KafkaBroker.Consumer(broker, "doubler");
        input.Subscribe("raw");
        using IProducer<string?, string?> output = TransactionalProducer(broker, "doubler-out");
        output.InitTransactions(Patience);

        // First three: transformed, offsets sent, then aborted: neither output nor offset stays.
        List<ConsumeResult<string?, string?>> firstThree = KafkaBroker.ConsumeMany(input, 3);
        output.BeginTransaction();
        foreach (ConsumeResult<string?, string?> r in firstThree)
        {
            output.Produce("doubled", new Message<string?, string?> { Value = $"{int.Parse(r.Message.Value!) * 2}" });
        }
        output.SendOffsetsToTransaction([new TopicPartitionOffset("raw", 0, firstThree[^1].Offset + 1)], input.ConsumerGroupMetadata, Patience);
        output.AbortTransaction(Patience);
        Assert.Null(broker.Broker.Streams.FetchOffset("doubler", "raw", 0));

        // All six again in one transaction: the offset moves at the commit, not before.
        input.Seek(new TopicPartitionOffset("raw", 0, 0));
        List<ConsumeResult<string?, string?>> all = KafkaBroker.ConsumeMany(input, 6);
        output.BeginTransaction();
        foreach (ConsumeResult<string?, string?> r in all)
        {
            output.Produce("doubled", new Message<string?, string?> { Value = $"{int.Parse(r.Message.Value!) * 2}" });
        }
        output.SendOffsetsToTransaction([new TopicPartitionOffset("raw", 0, all[^1].Offset + 1)], input.ConsumerGroupMetadata, Patience);
        Assert.Null(broker.Broker.Streams.FetchOffset("doubler", "raw", 0));
        output.CommitTransaction(Patience);
        Assert.Equal(6, broker.Broker.Streams.FetchOffset("doubler", "raw", 0)?.Offset);

        using IConsumer<string?, string?> reader = Consumer(broker, IsolationLevel.ReadCommitted);
        reader.Assign(new TopicPartitionOffset("doubled", 0, Offset.Beginning));
        Assert.Equal(["0", "2", "4", "6", "8", "10"], KafkaBroker.ConsumeMany(reader, 6).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task ASecondProducerWithTheSameTransactionalIdFencesTheFirstAndAbortsItsTransaction()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using IProducer<string?, string?> first = TransactionalProducer(broker, "singleton");
        first.InitTransactions(Patience);
        first.BeginTransaction();
        await first.ProduceAsync("ledger", new Message<string?, string?> { Value = "from-the-first" });

        using IProducer<string?, string?> second = TransactionalProducer(broker, "singleton");
        second.InitTransactions(Patience);
        await InTransaction(second, "ledger", commit: true, "from-the-second");

        KafkaException fenced = Assert.ThrowsAny<KafkaException>(() =>
        {
            first.Produce("ledger", new Message<string?, string?> { Value = "too-late" });
            first.CommitTransaction(Patience);
        });
        Assert.True(fenced.Error.IsFatal || fenced.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch, fenced.Error.ToString());

        using IConsumer<string?, string?> committed = Consumer(broker, IsolationLevel.ReadCommitted);
        committed.Assign(new TopicPartitionOffset("ledger", 0, Offset.Beginning));
        Assert.Equal(["from-the-second"], KafkaBroker.ConsumeMany(committed, 1).Select(r => r.Message.Value));
        Assert.Null(committed.Consume(TimeSpan.FromSeconds(1))?.Message?.Value);
    }

    [Fact]
    public async Task ATransactionLeftOpenByAProducerTheBrokerDoesNotKnowIsAbortedForReadCommittedConsumers()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IProducer<string?, string?> plain = KafkaBroker.Producer(broker))
        {
            await plain.ProduceAsync("leftover", new Message<string?, string?> { Value = "before" });
        }
        // What a broker that stopped in the middle of a transaction leaves in the log.
        await broker.Broker.AppendToTopicStreamAsync("leftover", 0, [new StreamRecord { Value = "orphan"u8.ToArray(), Transaction = new StreamTransaction(7, 0) }]);
        using (IProducer<string?, string?> plain = KafkaBroker.Producer(broker))
        {
            await plain.ProduceAsync("leftover", new Message<string?, string?> { Value = "after" });
        }

        using IConsumer<string?, string?> committed = Consumer(broker, IsolationLevel.ReadCommitted);
        committed.Assign(new TopicPartitionOffset("leftover", 0, Offset.Beginning));
        Assert.Equal(["before", "after"], KafkaBroker.ConsumeMany(committed, 2).Select(r => r.Message.Value));
        Assert.Equal(4, broker.Broker.Streams.Get("leftover").LastStableOffset(0));
    }

    private static async Task InTransaction(IProducer<string?, string?> producer, string topic, bool commit, params string[] values)
    {
        producer.BeginTransaction();
        foreach (string value in values)
        {
            await producer.ProduceAsync(topic, new Message<string?, string?> { Value = value });
        }
        if (commit)
        {
            producer.CommitTransaction(Patience);
        }
        else
        {
            producer.AbortTransaction(Patience);
        }
    }

    private static IProducer<string?, string?> TransactionalProducer(OmnibusTestBroker broker, string transactionalId) =>
        KafkaBroker.Producer(broker, c => { c.TransactionalId = transactionalId; c.TransactionTimeoutMs = 60_000; });

    private static IConsumer<string?, string?> Consumer(OmnibusTestBroker broker, IsolationLevel isolation) =>
        KafkaBroker.Consumer(broker, "reader-" + Guid.NewGuid().ToString("N"), c => c.IsolationLevel = isolation);
}
