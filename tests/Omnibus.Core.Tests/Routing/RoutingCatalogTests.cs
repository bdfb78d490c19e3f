using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

public sealed class RoutingCatalogTests : RoutingFixture
{
    [Fact]
    public async Task Durable_exchanges_and_their_bindings_survive_a_restart_and_transient_ones_do_not()
    {
        Queues("q", "t");
        Broker.DeclareExchange(new ExchangeDescription
        {
            Name = "orders:Placed",
            Type = ExchangeTypes.Headers,
            AlternateExchange = "ae",
            Arguments = new() { ["x-custom"] = 7, ["list"] = new List<object?> { 1L, "two", null }, ["when"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) },
        });
        Exchange("ae", ExchangeTypes.Fanout);
        Exchange("temp", ExchangeTypes.Fanout, durable: false);
        BindQueue("orders:Placed", "q", arguments: new() { ["x-match"] = "any", ["level"] = (short)3, ["tag"] = "a" });
        BindQueue("ae", "q");
        BindExchange("orders:Placed", "temp");
        BindQueue("temp", "t");

        Harness.Restart();

        Assert.Equal(["", "ae", "orders:Placed"], Broker.ListExchanges().Select(x => x.Name));
        ExchangeDescription x = Broker.GetExchange("orders:Placed");
        Assert.Equal(ExchangeTypes.Headers, x.Type);
        Assert.Equal("ae", x.AlternateExchange);
        Assert.Equal(7, x.Arguments["x-custom"]);
        Assert.Equal(new List<object?> { 1L, "two", null }, (List<object?>)x.Arguments["list"]!);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), x.Arguments["when"]);
        BindingDescription kept = Assert.Single(Broker.ListBindings("orders:Placed"));
        Assert.Equal((short)3, kept.Arguments["level"]);
        Assert.Equal(["q"], (await Publish("orders:Placed", "", headers: new Dictionary<string, object?> { ["level"] = 3 })).Queues);
        Assert.Equal(["q"], (await Publish("orders:Placed", "", headers: new Dictionary<string, object?> { ["level"] = 4 })).Queues);
        Assert.Equal(2, (await Drain("q")).Count);
        Assert.Equal(MessagingErrorCode.EntityNotFound, Assert.Throws<MessagingException>(() => Broker.GetExchange("temp")).Code);
    }

    [Fact]
    public void Watchers_hear_exchanges_and_bindings_created_and_deleted_and_nothing_for_a_redeclare()
    {
        Queues("q");
        var changes = new List<EntityChange>();
        Broker.EntityChanged += changes.Add;

        Exchange("x", ExchangeTypes.Topic);
        Exchange("x", ExchangeTypes.Topic);
        Assert.True(BindQueue("x", "q", "a.*"));
        Assert.False(BindQueue("x", "q", "a.*"));
        Assert.True(Broker.Unbind(new BindingDescription { Source = "x", Destination = "q", RoutingKey = "a.*" }));
        Assert.False(Broker.Unbind(new BindingDescription { Source = "x", Destination = "q", RoutingKey = "a.*" }));
        Broker.DeleteExchange("x");

        Assert.Equal(
        [
            new EntityChange(EntityKind.Exchange, "x", EntityChangeKind.Created),
            new EntityChange(EntityKind.Binding, "q", EntityChangeKind.Created, "x"),
            new EntityChange(EntityKind.Binding, "q", EntityChangeKind.Deleted, "x"),
            new EntityChange(EntityKind.Exchange, "x", EntityChangeKind.Deleted),
        ], changes);
    }

    [Fact]
    public async Task Deleting_a_queue_removes_its_bindings_and_an_auto_delete_exchange_left_without_bindings()
    {
        Queues("q", "keep");
        Exchange("auto", ExchangeTypes.Fanout, autoDelete: true);
        Exchange("stays", ExchangeTypes.Fanout);
        BindQueue("auto", "q");
        BindQueue("stays", "q");
        BindQueue("stays", "keep");
        var changes = new List<EntityChange>();
        Broker.EntityChanged += changes.Add;

        Broker.DeleteQueue("q");

        Assert.Equal(
        [
            new EntityChange(EntityKind.Queue, "q", EntityChangeKind.Deleted),
            new EntityChange(EntityKind.Binding, "q", EntityChangeKind.Deleted, "auto"),
            new EntityChange(EntityKind.Binding, "q", EntityChangeKind.Deleted, "stays"),
            new EntityChange(EntityKind.Exchange, "auto", EntityChangeKind.Deleted),
        ], changes);
        Assert.Equal(["keep"], (await Publish("stays", "")).Queues);
        Harness.Restart();
        Assert.Equal(["", "stays"], Broker.ListExchanges().Select(x => x.Name));
        Assert.Equal("keep", Assert.Single(Broker.ListBindings()).Destination);
    }

    [Fact]
    public void Deleting_an_exchange_removes_the_bindings_from_it_and_to_it()
    {
        Queues("q");
        Exchange("a", ExchangeTypes.Fanout);
        Exchange("b", ExchangeTypes.Fanout);
        BindExchange("a", "b");
        BindQueue("b", "q");

        Broker.DeleteExchange("b");

        Assert.Empty(Broker.ListBindings());
        Harness.Restart();
        Assert.Empty(Broker.ListBindings());
        Assert.Equal(["", "a"], Broker.ListExchanges().Select(x => x.Name));
    }

    [Fact]
    public void Delete_if_unused_refuses_an_exchange_with_bindings()
    {
        Queues("q");
        Exchange("x");
        BindQueue("x", "q", "k");

        Assert.Equal(MessagingErrorCode.PreconditionFailed, Assert.Throws<MessagingException>(() => Broker.DeleteExchange("x", ifUnused: true)).Code);
        Assert.Single(Broker.ListBindings("x"));
    }

    [Fact]
    public async Task Exchange_names_are_case_sensitive_and_each_namespace_has_its_own()
    {
        string directory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using (NamespaceRegistry registry = NamespaceRegistry.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = directory }))
            {
                Broker vhost = registry.Create("vhost-a");
                foreach (Broker b in new[] { registry.Default, vhost })
                {
                    b.CreateQueue(new QueueDescription { Name = "q" });
                }
                registry.Default.DeclareExchange(new ExchangeDescription { Name = "Events", Type = ExchangeTypes.Fanout });
                registry.Default.DeclareExchange(new ExchangeDescription { Name = "events", Type = ExchangeTypes.Topic });
                vhost.DeclareExchange(new ExchangeDescription { Name = "events", Type = ExchangeTypes.Direct });
                vhost.Bind(new BindingDescription { Source = "events", Destination = "q", RoutingKey = "k" });
            }
            using NamespaceRegistry reopened = NamespaceRegistry.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = directory });
            Assert.Equal(ExchangeTypes.Fanout, reopened.Default.GetExchange("Events").Type);
            Assert.Equal(ExchangeTypes.Topic, reopened.Default.GetExchange("events").Type);
            Assert.Equal(ExchangeTypes.Direct, reopened.Get("vhost-a").GetExchange("events").Type);
            Assert.Empty(reopened.Default.ListBindings());
            Assert.True((await reopened.Get("vhost-a").PublishAsync("events", "k", BrokerHarness.Message("m"))).Routed);
        }
        finally
        {
            TestStore.Delete(directory);
        }
    }
}
