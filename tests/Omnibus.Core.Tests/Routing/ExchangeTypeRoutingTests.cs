using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

public sealed class ExchangeTypeRoutingTests : RoutingFixture
{
    [Fact]
    public async Task A_direct_exchange_routes_to_the_bindings_whose_key_equals_the_routing_key()
    {
        Queues("a", "b");
        Exchange("orders");
        BindQueue("orders", "a", "created");
        BindQueue("orders", "b", "created");
        BindQueue("orders", "b", "Created");

        PublishResult created = await Publish("orders", "created", "1");
        PublishResult upper = await Publish("orders", "Created", "2");
        PublishResult none = await Publish("orders", "deleted", "3");

        Assert.Equal(["a", "b"], created.Queues);
        Assert.Equal(["b"], upper.Queues);
        Assert.False(none.Routed);
        Assert.Equal(["1"], await Drain("a"));
        Assert.Equal(["1", "2"], await Drain("b"));
    }

    [Fact]
    public async Task A_fanout_exchange_routes_to_every_binding_whatever_the_key()
    {
        Queues("a", "b", "c");
        Exchange("events", ExchangeTypes.Fanout);
        BindQueue("events", "a");
        BindQueue("events", "b", "ignored");

        PublishResult r = await Publish("events", "anything");

        Assert.True(r.Routed);
        Assert.Equal(["a", "b"], r.Queues);
        Assert.Empty(await Drain("c"));
    }

    [Theory]
    [InlineData("stock.usd.nyse", "stock.*.nyse", true)]
    [InlineData("stock.usd.nyse", "stock.#", true)]
    [InlineData("stock", "stock.#", true)]
    [InlineData("stock", "stock.*", false)]
    [InlineData("stock.usd", "#.usd", true)]
    [InlineData("usd", "#.usd", true)]
    [InlineData("a.b.c.d", "a.#.d", true)]
    [InlineData("a.d", "a.#.d", true)]
    [InlineData("a.b.c", "a.#.#.c", true)]
    [InlineData("", "#", true)]
    [InlineData("", "", true)]
    [InlineData("", "*", false)]
    [InlineData("a..b", "a.*.b", true)]
    [InlineData("a.b", "a.b.#", true)]
    [InlineData("a.x", "a.x*", false)]
    [InlineData("a.x*", "a.x*", true)]
    [InlineData("A.b", "a.b", false)]
    public async Task A_topic_exchange_matches_star_as_one_word_and_hash_as_zero_or_more(string routingKey, string pattern, bool routed)
    {
        Queues("q");
        Exchange("t", ExchangeTypes.Topic);
        BindQueue("t", "q", pattern);

        Assert.Equal(routed, (await Publish("t", routingKey)).Routed);
    }

    [Fact]
    public async Task A_topic_binding_removed_stops_matching_while_its_neighbours_keep_matching()
    {
        Queues("q1", "q2");
        Exchange("t", ExchangeTypes.Topic);
        BindQueue("t", "q1", "a.*.c");
        BindQueue("t", "q2", "a.*.c");
        BindQueue("t", "q2", "a.#");
        Broker.Unbind(new BindingDescription { Source = "t", Destination = "q1", RoutingKey = "a.*.c" });

        Assert.Equal(["q2"], (await Publish("t", "a.b.c")).Queues);
        Assert.Equal(3 - 1, Broker.ListBindings("t").Count);
    }

    [Fact]
    public async Task A_headers_exchange_matches_all_or_any_and_skips_x_arguments_unless_asked()
    {
        Queues("all", "any", "allx", "anyx", "present", "empty-all", "empty-any");
        Exchange("h", ExchangeTypes.Headers);
        BindQueue("h", "all", arguments: new() { ["x-match"] = "all", ["format"] = "pdf", ["type"] = "report", ["x-note"] = "ignored" });
        BindQueue("h", "any", arguments: new() { ["x-match"] = "any", ["format"] = "pdf", ["type"] = "log" });
        BindQueue("h", "allx", arguments: new() { ["x-match"] = "all-with-x", ["format"] = "pdf", ["x-tenant"] = "t1" });
        BindQueue("h", "anyx", arguments: new() { ["x-match"] = "any-with-x", ["x-tenant"] = "t1" });
        BindQueue("h", "present", arguments: new() { ["format"] = null });
        BindQueue("h", "empty-all", arguments: new() { ["x-match"] = "all" });
        BindQueue("h", "empty-any", arguments: new() { ["x-match"] = "any" });

        PublishResult report = await Publish("h", "key ignored", headers: new Dictionary<string, object?> { ["format"] = "pdf", ["type"] = "report" });
        PublishResult tenant = await Publish("h", "", headers: new Dictionary<string, object?> { ["format"] = "pdf", ["x-tenant"] = "t1" });
        PublishResult nothing = await Publish("h", "");

        Assert.Equal(["all", "any", "present", "empty-all"], report.Queues);
        Assert.Equal(["any", "allx", "anyx", "present", "empty-all"], tenant.Queues);
        Assert.Equal(["empty-all"], nothing.Queues);
    }

    [Fact]
    public async Task A_headers_exchange_compares_integers_of_every_width_as_one_type()
    {
        Queues("q");
        Exchange("h", ExchangeTypes.Headers);
        BindQueue("h", "q", arguments: new() { ["level"] = (byte)5, ["ratio"] = 0.5f });

        Assert.True((await Publish("h", "", headers: new Dictionary<string, object?> { ["level"] = 5L, ["ratio"] = 0.5d })).Routed);
        Assert.False((await Publish("h", "", headers: new Dictionary<string, object?> { ["level"] = "5", ["ratio"] = 0.5d })).Routed);
    }

    [Fact]
    public async Task A_rules_exchange_routes_by_each_bindings_filters_and_rule_actions_make_copies()
    {
        Queues("eu", "big", "all");
        Exchange("sb", ExchangeTypes.Rules);
        Broker.Bind(new BindingDescription { Source = "sb", Destination = "eu", Rules = [new RuleDescription { Name = "eu", Filter = RuleFilterDescription.Sql("region = 'eu'") }] });
        Broker.Bind(new BindingDescription
        {
            Source = "sb",
            Destination = "big",
            Rules = [new RuleDescription { Name = "mark", Filter = RuleFilterDescription.Sql("amount > 100"), ActionSqlExpression = "SET flagged = 'yes'" }],
        });
        Broker.Bind(new BindingDescription { Source = "sb", Destination = "all" });

        PublishResult r = await Broker.PublishAsync("sb", "", BrokerHarness.Message("order", properties: new Dictionary<string, object?> { ["region"] = "eu", ["amount"] = 500L }));

        Assert.Equal(["eu", "all", "big"], r.Queues);
        var big = await Harness.Receive("big", 10, Core.Engine.ReceiveMode.ReceiveAndDelete);
        Assert.Equal("yes", Assert.Single(big).ApplicationProperties["flagged"]);
        Assert.Single(await Drain("eu"));
        Assert.DoesNotContain("eu", (await Broker.PublishAsync("sb", "", BrokerHarness.Message("x", properties: new Dictionary<string, object?> { ["region"] = "us", ["amount"] = 1L }))).Queues);
    }

    [Fact]
    public async Task The_default_exchange_routes_to_the_queue_the_routing_key_names_and_nowhere_else()
    {
        Queues("orders", "Orders");

        Assert.Equal(["orders"], (await Publish(Core.Engine.Broker.DefaultExchange, "orders", "1")).Queues);
        Assert.False((await Publish("", "ORDERS", "2")).Routed);
        Assert.Equal(["1"], await Drain("orders"));
        Assert.Empty(await Drain("Orders"));
        Assert.Equal("", Broker.ListExchanges()[0].Name);
        Assert.Empty(Broker.ListBindings(""));
    }

    [Fact]
    public async Task A_published_message_remembers_its_exchange_and_routing_key()
    {
        Queues("q");
        Exchange("x", ExchangeTypes.Topic);
        BindQueue("x", "q", "a.#");

        await Publish("x", "a.b");

        var m = Assert.Single(await Harness.Receive("q"));
        Assert.Equal("x", m.Annotations[RoutingAnnotations.Exchange]);
        Assert.Equal("a.b", m.Annotations[RoutingAnnotations.RoutingKey]);
    }
}
