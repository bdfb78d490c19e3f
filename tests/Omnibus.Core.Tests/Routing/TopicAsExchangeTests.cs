using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

/// <summary>A topic with subscriptions is one shape of the routing topology: it is the exchange of its name.</summary>
public sealed class TopicAsExchangeTests : RoutingFixture
{
    private void Topic(string name, params (string Subscription, RuleFilterDescription Filter)[] subscriptions)
    {
        Broker.CreateTopic(new TopicDescription { Name = name });
        foreach ((string sub, RuleFilterDescription filter) in subscriptions)
        {
            Broker.CreateSubscription(new SubscriptionDescription { TopicName = name, Name = sub }, new RuleDescription { Name = "r", Filter = filter });
        }
    }

    private async Task<List<string>> DrainSubscription(string topic, string subscription)
    {
        Receivable r = Broker.GetReceivable(topic, subscription);
        var bodies = new List<string>();
        IReadOnlyList<BrokerMessage> got;
        while ((got = await r.ReceiveAsync(100, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete)).Count > 0)
        {
            bodies.AddRange(got.Select(BrokerHarness.Text));
        }
        return bodies;
    }

    private static Dictionary<string, object?> Color(string color) => new() { ["color"] = color };

    [Fact]
    public async Task Publishing_to_a_topics_name_reaches_the_subscriptions_its_rules_select()
    {
        Topic("events", ("red", RuleFilterDescription.Sql("color = 'red'")), ("all", RuleFilterDescription.True));

        PublishResult red = await Publish("events", "any.key", "r1", Color("red"));
        await Publish("events", "any.key", "b1", Color("blue"));

        Assert.True(red.Routed);
        Assert.Equal(["events"], red.Queues);
        Assert.Equal(["r1"], await DrainSubscription("events", "red"));
        Assert.Equal(["r1", "b1"], await DrainSubscription("events", "all"));
    }

    [Fact]
    public async Task An_exchange_declared_with_a_topics_name_routes_to_its_bindings_and_to_the_topic_once_each()
    {
        Topic("events", ("all", RuleFilterDescription.True));
        Queues("audit");
        Exchange("events", ExchangeTypes.Fanout);
        BindQueue("events", "audit");

        PublishResult r = await Publish("events", "", "once");

        Assert.Equal(["audit", "events"], r.Queues.Order().ToList());
        Assert.Equal(["once"], await Drain("audit"));
        Assert.Equal(["once"], await DrainSubscription("events", "all"));
    }

    [Fact]
    public async Task Batches_sent_each_on_their_own_to_a_topic_also_go_through_the_exchange_of_its_name()
    {
        Topic("events", ("all", RuleFilterDescription.True));
        Queues("audit");
        Exchange("events", ExchangeTypes.Fanout);
        BindQueue("events", "audit");

        Exception?[] errors = await Broker.SendEachAsync("events", [[BrokerHarness.Message("a")], [BrokerHarness.Message("b")]]);

        Assert.All(errors, Assert.Null);
        Assert.Equal(["a", "b"], await DrainSubscription("events", "all"));
        Assert.Equal(["a", "b"], await Drain("audit"));
    }

    [Fact]
    public async Task A_send_to_a_topic_also_goes_through_the_bindings_of_the_exchange_of_its_name_keyed_by_subject()
    {
        Topic("events", ("all", RuleFilterDescription.True));
        Queues("eu", "everything");
        Exchange("events", ExchangeTypes.Topic);
        BindQueue("events", "eu", "order.eu.*");
        BindQueue("events", "everything", "#");

        BrokerMessage eu = BrokerHarness.Message("eu-order");
        eu.Subject = "order.eu.created";
        BrokerMessage us = BrokerHarness.Message("us-order");
        us.Subject = "order.us.created";
        await Broker.SendAsync("events", [eu, us]);

        Assert.Equal(["eu-order", "us-order"], await DrainSubscription("events", "all"));
        Assert.Equal(["eu-order"], await Drain("eu"));
        Assert.Equal(["eu-order", "us-order"], await Drain("everything"));
    }

    [Fact]
    public void A_binding_to_a_topic_survives_a_restart_and_goes_with_the_topic()
    {
        Topic("events", ("red", RuleFilterDescription.Sql("color = 'red'")));
        Exchange("ingress", ExchangeTypes.Direct);
        Assert.True(Broker.Bind(new BindingDescription { Source = "ingress", Destination = "events", DestinationKind = BindingDestinationKind.Topic, RoutingKey = "paint" }));

        Harness.Restart();
        Assert.Single(Broker.ListBindings("ingress"));
        Broker.DeleteTopic("events");

        Assert.Empty(Broker.ListBindings("ingress"));
        Harness.Restart();
        Assert.Empty(Broker.ListBindings("ingress"));
    }

    [Fact]
    public async Task Messages_an_exchange_hands_to_a_topic_are_in_its_subscriptions()
    {
        Topic("events", ("red", RuleFilterDescription.Sql("color = 'red'")));
        Exchange("ingress", ExchangeTypes.Direct);
        Broker.Bind(new BindingDescription { Source = "ingress", Destination = "events", DestinationKind = BindingDestinationKind.Topic, RoutingKey = "paint" });

        await Publish("ingress", "paint", "red-1", Color("red"));
        await Publish("ingress", "paint", "blue-1", Color("blue"));
        await Publish("ingress", "other", "red-2", Color("red"));

        Assert.Equal(["red-1"], await DrainSubscription("events", "red"));
    }

    [Fact]
    public void A_binding_to_a_topic_that_does_not_exist_is_refused_as_not_found()
    {
        Exchange("ingress", ExchangeTypes.Fanout);
        var e = Assert.Throws<MessagingException>(() => Broker.Bind(new BindingDescription { Source = "ingress", Destination = "nowhere", DestinationKind = BindingDestinationKind.Topic }));
        Assert.Equal(MessagingErrorCode.EntityNotFound, e.Code);
        Assert.Empty(Broker.ListBindings("ingress"));
    }
}
