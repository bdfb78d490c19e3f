using System.Net;
using System.Xml.Linq;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.ServiceBus.Security;

namespace Omnibus.Server.Tests;

/// <summary>What the administration API answers where applications can tell it from Service Bus.</summary>
public sealed class AdminAnswersAsServiceBusTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly ServiceBusAdministrationClient _admin = new(server.AdminConnectionString);

    [Fact]
    public async Task Rules_are_listed_ordered_by_name_whatever_order_they_were_added_in()
    {
        await _admin.CreateTopicAsync("ordered-rules");
        await _admin.CreateSubscriptionAsync("ordered-rules", "s");
        foreach (string name in new[] { "zeta", "alpha", "Mid" })
        {
            await _admin.CreateRuleAsync("ordered-rules", "s", new CreateRuleOptions(name, new SqlRuleFilter("1=1")));
        }

        var names = new List<string>();
        await foreach (RuleProperties r in _admin.GetRulesAsync("ordered-rules", "s"))
        {
            names.Add(r.Name);
        }

        Assert.Equal(["$Default", "alpha", "Mid", "zeta"], names);
    }

    [Fact]
    public async Task A_clash_and_a_miss_are_worded_as_service_bus_words_them()
    {
        await _admin.CreateQueueAsync("worded-queue");
        await _admin.CreateTopicAsync("worded-topic");
        await _admin.CreateSubscriptionAsync("worded-topic", "s");

        ServiceBusException queueExists = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.CreateQueueAsync("worded-queue"));
        ServiceBusException queueMissing = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.GetQueueAsync("worded-nothing"));
        ServiceBusException subscriptionExists = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.CreateSubscriptionAsync("worded-topic", "s"));
        ServiceBusException subscriptionMissing = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.GetSubscriptionAsync("worded-topic", "none"));
        ServiceBusException ruleExists = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.CreateRuleAsync("worded-topic", "s", new CreateRuleOptions("$Default")));
        ServiceBusException ruleMissing = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.GetRuleAsync("worded-topic", "s", "none"));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, queueExists.Reason);
        Assert.Contains("The messaging entity 'localhost:Queue:worded-queue' already exists.", queueExists.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, queueMissing.Reason);
        Assert.Contains("The messaging entity 'localhost:Queue:worded-nothing' could not be found.", queueMissing.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, subscriptionExists.Reason);
        Assert.Contains("The messaging entity 'localhost:Topic:worded-topic|s' already exists.", subscriptionExists.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, subscriptionMissing.Reason);
        Assert.Contains("The messaging entity 'localhost:Topic:worded-topic|none' could not be found.", subscriptionMissing.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, ruleExists.Reason);
        Assert.Contains("The messaging entity 'localhost:Topic:worded-topic|s|$Default' already exists.", ruleExists.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, ruleMissing.Reason);
        Assert.Contains("The messaging entity 'localhost:Topic:worded-topic|s|none' could not be found.", ruleMissing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarding_targets_are_answered_as_sb_addresses_on_queues_and_subscriptions()
    {
        await _admin.CreateQueueAsync("sb-target");
        QueueProperties q = await _admin.CreateQueueAsync(new CreateQueueOptions("sb-source") { ForwardTo = "sb-target", ForwardDeadLetteredMessagesTo = "sb-target" });
        await _admin.CreateTopicAsync("sb-topic");
        SubscriptionProperties s = await _admin.CreateSubscriptionAsync(new CreateSubscriptionOptions("sb-topic", "s") { ForwardTo = "sb-target", ForwardDeadLetteredMessagesTo = "sb-target" });

        Assert.Equal("sb://localhost/sb-target", q.ForwardTo);
        Assert.Equal("sb://localhost/sb-target", q.ForwardDeadLetteredMessagesTo);
        Assert.Equal("sb://localhost/sb-target", s.ForwardTo);
        Assert.Equal("sb://localhost/sb-target", s.ForwardDeadLetteredMessagesTo);
        QueueProperties updated = await _admin.UpdateQueueAsync(await _admin.GetQueueAsync("sb-source"));
        Assert.Equal("sb://localhost/sb-target", updated.ForwardTo);
        Assert.Equal("sb-target", server.Broker.GetQueue("sb-source").ForwardTo);
    }

    [Fact]
    public async Task An_entity_whose_messages_are_all_settled_reports_a_size_of_zero()
    {
        await _admin.CreateQueueAsync("sized-queue");
        await _admin.CreateTopicAsync("sized-topic");
        await _admin.CreateSubscriptionAsync("sized-topic", "s");
        await using var client = new ServiceBusClient(server.AmqpConnectionString);
        foreach (string entity in new[] { "sized-queue", "sized-topic" })
        {
            await using ServiceBusSender sender = client.CreateSender(entity);
            await sender.SendMessageAsync(new ServiceBusMessage(new string('x', 2000)));
        }
        Assert.True((await _admin.GetQueueRuntimePropertiesAsync("sized-queue")).Value.SizeInBytes > 0);
        Assert.True((await _admin.GetTopicRuntimePropertiesAsync("sized-topic")).Value.SizeInBytes > 0);

        foreach (ServiceBusReceiver receiver in new[] { client.CreateReceiver("sized-queue"), client.CreateReceiver("sized-topic", "s") })
        {
            await using (receiver)
            {
                ServiceBusReceivedMessage m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
                await receiver.CompleteMessageAsync(m);
            }
        }

        Assert.Equal(0, (await _admin.GetQueueRuntimePropertiesAsync("sized-queue")).Value.SizeInBytes);
        Assert.Equal(0, (await _admin.GetTopicRuntimePropertiesAsync("sized-topic")).Value.SizeInBytes);
        Assert.Equal(0, (await _admin.GetQueueRuntimePropertiesAsync("sized-queue")).Value.TotalMessageCount);
    }

    [Fact]
    public async Task A_partitioned_entity_reports_sixteen_times_its_partition_size_and_keeps_it_across_an_update()
    {
        QueueProperties q = await _admin.CreateQueueAsync(new CreateQueueOptions("partitioned-size") { EnablePartitioning = true, MaxSizeInMegabytes = 1024 });
        TopicProperties t = await _admin.CreateTopicAsync(new CreateTopicOptions("partitioned-size-topic") { EnablePartitioning = true, MaxSizeInMegabytes = 2048 });
        QueueProperties plain = await _admin.CreateQueueAsync(new CreateQueueOptions("unpartitioned-size") { MaxSizeInMegabytes = 1024 });

        Assert.Equal(16 * 1024, q.MaxSizeInMegabytes);
        Assert.Equal(16 * 2048, t.MaxSizeInMegabytes);
        Assert.Equal(1024, plain.MaxSizeInMegabytes);
        q.MaxDeliveryCount = 4;
        QueueProperties updated = await _admin.UpdateQueueAsync(q);
        TopicProperties topicUpdated = await _admin.UpdateTopicAsync(t);
        Assert.Equal(16 * 1024, updated.MaxSizeInMegabytes);
        Assert.Equal(16 * 2048, topicUpdated.MaxSizeInMegabytes);
        Assert.Equal(1024, server.Broker.GetQueue("partitioned-size").MaxSizeInMegabytes);
    }

    [Fact]
    public async Task The_root_of_the_administration_endpoint_answers_the_namespace_properties()
    {
        NamespaceProperties ns = await _admin.GetNamespacePropertiesAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?api-version=2021-05");
        request.Headers.TryAddWithoutValidation("Authorization",
            SharedAccessSignature.CreateToken(server.HttpBase.GetLeftPart(UriPartial.Path), "RootManageSharedAccessKey", "SAS_KEY_VALUE", TimeSpan.FromMinutes(5), TimeProvider.System));

        using HttpResponseMessage response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        XElement entry = XElement.Parse(await response.Content.ReadAsStringAsync());
        XNamespace sb = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
        XElement info = Assert.Single(entry.Descendants(sb + "NamespaceInfo"));
        Assert.Equal(ns.Name, (string?)info.Element(sb + "Name"));
        Assert.Equal("Messaging", (string?)info.Element(sb + "NamespaceType"));
    }

    [Fact]
    public async Task Sql_filter_and_action_parameters_are_stored_returned_and_evaluated()
    {
        await _admin.CreateTopicAsync("parameters-topic");
        await _admin.CreateSubscriptionAsync("parameters-topic", "s");
        await _admin.DeleteRuleAsync("parameters-topic", "s", RuleProperties.DefaultRuleName);
        var filter = new SqlRuleFilter("color = @color AND size > @size");
        filter.Parameters["@color"] = "red";
        filter.Parameters["@size"] = 3;
        var action = new SqlRuleAction("SET tagged = @tag");
        action.Parameters["@tag"] = "yes";
        await _admin.CreateRuleAsync("parameters-topic", "s", new CreateRuleOptions("by-parameters", filter) { Action = action });

        RuleProperties rule = await _admin.GetRuleAsync("parameters-topic", "s", "by-parameters");
        var readFilter = Assert.IsType<SqlRuleFilter>(rule.Filter);
        Assert.Equal("red", readFilter.Parameters["@color"]);
        Assert.Equal(3, readFilter.Parameters["@size"]);
        Assert.Equal("yes", Assert.IsType<SqlRuleAction>(rule.Action).Parameters["@tag"]);

        await using var client = new ServiceBusClient(server.AmqpConnectionString);
        await using ServiceBusSender sender = client.CreateSender("parameters-topic");
        foreach ((string color, int size) in new[] { ("blue", 5), ("red", 2), ("red", 5) })
        {
            var m = new ServiceBusMessage($"{color}-{size}");
            m.ApplicationProperties["color"] = color;
            m.ApplicationProperties["size"] = size;
            await sender.SendMessageAsync(m);
        }
        await using ServiceBusReceiver receiver = client.CreateReceiver("parameters-topic", "s");
        ServiceBusReceivedMessage only = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("red-5", only.Body.ToString());
        Assert.Equal("yes", only.ApplicationProperties["tagged"]);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Entity_authorization_rules_are_stored_and_returned_on_queues_and_topics()
    {
        var queueOptions = new CreateQueueOptions("authorized-queue");
        queueOptions.AuthorizationRules.Add(new SharedAccessAuthorizationRule("listen-only", "a2V5LW9uZS1rZXktb25lLWtleS1vbmUta2V5LW9uZTE=", [AccessRights.Listen]));
        var topicOptions = new CreateTopicOptions("authorized-topic");
        topicOptions.AuthorizationRules.Add(new SharedAccessAuthorizationRule("send-only", [AccessRights.Send]));

        QueueProperties created = await _admin.CreateQueueAsync(queueOptions);
        await _admin.CreateTopicAsync(topicOptions);
        QueueProperties read = await _admin.GetQueueAsync("authorized-queue");
        read.MaxDeliveryCount = 5;
        QueueProperties updated = await _admin.UpdateQueueAsync(read);
        TopicProperties topic = await _admin.GetTopicAsync("authorized-topic");

        foreach (QueueProperties q in new[] { created, read, updated })
        {
            var rule = Assert.IsType<SharedAccessAuthorizationRule>(Assert.Single(q.AuthorizationRules));
            Assert.Equal("listen-only", rule.KeyName);
            Assert.Equal("a2V5LW9uZS1rZXktb25lLWtleS1vbmUta2V5LW9uZTE=", rule.PrimaryKey);
            Assert.Equal([AccessRights.Listen], rule.Rights);
        }
        var topicRule = Assert.IsType<SharedAccessAuthorizationRule>(Assert.Single(topic.AuthorizationRules));
        Assert.Equal("send-only", topicRule.KeyName);
        Assert.Equal([AccessRights.Send], topicRule.Rights);
        Assert.Empty((await _admin.CreateQueueAsync("unauthorized-queue")).Value.AuthorizationRules);
    }
}
