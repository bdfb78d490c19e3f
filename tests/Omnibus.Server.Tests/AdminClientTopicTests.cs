using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.Core.Engine;

namespace Omnibus.Server.Tests;

public sealed class AdminClientTopicTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly ServiceBusAdministrationClient _admin = new(server.AdminConnectionString);

    [Fact]
    public async Task Topic_is_created_read_updated_listed_and_deleted()
    {
        TopicProperties t = await _admin.CreateTopicAsync(new CreateTopicOptions("events-crud")
        {
            DefaultMessageTimeToLive = TimeSpan.FromDays(1),
            RequiresDuplicateDetection = true,
            DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(2),
            UserMetadata = "meta",
        });
        Assert.Equal("events-crud", t.Name);
        Assert.Equal(TimeSpan.FromDays(1), t.DefaultMessageTimeToLive);
        Assert.True(t.RequiresDuplicateDetection);
        Assert.Equal("meta", t.UserMetadata);

        TopicProperties got = await _admin.GetTopicAsync("events-crud");
        got.DefaultMessageTimeToLive = TimeSpan.FromHours(3);
        TopicProperties updated = await _admin.UpdateTopicAsync(got);
        Assert.Equal(TimeSpan.FromHours(3), updated.DefaultMessageTimeToLive);

        var names = new List<string>();
        await foreach (TopicProperties x in _admin.GetTopicsAsync())
        {
            names.Add(x.Name);
        }
        Assert.Contains("events-crud", names);
        Assert.True(await _admin.TopicExistsAsync("events-crud"));
        Assert.False(await _admin.QueueExistsAsync("events-crud"));

        await _admin.DeleteTopicAsync("events-crud");
        Assert.False(await _admin.TopicExistsAsync("events-crud"));
    }

    [Fact]
    public async Task Subscription_is_created_read_updated_listed_and_deleted()
    {
        await _admin.CreateTopicAsync("subs-crud");
        SubscriptionProperties s = await _admin.CreateSubscriptionAsync(new CreateSubscriptionOptions("subs-crud", "audit")
        {
            LockDuration = TimeSpan.FromSeconds(30),
            MaxDeliveryCount = 4,
            DeadLetteringOnMessageExpiration = true,
            UserMetadata = "sub-meta",
        });
        Assert.Equal("subs-crud", s.TopicName);
        Assert.Equal("audit", s.SubscriptionName);
        Assert.Equal(TimeSpan.FromSeconds(30), s.LockDuration);
        Assert.Equal(4, s.MaxDeliveryCount);
        Assert.True(s.DeadLetteringOnMessageExpiration);

        SubscriptionProperties got = await _admin.GetSubscriptionAsync("subs-crud", "audit");
        got.MaxDeliveryCount = 9;
        SubscriptionProperties updated = await _admin.UpdateSubscriptionAsync(got);
        Assert.Equal(9, updated.MaxDeliveryCount);

        await _admin.CreateSubscriptionAsync("subs-crud", "billing");
        var names = new List<string>();
        await foreach (SubscriptionProperties x in _admin.GetSubscriptionsAsync("subs-crud"))
        {
            names.Add(x.SubscriptionName);
        }
        Assert.Equal(["audit", "billing"], names);
        Assert.True(await _admin.SubscriptionExistsAsync("subs-crud", "audit"));

        await _admin.DeleteSubscriptionAsync("subs-crud", "audit");
        Assert.False(await _admin.SubscriptionExistsAsync("subs-crud", "audit"));
        var e = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.GetSubscriptionAsync("subs-crud", "audit"));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, e.Reason);
    }

    [Fact]
    public async Task Topic_and_subscription_runtime_properties_follow_the_messages()
    {
        await _admin.CreateTopicAsync("rt-topic");
        await _admin.CreateSubscriptionAsync("rt-topic", "all");
        await _admin.CreateSubscriptionAsync(new CreateSubscriptionOptions("rt-topic", "none"), new CreateRuleOptions("never", new FalseRuleFilter()));
        await server.Broker.SendAsync("rt-topic", [AdminClientQueueTests.Message("1"), AdminClientQueueTests.Message("2")]);
        Receivable all = server.Broker.GetReceivable("rt-topic", "all");
        var locked = await all.ReceiveAsync(1, TimeSpan.FromSeconds(5), ReceiveMode.PeekLock);
        await all.DeadLetterAsync(locked[0].Delivery.LockToken, "why", "because");

        TopicRuntimeProperties t = await _admin.GetTopicRuntimePropertiesAsync("rt-topic");
        Assert.Equal(2, t.SubscriptionCount);
        Assert.True(t.SizeInBytes > 0);

        SubscriptionRuntimeProperties sAll = await _admin.GetSubscriptionRuntimePropertiesAsync("rt-topic", "all");
        Assert.Equal(1, sAll.ActiveMessageCount);
        Assert.Equal(1, sAll.DeadLetterMessageCount);
        Assert.Equal(2, sAll.TotalMessageCount);
        SubscriptionRuntimeProperties sNone = await _admin.GetSubscriptionRuntimePropertiesAsync("rt-topic", "none");
        Assert.Equal(0, sNone.ActiveMessageCount);

        var subs = new List<SubscriptionRuntimeProperties>();
        await foreach (SubscriptionRuntimeProperties x in _admin.GetSubscriptionsRuntimePropertiesAsync("rt-topic"))
        {
            subs.Add(x);
        }
        Assert.Equal(2, subs.Count);
        var topics = new List<TopicRuntimeProperties>();
        await foreach (TopicRuntimeProperties x in _admin.GetTopicsRuntimePropertiesAsync())
        {
            topics.Add(x);
        }
        Assert.Contains(topics, x => x.Name == "rt-topic" && x.SubscriptionCount == 2);
    }

    [Fact]
    public async Task Rules_are_created_read_updated_listed_deleted_and_route_messages()
    {
        await _admin.CreateTopicAsync("rules-topic");
        await _admin.CreateSubscriptionAsync(new CreateSubscriptionOptions("rules-topic", "red"),
            new CreateRuleOptions("only-red", new SqlRuleFilter("color = 'red'")) { Action = new SqlRuleAction("SET tagged = 'yes'") });

        RuleProperties rule = await _admin.GetRuleAsync("rules-topic", "red", "only-red");
        Assert.Equal("color = 'red'", ((SqlRuleFilter)rule.Filter).SqlExpression);
        Assert.Equal("SET tagged = 'yes'", ((SqlRuleAction)rule.Action).SqlExpression);

        var correlation = new CorrelationRuleFilter { CorrelationId = "c-1", Subject = "invoice", ContentType = "application/json" };
        correlation.ApplicationProperties["region"] = "eu";
        correlation.ApplicationProperties["priority"] = 5;
        RuleProperties created = await _admin.CreateRuleAsync("rules-topic", "red", new CreateRuleOptions("eu-invoices", correlation));
        var readBack = (CorrelationRuleFilter)created.Filter;
        Assert.Equal("c-1", readBack.CorrelationId);
        Assert.Equal("invoice", readBack.Subject);
        Assert.Equal("eu", readBack.ApplicationProperties["region"]);
        Assert.Equal(5, readBack.ApplicationProperties["priority"]);

        var names = new List<string>();
        await foreach (RuleProperties r in _admin.GetRulesAsync("rules-topic", "red"))
        {
            names.Add(r.Name);
        }
        Assert.Equal(["eu-invoices", "only-red"], names);

        rule.Filter = new SqlRuleFilter("color = 'blue'");
        rule.Action = null;
        RuleProperties updated = await _admin.UpdateRuleAsync("rules-topic", "red", rule);
        Assert.Equal("color = 'blue'", ((SqlRuleFilter)updated.Filter).SqlExpression);
        Assert.Null(updated.Action);

        await _admin.DeleteRuleAsync("rules-topic", "red", "eu-invoices");
        var missing = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.GetRuleAsync("rules-topic", "red", "eu-invoices"));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, missing.Reason);

        var blue = AdminClientQueueTests.Message("b");
        blue.ApplicationProperties["color"] = "blue";
        var red = AdminClientQueueTests.Message("r");
        red.ApplicationProperties["color"] = "red";
        await server.Broker.SendAsync("rules-topic", [blue, red]);
        SubscriptionRuntimeProperties rt = await _admin.GetSubscriptionRuntimePropertiesAsync("rules-topic", "red");
        Assert.Equal(1, rt.ActiveMessageCount);
    }

    [Fact]
    public async Task A_bad_sql_filter_is_refused_and_the_old_rule_stays()
    {
        await _admin.CreateTopicAsync("bad-rules");
        await _admin.CreateSubscriptionAsync("bad-rules", "s");
        RuleProperties def = await _admin.GetRuleAsync("bad-rules", "s", "$Default");
        Assert.IsType<TrueRuleFilter>(def.Filter);
        await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateRuleAsync("bad-rules", "s", new CreateRuleOptions("broken", new SqlRuleFilter("color = = 'x'"))));
        def.Filter = new SqlRuleFilter("((");
        await Assert.ThrowsAsync<ArgumentException>(() => _admin.UpdateRuleAsync("bad-rules", "s", def));
        Assert.IsType<TrueRuleFilter>((await _admin.GetRuleAsync("bad-rules", "s", "$Default")).Value.Filter);
    }
}
