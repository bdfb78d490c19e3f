using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.Core.Entities;

namespace Omnibus.IntegrationTests;

public sealed class RuleManagerTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task Rules_added_through_the_rule_manager_filter_what_a_subscription_receives()
    {
        string topic = Host.UniqueName("t");
        Host.Broker.CreateTopic(new TopicDescription { Name = topic });
        Host.Broker.CreateSubscription(new SubscriptionDescription { TopicName = topic, Name = "red" });
        await using ServiceBusClient client = Host.CreateClient();
        await using (ServiceBusRuleManager rules = client.CreateRuleManager(topic, "red"))
        {
            await rules.DeleteRuleAsync(RuleProperties.DefaultRuleName);
            await rules.CreateRuleAsync("is-red", new SqlRuleFilter("color = 'red'"));
            await rules.CreateRuleAsync("by-subject", new CorrelationRuleFilter { Subject = "important" });
            var names = new List<string>();
            await foreach (RuleProperties rule in rules.GetRulesAsync())
            {
                names.Add(rule.Name);
                if (rule.Name == "is-red")
                {
                    Assert.Equal("color = 'red'", Assert.IsType<SqlRuleFilter>(rule.Filter).SqlExpression);
                }
                if (rule.Name == "by-subject")
                {
                    Assert.Equal("important", Assert.IsType<CorrelationRuleFilter>(rule.Filter).Subject);
                }
            }
            Assert.Equal(["by-subject", "is-red"], names);
            ServiceBusException duplicate = await Assert.ThrowsAsync<ServiceBusException>(() => rules.CreateRuleAsync("is-red", new SqlRuleFilter("1=1")));
            Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, duplicate.Reason);
        }

        await using ServiceBusSender sender = client.CreateSender(topic);
        await sender.SendMessagesAsync([
            new ServiceBusMessage("red") { ApplicationProperties = { ["color"] = "red" } },
            new ServiceBusMessage("blue") { ApplicationProperties = { ["color"] = "blue" } },
            new ServiceBusMessage("subject") { Subject = "important" },
        ]);
        await using ServiceBusReceiver receiver = client.CreateReceiver(topic, "red", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var bodies = new List<string>();
        while (bodies.Count < 2)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(10, TimeSpan.FromSeconds(10));
            Assert.NotEmpty(batch); // a lost message fails here instead of looping forever
            foreach (ServiceBusReceivedMessage m in batch)
            {
                bodies.Add(m.Body.ToString());
            }
        }
        Assert.Equal(["red", "subject"], bodies);
        Assert.Null(await receiver.PeekMessageAsync());
    }
}
