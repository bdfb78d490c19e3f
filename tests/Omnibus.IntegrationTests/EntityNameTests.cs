using Azure.Messaging.ServiceBus;
using Omnibus.Core.Entities;

namespace Omnibus.IntegrationTests;

/// <summary>Service Bus names ignore case, the core's do not: the SDK reaches an entity whatever case it writes.</summary>
public sealed class EntityNameTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_queue_and_a_subscription_are_reached_through_names_written_in_another_case()
    {
        string queue = Host.CreateQueue("lower-case");
        string topic = Host.UniqueName("topic");
        Host.Broker.CreateTopic(new TopicDescription { Name = topic });
        Host.Broker.CreateSubscription(new SubscriptionDescription { TopicName = topic, Name = "audit" });
        await using ServiceBusClient client = Host.CreateClient();

        await client.CreateSender(queue.ToUpperInvariant()).SendMessageAsync(new ServiceBusMessage("to the queue"));
        await client.CreateSender(topic.ToUpperInvariant()).SendMessageAsync(new ServiceBusMessage("to the topic"));

        ServiceBusReceivedMessage? fromQueue = await client.CreateReceiver(queue).ReceiveMessageAsync(Wait);
        ServiceBusReceivedMessage? fromSubscription = await client.CreateReceiver(topic.ToUpperInvariant(), "AUDIT").ReceiveMessageAsync(Wait);
        Assert.Equal("to the queue", fromQueue?.Body.ToString());
        Assert.Equal("to the topic", fromSubscription?.Body.ToString());
    }
}
