using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

/// <summary>A queue or subscription whose dead letters go to an exchange (RabbitMQ's x-dead-letter-exchange) instead of its own dead-letter queue.</summary>
public sealed class DeadLetterExchangeTests : RoutingFixture
{
    private void DeadLetteringQueue(string name, string exchange, string? routingKey = null, int maxDeliveryCount = 10, bool onExpiry = false) =>
        Broker.CreateQueue(new QueueDescription
        {
            Name = name,
            DeadLetterExchange = exchange,
            DeadLetterRoutingKey = routingKey,
            MaxDeliveryCount = maxDeliveryCount,
            DeadLetteringOnMessageExpiration = onExpiry,
        });

    private Receivable Q(string name) => Broker.GetReceivable(name);

    [Fact]
    public async Task A_message_over_its_delivery_limit_goes_to_the_dead_letter_exchange_with_the_reason_and_not_to_the_dead_letter_queue()
    {
        Queues("dead");
        Exchange("dlx", ExchangeTypes.Fanout);
        BindQueue("dlx", "dead");
        DeadLetteringQueue("work", "dlx", maxDeliveryCount: 2);
        await Harness.Send("work", "poison");

        for (int attempt = 0; attempt < 2; attempt++)
        {
            BrokerMessage m = Assert.Single(await Q("work").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
            await Q("work").AbandonAsync(m.Delivery.LockToken);
        }
        Assert.Empty(await Q("work").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));

        BrokerMessage dead = Assert.Single(await Harness.Receive("dead", mode: ReceiveMode.ReceiveAndDelete));
        Assert.Equal("poison", BrokerHarness.Text(dead));
        Assert.Equal("delivery-limit", dead.ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.False(dead.ApplicationProperties.ContainsKey(DeadLetterHeaders.Reason));
        Assert.Equal("work", dead.ApplicationProperties[DeadLetterHeaders.Source]);
        Assert.Equal(1L, dead.ApplicationProperties[DeadLetterHeaders.Count]);
        Assert.Empty(await Q("work").DeadLetter.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
    }

    [Fact]
    public async Task An_explicit_dead_letter_and_an_expired_message_are_published_with_the_dead_letter_routing_key()
    {
        Queues("rejected", "other");
        Exchange("dlx", ExchangeTypes.Direct);
        BindQueue("dlx", "rejected", "failed");
        BindQueue("dlx", "other", "work");
        DeadLetteringQueue("work", "dlx", routingKey: "failed", onExpiry: true);
        await Harness.Send("work", "refused");
        await Broker.SendAsync("work", [new BrokerMessage { Body = "stale"u8.ToArray(), TimeToLive = TimeSpan.FromSeconds(5) }]);

        BrokerMessage refused = (await Q("work").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock))[0];
        await Q("work").DeadLetterAsync(refused.Delivery.LockToken, "invalid", "no such customer");
        await Harness.Advance(TimeSpan.FromSeconds(10));

        List<BrokerMessage> dead = [.. await Harness.Receive("rejected", mode: ReceiveMode.ReceiveAndDelete)];
        Assert.Equal(["refused", "stale"], dead.Select(BrokerHarness.Text).Order());
        BrokerMessage explicitOne = dead.Single(m => BrokerHarness.Text(m) == "refused");
        Assert.Equal("rejected", explicitOne.ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.Equal("invalid", explicitOne.ApplicationProperties[DeadLetterHeaders.Reason]);
        Assert.Equal("no such customer", explicitOne.ApplicationProperties[DeadLetterHeaders.Description]);
        Assert.Equal("expired", dead.Single(m => BrokerHarness.Text(m) == "stale").ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.Empty(await Drain("other"));
    }

    [Fact]
    public async Task The_dead_letter_exchange_of_a_queue_is_kept_across_a_restart()
    {
        Queues("dead");
        Exchange("dlx", ExchangeTypes.Fanout);
        BindQueue("dlx", "dead");
        DeadLetteringQueue("work", "dlx", routingKey: "k");
        Harness.Restart();
        Assert.Equal("dlx", Broker.GetQueue("work").DeadLetterExchange);
        Assert.Equal("k", Broker.GetQueue("work").DeadLetterRoutingKey);

        await Harness.Send("work", "after-restart");
        BrokerMessage m = Assert.Single(await Q("work").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        await Q("work").DeadLetterAsync(m.Delivery.LockToken, "rejected", null);

        Assert.Equal(["after-restart"], await Drain("dead"));
    }

    [Fact]
    public async Task A_dead_letter_exchange_that_does_not_exist_drops_the_message_as_rabbitmq_does()
    {
        DeadLetteringQueue("work", "missing");
        await Harness.Send("work", "lost-on-purpose");
        BrokerMessage m = Assert.Single(await Q("work").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));

        await Q("work").DeadLetterAsync(m.Delivery.LockToken, "rejected", null);

        Assert.Empty(await Q("work").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        Assert.Empty(await Q("work").DeadLetter.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
    }

    [Fact]
    public async Task A_subscription_dead_letters_to_its_exchange_too()
    {
        Queues("dead");
        Exchange("dlx", ExchangeTypes.Fanout);
        BindQueue("dlx", "dead");
        Broker.CreateTopic(new TopicDescription { Name = "events" });
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "s", DeadLetterExchange = "dlx" });
        await Harness.Send("events", "e1");
        Receivable s = Broker.GetReceivable("events", "s");
        BrokerMessage m = Assert.Single(await s.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));

        await s.DeadLetterAsync(m.Delivery.LockToken, "rejected", null);

        BrokerMessage dead = Assert.Single(await Harness.Receive("dead", mode: ReceiveMode.ReceiveAndDelete));
        Assert.Equal("rejected", dead.ApplicationProperties[DeadLetterHeaders.Reason]);
        Assert.Empty(await s.DeadLetter.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
    }
}
