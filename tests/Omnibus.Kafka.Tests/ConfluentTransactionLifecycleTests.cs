using Azure.Messaging.ServiceBus;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Core.Entities;
using Omnibus.Core.Streams;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>Transactions across a restart (of the data and of a running producer), past their time-out, and seen from the Service Bus side of their topic.</summary>
public sealed class ConfluentTransactionLifecycleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AfterARestartCommittedRecordsAndOffsetsStayAbortedOnesStayHiddenAndAnOpenOneIsAborted()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-kafka-txn-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var broker = await KafkaBroker.StartAsync(dataDirectory: dir);
            using (IProducer<string?, string?> seed = KafkaBroker.Producer(broker))
            {
                for (int i = 0; i < 3; i++)
                {
                    await seed.ProduceAsync("source", new Message<string?, string?> { Value = $"s{i}" });
                }
            }
            using (IConsumer<string?, string?> group = KafkaBroker.Consumer(broker, "restart-group"))
            using (IProducer<string?, string?> producer = Transactional(broker, "restart-writer"))
            {
                producer.InitTransactions(Patience);
                producer.BeginTransaction();
                await producer.ProduceAsync("journal", new Message<string?, string?> { Value = "kept" });
                producer.SendOffsetsToTransaction([new TopicPartitionOffset("source", 0, 3)], group.ConsumerGroupMetadata, Patience);
                producer.CommitTransaction(Patience);
                producer.BeginTransaction();
                await producer.ProduceAsync("journal", new Message<string?, string?> { Value = "dropped" });
                producer.AbortTransaction(Patience);
            }
            // A transaction the broker stops in the middle of: its records are in the log, its end is not.
            await broker.Broker.AppendToTopicStreamAsync("journal", 0, [new StreamRecord { Value = "open"u8.ToArray(), Transaction = new StreamTransaction(11, 0) }]);

            await broker.RestartAsync();
            Assert.Equal(3, broker.Broker.Streams.FetchOffset("restart-group", "source", 0)?.Offset);
            using (IProducer<string?, string?> plain = KafkaBroker.Producer(broker))
            {
                await plain.ProduceAsync("journal", new Message<string?, string?> { Value = "after" });
            }
            using IConsumer<string?, string?> committed = Reader(broker, IsolationLevel.ReadCommitted);
            committed.Assign(new TopicPartitionOffset("journal", 0, Offset.Beginning));
            Assert.Equal(["kept", "after"], KafkaBroker.ConsumeMany(committed, 2).Select(r => r.Message.Value));
            using IConsumer<string?, string?> uncommitted = Reader(broker, IsolationLevel.ReadUncommitted);
            uncommitted.Assign(new TopicPartitionOffset("journal", 0, Offset.Beginning));
            Assert.Equal(["kept", "dropped", "open", "after"], KafkaBroker.ConsumeMany(uncommitted, 4).Select(r => r.Message.Value));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task AProducerRunningAcrossARestartHasItsNextTransactionAbortedAndThenCommitsAgain()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-kafka-txn-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var broker = await KafkaBroker.StartAsync(dataDirectory: dir);
            using IProducer<string?, string?> producer = Transactional(broker, "survivor");
            producer.InitTransactions(Patience);
            producer.BeginTransaction();
            await producer.ProduceAsync("survive", new Message<string?, string?> { Value = "before" });
            producer.CommitTransaction(Patience);

            await broker.RestartAsync();
            // The restarted coordinator does not know the producer id: the transaction must be aborted.
            producer.BeginTransaction();
            await Assert.ThrowsAnyAsync<KafkaException>(() => producer.ProduceAsync("survive", new Message<string?, string?> { Value = "lost" }));
            producer.AbortTransaction(Patience);
            producer.BeginTransaction();
            await producer.ProduceAsync("survive", new Message<string?, string?> { Value = "after" });
            producer.CommitTransaction(Patience);

            using IConsumer<string?, string?> committed = Reader(broker, IsolationLevel.ReadCommitted);
            committed.Assign(new TopicPartitionOffset("survive", 0, Offset.Beginning));
            Assert.Equal(["before", "after"], KafkaBroker.ConsumeMany(committed, 2).Select(r => r.Message.Value));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ATransactionOpenLongerThanItsTimeOutIsAbortedAndItsProducerFenced()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await KafkaBroker.StartAsync(clock: clock);
        using IProducer<string?, string?> producer = KafkaBroker.Producer(broker, c => { c.TransactionalId = "forgetful"; c.TransactionTimeoutMs = 10_000; c.MessageTimeoutMs = 10_000; });
        producer.InitTransactions(Patience);
        producer.BeginTransaction();
        await producer.ProduceAsync("stalled", new Message<string?, string?> { Value = "never-committed" });
        MessageStream stream = broker.Broker.Streams.Get("stalled");
        Assert.Equal(0, stream.LastStableOffset(0));

        clock.Advance(TimeSpan.FromSeconds(11));
        DateTime end = DateTime.UtcNow + Patience;
        while (stream.LastStableOffset(0) != stream.HighWatermark(0) && DateTime.UtcNow < end)
        {
            await Task.Delay(20);
        }
        Assert.Equal(2, stream.LastStableOffset(0)); // the record and the abort marker
        KafkaException fenced = Assert.ThrowsAny<KafkaException>(() => producer.CommitTransaction(Patience));
        Assert.True(fenced.Error.IsFatal, fenced.Error.ToString());
    }

    [Fact]
    public async Task AServiceBusSubscriptionOfTheTopicReceivesATransactionsRecordsOnlyWhenItCommits()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IAdminClient admin = KafkaBroker.Admin(broker))
        {
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "transfers", NumPartitions = 1 }]);
        }
        broker.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "transfers", Name = "audit" });
        await using var client = new ServiceBusClient(broker.ServiceBusConnectionString);
        await using ServiceBusReceiver receiver = client.CreateReceiver("transfers", "audit", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        using IProducer<string?, string?> producer = Transactional(broker, "transfer-writer");
        producer.InitTransactions(Patience);

        producer.BeginTransaction();
        await producer.ProduceAsync("transfers", new Message<string?, string?> { Value = "cancelled" });
        producer.AbortTransaction(Patience);
        producer.BeginTransaction();
        await producer.ProduceAsync("transfers", new Message<string?, string?> { Key = "a", Value = "t1" });
        await producer.ProduceAsync("transfers", new Message<string?, string?> { Key = "a", Value = "t2" });
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)));

        producer.CommitTransaction(Patience);
        var bodies = new List<string>();
        while (bodies.Count < 2 && await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)) is { } m)
        {
            bodies.Add(m.Body.ToString());
        }
        Assert.Equal(["t1", "t2"], bodies);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
    }

    private static IProducer<string?, string?> Transactional(OmnibusTestBroker broker, string transactionalId) =>
        KafkaBroker.Producer(broker, c => { c.TransactionalId = transactionalId; c.TransactionTimeoutMs = 60_000; });

    private static IConsumer<string?, string?> Reader(OmnibusTestBroker broker, IsolationLevel isolation) =>
        KafkaBroker.Consumer(broker, "reader-" + Guid.NewGuid().ToString("N"), c => c.IsolationLevel = isolation);
}
