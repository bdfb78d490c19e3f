using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests;

public class TopicTests
{
    private static async Task<BrokerHarness> WithOrdersTopic()
    {
        var h = new BrokerHarness();
        h.Broker.CreateTopic(new TopicDescription { Name = "orders" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "orders", Name = "all" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "orders", Name = "high" },
            new RuleDescription { Name = "high", Filter = RuleFilterDescription.Sql("priority = 'high' AND amount > 100") });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "orders", Name = "eu" },
            new RuleDescription { Name = "eu", Filter = new RuleFilterDescription { Kind = RuleFilterKind.Correlation, Subject = "order", Properties = new() { ["region"] = "eu" } } });
        await Task.CompletedTask;
        return h;
    }

    [Fact]
    public async Task Each_subscription_gets_the_messages_its_rules_select()
    {
        using BrokerHarness h = await WithOrdersTopic();
        await h.Broker.SendAsync("orders", [
            Msg("a", "high", 500, "eu"),
            Msg("b", "low", 500, "eu"),
            Msg("c", "high", 50, "us"),
            Msg("d", "high", 101, "us"),
        ]);
        Assert.Equal(["a", "b", "c", "d"], (await h.Receive("orders/Subscriptions/all")).Select(BrokerHarness.Text));
        Assert.Equal(["a", "d"], (await h.Receive("orders/Subscriptions/high")).Select(BrokerHarness.Text));
        Assert.Equal(["a", "b"], (await h.Receive("orders/Subscriptions/eu")).Select(BrokerHarness.Text));
        // The same message has the same sequence number in every subscription: it is stored once.
        h.Restart();
        var all = await h.Receive("orders/Subscriptions/all");
        var high = await h.Receive("orders/Subscriptions/high");
        Assert.Equal(all.Single(m => BrokerHarness.Text(m) == "d").SequenceNumber, high.Single(m => BrokerHarness.Text(m) == "d").SequenceNumber);
    }

    private static BrokerMessage Msg(string body, string priority, int amount, string region)
    {
        BrokerMessage m = BrokerHarness.Message(body, properties: new Dictionary<string, object?> { ["priority"] = priority, ["amount"] = amount, ["region"] = region });
        m.Subject = "order";
        return m;
    }

    [Fact]
    public async Task A_rule_action_changes_only_that_subscriptions_copy()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "plain" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "tagged" },
            new RuleDescription { Name = "tag", Filter = RuleFilterDescription.True, ActionSqlExpression = "SET category = 'vip'; SET sys.Subject = 'changed'; REMOVE secret" });
        await h.Send("t", "x", properties: new Dictionary<string, object?> { ["secret"] = "s3" });
        BrokerMessage plain = Assert.Single(await h.Receive("t/Subscriptions/plain"));
        BrokerMessage tagged = Assert.Single(await h.Receive("t/Subscriptions/tagged"));
        Assert.Equal("s3", plain.ApplicationProperties["secret"]);
        Assert.False(plain.ApplicationProperties.ContainsKey("category"));
        Assert.Equal("vip", tagged.ApplicationProperties["category"]);
        Assert.Equal("changed", tagged.Subject);
        Assert.False(tagged.ApplicationProperties.ContainsKey("secret"));
        Assert.Equal("tag", tagged.ApplicationProperties["RuleName"]);
    }

    [Fact]
    public async Task Rules_are_added_removed_and_listed_at_run_time_and_persist()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        Assert.Equal(["$Default"], h.Broker.GetRules("t", "s").Select(r => r.Name));
        h.Broker.RemoveRule("t", "s", "$Default");
        h.Broker.AddRule("t", "s", new RuleDescription { Name = "red", Filter = RuleFilterDescription.Sql("color = 'red'") });
        var dup = Assert.Throws<MessagingException>(() => h.Broker.AddRule("t", "s", new RuleDescription { Name = "RED" }));
        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, dup.Code);
        h.Restart();
        Assert.Equal(["red"], h.Broker.GetRules("t", "s").Select(r => r.Name));
        await h.Send("t", "blue", properties: new Dictionary<string, object?> { ["color"] = "blue" });
        await h.Send("t", "red", properties: new Dictionary<string, object?> { ["color"] = "red" });
        Assert.Equal(["red"], (await h.Receive("t/Subscriptions/s")).Select(BrokerHarness.Text));
        var missing = Assert.Throws<MessagingException>(() => h.Broker.RemoveRule("t", "s", "nope"));
        Assert.Equal(MessagingErrorCode.EntityNotFound, missing.Code);
    }

    [Fact]
    public void A_bad_filter_is_rejected_when_the_rule_is_created_naming_the_problem()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        var ex = Assert.Throws<MessagingException>(() => h.Broker.AddRule("t", "s", new RuleDescription { Name = "bad", Filter = RuleFilterDescription.Sql("color = = 'red'") }));
        Assert.Equal(MessagingErrorCode.InvalidArgument, ex.Code);
        Assert.Contains("bad", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["$Default"], h.Broker.GetRules("t", "s").Select(r => r.Name));
    }

    [Fact]
    public async Task A_new_subscription_receives_only_messages_sent_after_it_was_created()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "early" });
        await h.Send("t", "before");
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "late" });
        await h.Send("t", "after");
        h.Restart();
        Assert.Equal(["before", "after"], (await h.Receive("t/Subscriptions/early")).Select(BrokerHarness.Text));
        Assert.Equal(["after"], (await h.Receive("t/Subscriptions/late")).Select(BrokerHarness.Text));
    }

    [Fact]
    public async Task Subscription_forwarding_and_dead_letter_queues_work_like_a_queues()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "sink" });
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "fwd", ForwardTo = "sink" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "work", MaxDeliveryCount = 1 });
        await h.Send("t", "m");
        Assert.Equal("m", BrokerHarness.Text(Assert.Single(await h.Receive("sink"))));
        Assert.Empty(await h.Receive("t/Subscriptions/fwd"));
        BrokerMessage m = Assert.Single(await h.Receive("t/Subscriptions/work"));
        await h.Broker.GetReceivable("t", "work").AbandonAsync(m.Delivery.LockToken);
        BrokerMessage dead = Assert.Single(await h.Receive("t/Subscriptions/work/$DeadLetterQueue"));
        Assert.Equal("t/Subscriptions/work", dead.DeadLetterSource);
    }

    [Fact]
    public async Task Cancelling_a_scheduled_topic_message_removes_it_from_every_subscription()
    {
        using BrokerHarness h = await WithOrdersTopic();
        long[] seq = await h.Broker.ScheduleAsync("orders", [Msg("s", "high", 1000, "eu")], h.Clock.GetUtcNow().AddMinutes(5));
        await h.Broker.CancelScheduledAsync("orders", seq);
        await h.Advance(TimeSpan.FromMinutes(6));
        Assert.Empty(await h.Receive("orders/Subscriptions/all"));
        Assert.Empty(await h.Receive("orders/Subscriptions/high"));
    }

    [Fact]
    public async Task Consumed_segments_of_a_topic_are_deleted_once_every_subscription_is_past_them()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "a" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "none" },
            new RuleDescription { Name = "nothing", Filter = RuleFilterDescription.False });
        for (int i = 0; i < 200; i++)
        {
            await h.Send("t", new string('x', 1000));
        }
        Receivable a = h.Broker.GetReceivable("t", "a");
        int SegmentCount() => a.Partitions[0].Log.Segments.Count;
        int before = SegmentCount();
        Assert.True(before > 2);
        for (int i = 0; i < 200; i++)
        {
            BrokerMessage m = Assert.Single(await a.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
            await a.CompleteAsync(m.Delivery.LockToken);
        }
        // A sweep records 'none''s skipped range (not awaited) and deletes what every subscription is past.
        long deadline = Environment.TickCount64 + 10_000;
        do
        {
            await h.Broker.SweepAsync();
        }
        while (SegmentCount() > 1 && Environment.TickCount64 < deadline);
        Assert.Equal(1, SegmentCount());
    }
}
