using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Core.Tests.Registry;

public sealed class EntityChangeTests : IDisposable
{
    private readonly BrokerHarness _harness = new();

    [Fact]
    public void Watchers_hear_every_catalog_change_in_order_and_nothing_for_a_refused_one()
    {
        var changes = new List<EntityChange>();
        _harness.Broker.EntityChanged += changes.Add;

        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        _harness.Broker.UpdateQueue(new QueueDescription { Name = "orders", MaxDeliveryCount = 3 });
        _harness.Broker.CreateTopic(new TopicDescription { Name = "events" });
        _harness.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "audit" });
        _harness.Broker.AddRule("events", "audit", new RuleDescription { Name = "all" });
        Assert.Throws<MessagingException>(() => _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" }));
        _harness.Broker.DeleteSubscription("events", "audit");
        _harness.Broker.DeleteQueue("orders");

        Assert.Equal(
        [
            new EntityChange(EntityKind.Queue, "orders", EntityChangeKind.Created),
            new EntityChange(EntityKind.Queue, "orders", EntityChangeKind.Updated),
            new EntityChange(EntityKind.Topic, "events", EntityChangeKind.Created),
            new EntityChange(EntityKind.Subscription, "audit", EntityChangeKind.Created, "events"),
            new EntityChange(EntityKind.Subscription, "audit", EntityChangeKind.Updated, "events"),
            new EntityChange(EntityKind.Subscription, "audit", EntityChangeKind.Deleted, "events"),
            new EntityChange(EntityKind.Queue, "orders", EntityChangeKind.Deleted),
        ], changes);
    }

    public void Dispose() => _harness.Dispose();
}
