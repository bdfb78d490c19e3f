using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests;

public class TransactionTests
{
    private static TransactionSettlement Complete(Receivable r, BrokerMessage m) => new(r, m.Delivery.LockToken, SettlementKind.Complete);

    private static TransactionSend Send(string path, params string[] bodies) => new(path, bodies.Select(b => BrokerHarness.Message(b)).ToList());

    private static async Task<List<string>> Drain(BrokerHarness h, string path) =>
        (await h.Receive(path, 1000, ReceiveMode.ReceiveAndDelete)).Select(BrokerHarness.Text).ToList();

    /// <summary>Makes the commit stop before applying operation <paramref name="index"/>, as a crash there would.</summary>
    private static void CrashBefore(Broker broker, int index) =>
        broker.BeforeApplyingTransactionOperation = i => i == index ? throw new SimulatedCrashException() : Task.CompletedTask;

    private sealed class SimulatedCrashException : Exception;

    [Fact]
    public async Task A_commit_applies_every_kind_of_operation_and_it_survives_a_restart()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "in" });
        h.Broker.CreateQueue(new QueueDescription { Name = "out", PartitionCount = 2 });
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        foreach (string body in new[] { "complete", "abandon", "dead-letter", "defer" })
        {
            await h.Send("in", body);
        }
        Receivable input = h.Broker.GetReceivable("in");
        IReadOnlyList<BrokerMessage> got = await h.Receive("in", 4);
        Assert.Equal(4, got.Count);

        await h.Broker.CommitTransactionAsync(
        [
            Complete(input, got[0]),
            new TransactionSettlement(input, got[1].Delivery.LockToken, SettlementKind.Abandon, new Dictionary<string, object?> { ["tries"] = 1 }),
            new TransactionSettlement(input, got[2].Delivery.LockToken, SettlementKind.DeadLetter, DeadLetterReason: "bad", DeadLetterDescription: "very bad"),
            new TransactionSettlement(input, got[3].Delivery.LockToken, SettlementKind.Defer),
            Send("out", "o1", "o2"),
            Send("t", "t1"),
        ]);

        for (int pass = 0; pass < 2; pass++)
        {
            IReadOnlyList<BrokerMessage> peeked = h.Broker.GetReceivable("in").Peek(0, 10);
            Assert.Equal(["abandon", "defer"], peeked.Select(BrokerHarness.Text));
            Assert.Equal(1, peeked[0].ApplicationProperties["tries"]);
            Assert.Equal(MessageState.Deferred, peeked[1].Delivery.State);
            BrokerMessage dead = Assert.Single(h.Broker.GetReceivable("in").DeadLetter.Peek(0, 10));
            Assert.Equal(("dead-letter", "bad", "very bad"), (BrokerHarness.Text(dead), dead.ApplicationProperties[DeadLetterHeaders.Reason], dead.ApplicationProperties[DeadLetterHeaders.Description]));
            Assert.Equal(["o1", "o2"], h.Broker.GetReceivable("out").Peek(0, 10).Select(BrokerHarness.Text).Order());
            Assert.Equal(["t1"], h.Broker.GetReceivable("t", "s").Peek(0, 10).Select(BrokerHarness.Text));
            Assert.Equal(0, h.Broker.RecoveredTransactions);
            h.Restart();
        }
        Assert.Equal(["abandon"], await Drain(h, "in"));
    }

    [Fact]
    public async Task An_expired_lock_rejects_the_whole_transaction_and_nothing_is_applied()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "in", LockDuration = TimeSpan.FromSeconds(10) });
        h.Broker.CreateQueue(new QueueDescription { Name = "out" });
        await h.Send("in", "a");
        await h.Send("in", "b");
        Receivable input = h.Broker.GetReceivable("in");
        BrokerMessage a = Assert.Single(await h.Receive("in", 1));
        await h.Advance(TimeSpan.FromSeconds(5));
        BrokerMessage b = Assert.Single(await h.Receive("in", 1));
        await h.Advance(TimeSpan.FromSeconds(6)); // a's lock has expired, b's has not

        var e = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.CommitTransactionAsync([Send("out", "x"), Complete(input, b), Complete(input, a)]));
        Assert.Equal(MessagingErrorCode.MessageLockLost, e.Code);
        Assert.Contains("operation 3 of 3", e.Message, StringComparison.Ordinal);

        Assert.Empty(h.Broker.GetReceivable("out").Peek(0, 10));
        await input.CompleteAsync(b.Delivery.LockToken); // b's claim was given back with its lock
        Assert.Equal(["a"], await Drain(h, "in"));
        h.Restart();
        Assert.Empty(h.Broker.GetReceivable("out").Peek(0, 10));
        Assert.Empty(h.Broker.GetReceivable("in").Peek(0, 10));
    }

    [Fact]
    public async Task A_claimed_lock_given_back_still_expires()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "in", LockDuration = TimeSpan.FromSeconds(10) });
        await h.Send("in", "a");
        Receivable input = h.Broker.GetReceivable("in");
        BrokerMessage a = Assert.Single(await h.Receive("in", 1));
        await Assert.ThrowsAsync<MessagingException>(() => h.Broker.CommitTransactionAsync([Complete(input, a), Send("missing", "x")]));
        await h.Advance(TimeSpan.FromSeconds(11));
        BrokerMessage again = Assert.Single(await h.Receive("in", 1));
        Assert.Equal(1, again.Delivery.DeliveryCount);
        await Assert.ThrowsAsync<MessagingException>(() => input.CompleteAsync(a.Delivery.LockToken));
    }

    [Theory]
    [InlineData("missing entity", MessagingErrorCode.EntityNotFound)]
    [InlineData("send disabled", MessagingErrorCode.EntityDisabled)]
    [InlineData("too large", MessagingErrorCode.MessageTooLarge)]
    [InlineData("bad property", MessagingErrorCode.InvalidArgument)]
    [InlineData("same lock twice", MessagingErrorCode.MessageLockLost)]
    [InlineData("dead-letter a dead letter", MessagingErrorCode.InvalidOperation)]
    public async Task A_failing_check_rejects_the_transaction_with_its_code_and_applies_nothing(string failure, MessagingErrorCode code)
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "in" });
        h.Broker.CreateQueue(new QueueDescription { Name = "out" });
        h.Broker.CreateQueue(new QueueDescription { Name = "closed", Status = EntityStatus.SendDisabled });
        h.Broker.CreateQueue(new QueueDescription { Name = "small", MaxMessageSizeInKilobytes = 1 });
        await h.Send("in", "a");
        await h.Send("in", "b");
        Receivable input = h.Broker.GetReceivable("in");
        IReadOnlyList<BrokerMessage> got = await h.Receive("in", 2);
        TransactionOperation failing = failure switch
        {
            "missing entity" => Send("nowhere", "x"),
            "send disabled" => Send("closed", "x"),
            "too large" => Send("small", new string('x', 2000)),
            "bad property" => new TransactionSettlement(input, got[1].Delivery.LockToken, SettlementKind.Abandon, new Dictionary<string, object?> { ["p"] = new object() }),
            "same lock twice" => Complete(input, got[0]),
            _ => new TransactionSettlement(h.Broker.GetReceivable("in").DeadLetter, got[1].Delivery.LockToken, SettlementKind.DeadLetter),
        };

        var e = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.CommitTransactionAsync([Complete(input, got[0]), Send("out", "o"), failing]));

        Assert.Equal(code, e.Code);
        Assert.Empty(h.Broker.GetReceivable("out").Peek(0, 10));
        await input.CompleteAsync(got[0].Delivery.LockToken);
        await input.CompleteAsync(got[1].Delivery.LockToken);
        Assert.Equal(0, h.Broker.GetQueueRuntimeInfo("in").ActiveMessageCount);
    }

    [Fact]
    public async Task Recovery_applies_a_transaction_that_crashed_before_applying_anything_exactly_once()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "in" });
        h.Broker.CreateQueue(new QueueDescription { Name = "out" });
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        await h.Send("in", "a");
        await h.Send("in", "b");
        Receivable input = h.Broker.GetReceivable("in");
        IReadOnlyList<BrokerMessage> got = await h.Receive("in", 2);
        CrashBefore(h.Broker, 0);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => h.Broker.CommitTransactionAsync(
            [Complete(input, got[0]), new TransactionSettlement(input, got[1].Delivery.LockToken, SettlementKind.Defer, new Dictionary<string, object?> { ["why"] = "later" }), Send("out", "o"), Send("t", "t1")]));
        Assert.Empty(h.Broker.GetReceivable("out").Peek(0, 10));

        h.Restart();
        Assert.Equal(1, h.Broker.RecoveredTransactions);
        h.Restart();
        Assert.Equal(0, h.Broker.RecoveredTransactions);
        BrokerMessage deferred = Assert.Single(h.Broker.GetReceivable("in").Peek(0, 10));
        Assert.Equal(("b", MessageState.Deferred, "later"), (BrokerHarness.Text(deferred), deferred.Delivery.State, deferred.ApplicationProperties["why"]));
        Assert.Equal(["o"], await Drain(h, "out"));
        Assert.Equal(["t1"], await Drain(h, "t/Subscriptions/s"));
    }

    [Fact]
    public async Task Recovery_does_not_repeat_a_send_that_was_applied_before_the_crash()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "in" });
        h.Broker.CreateQueue(new QueueDescription { Name = "out", PartitionCount = 3 });
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        await h.Send("in", "a");
        await h.Send("out", "before");
        Receivable input = h.Broker.GetReceivable("in");
        BrokerMessage a = Assert.Single(await h.Receive("in", 1));
        CrashBefore(h.Broker, 2);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => h.Broker.CommitTransactionAsync([Send("out", "o1", "o2"), Send("t", "t1"), Complete(input, a)]));
        await h.Send("out", "after"); // other traffic between the crashed apply and the restart

        h.Restart();
        Assert.Equal(1, h.Broker.RecoveredTransactions);
        Assert.Empty(h.Broker.GetReceivable("in").Peek(0, 10));
        Assert.Equal(["after", "before", "o1", "o2"], (await Drain(h, "out")).Order());
        Assert.Equal(["t1"], await Drain(h, "t/Subscriptions/s"));
    }

    [Fact]
    public async Task Recovery_finishes_a_dead_lettering_and_leaves_a_completed_message_completed()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "in" });
        await h.Send("in", "a");
        await h.Send("in", "b");
        Receivable input = h.Broker.GetReceivable("in");
        IReadOnlyList<BrokerMessage> got = await h.Receive("in", 2);
        CrashBefore(h.Broker, 1);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => h.Broker.CommitTransactionAsync(
            [Complete(input, got[0]), new TransactionSettlement(input, got[1].Delivery.LockToken, SettlementKind.DeadLetter, DeadLetterReason: "r")]));

        h.Restart();
        Assert.Equal(1, h.Broker.RecoveredTransactions);
        Assert.Empty(h.Broker.GetReceivable("in").Peek(0, 10));
        BrokerMessage dead = Assert.Single(await h.Receive("in/$DeadLetterQueue", 10, ReceiveMode.ReceiveAndDelete));
        Assert.Equal(("b", "r"), (BrokerHarness.Text(dead), dead.ApplicationProperties[DeadLetterHeaders.Reason]));
    }

    [Fact]
    public async Task Duplicate_detection_holds_inside_a_transaction_and_a_rejected_one_releases_its_ids()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", RequiresDuplicateDetection = true });
        await h.Send("q", "first", id: "seen");
        var rejected = new TransactionSend("q", [BrokerHarness.Message("x", id: "fresh")]);
        await Assert.ThrowsAsync<MessagingException>(() => h.Broker.CommitTransactionAsync([rejected, Send("nowhere", "y")]));

        await h.Broker.CommitTransactionAsync(
        [
            new TransactionSend("q", [BrokerHarness.Message("dup", id: "seen"), BrokerHarness.Message("new", id: "fresh")]),
            new TransactionSend("q", [BrokerHarness.Message("dup again", id: "fresh")]),
        ]);

        Assert.Equal(["first", "new"], await Drain(h, "q"));
    }

    [Fact]
    public async Task An_empty_transaction_commits_nothing()
    {
        using var h = new BrokerHarness();
        await h.Broker.CommitTransactionAsync([]);
        h.Restart();
        Assert.Equal(0, h.Broker.RecoveredTransactions);
    }
}
