using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

public sealed class TopologyRoutingTests : RoutingFixture
{
    [Fact]
    public async Task An_exchange_to_exchange_binding_routes_on_by_the_destinations_own_bindings()
    {
        Queues("eu-orders", "all-orders");
        Exchange("ingress", ExchangeTypes.Topic);
        Exchange("eu", ExchangeTypes.Direct);
        Exchange("fan", ExchangeTypes.Fanout);
        BindExchange("ingress", "eu", "*.eu");
        BindExchange("ingress", "fan", "#");
        BindQueue("eu", "eu-orders", "order.eu");
        BindQueue("fan", "all-orders");

        Assert.Equal(["all-orders", "eu-orders"], (await Publish("ingress", "order.eu")).Queues.Order().ToList());
        Assert.Equal(["all-orders"], (await Publish("ingress", "order.us")).Queues);
        Assert.DoesNotContain("eu-orders", (await Publish("ingress", "invoice.eu.x")).Queues);
    }

    [Fact]
    public async Task A_queue_reached_by_several_paths_gets_the_message_once()
    {
        Queues("q");
        Exchange("t", ExchangeTypes.Topic);
        Exchange("f", ExchangeTypes.Fanout);
        BindQueue("t", "q", "a.*");
        BindQueue("t", "q", "a.#");
        BindQueue("t", "q", "#");
        BindExchange("t", "f", "a.b");
        BindQueue("f", "q");

        PublishResult r = await Publish("t", "a.b", "once");

        Assert.Equal(["q"], r.Queues);
        Assert.Equal(["once"], await Drain("q"));
    }

    [Fact]
    public async Task A_cycle_of_exchange_to_exchange_bindings_ends_and_delivers_each_queue_once()
    {
        Queues("qa", "qb");
        Exchange("a", ExchangeTypes.Fanout);
        Exchange("b", ExchangeTypes.Fanout);
        Exchange("c", ExchangeTypes.Fanout);
        BindExchange("a", "b");
        BindExchange("b", "c");
        BindExchange("c", "a");
        BindExchange("b", "b");
        BindQueue("a", "qa");
        BindQueue("c", "qb");
        BindQueue("b", "qa");

        PublishResult r = await Publish("b", "k", "loop");

        Assert.Equal(["qa", "qb"], r.Queues.Order().ToList());
        Assert.Equal(["loop"], await Drain("qa"));
        Assert.Equal(["loop"], await Drain("qb"));
    }

    [Fact]
    public async Task An_alternate_exchange_takes_what_the_exchanges_own_bindings_do_not_match()
    {
        Queues("matched", "unrouted");
        Exchange("ae", ExchangeTypes.Fanout);
        BindQueue("ae", "unrouted");
        Exchange("main", ExchangeTypes.Direct, alternate: "ae");
        BindQueue("main", "matched", "known");

        Assert.Equal(["matched"], (await Publish("main", "known", "1")).Queues);
        Assert.Equal(["unrouted"], (await Publish("main", "unknown", "2")).Queues);
        Assert.Equal(["2"], await Drain("unrouted"));
    }

    [Fact]
    public async Task An_alternate_exchange_that_does_not_exist_leaves_the_message_unroutable_and_alternates_can_chain_in_a_loop()
    {
        Queues("last");
        Exchange("lost", ExchangeTypes.Direct, alternate: "nowhere");
        Assert.False((await Publish("lost", "k")).Routed);

        Exchange("x1", ExchangeTypes.Direct, alternate: "x2");
        Exchange("x2", ExchangeTypes.Direct, alternate: "x1");
        Assert.False((await Publish("x1", "k")).Routed);

        BindQueue("x2", "last", "k");
        Assert.Equal(["last"], (await Publish("x1", "k")).Queues);
    }

    [Fact]
    public async Task An_exchange_that_routes_only_to_an_empty_exchange_does_not_use_its_alternate()
    {
        Queues("alt");
        Exchange("ae", ExchangeTypes.Fanout);
        BindQueue("ae", "alt");
        Exchange("empty", ExchangeTypes.Fanout);
        Exchange("top", ExchangeTypes.Fanout, alternate: "ae");
        BindExchange("top", "empty");

        // As RabbitMQ: the alternate is for messages the exchange's own bindings do not match.
        Assert.False((await Publish("top", "k")).Routed);
    }

    [Fact]
    public async Task An_internal_exchange_is_reached_through_bindings_but_not_published_to()
    {
        Queues("q");
        Exchange("inner", ExchangeTypes.Fanout, isInternal: true);
        Exchange("outer", ExchangeTypes.Fanout);
        BindExchange("outer", "inner");
        BindQueue("inner", "q");

        Assert.Equal(["q"], (await Publish("outer", "")).Queues);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(() => Publish("inner", ""));
        Assert.Equal(MessagingErrorCode.InvalidOperation, e.Code);
    }

    [Fact]
    public async Task A_queue_bound_to_many_sources_gets_from_each_and_a_batch_is_routed_message_by_message()
    {
        Queues("q", "other");
        Exchange("d", ExchangeTypes.Direct);
        Exchange("t", ExchangeTypes.Topic);
        Exchange("h", ExchangeTypes.Headers);
        BindQueue("d", "q", "k");
        BindQueue("t", "q", "k.#");
        BindQueue("h", "q", arguments: new() { ["kind"] = "x" });
        BindQueue("h", "other", arguments: new() { ["kind"] = "y" });

        await Publish("d", "k", "1");
        await Publish("t", "k.k", "2");
        IReadOnlyList<PublishResult> batch = await Broker.PublishAsync("h", "",
        [
            BrokerHarness.Message("3", properties: new Dictionary<string, object?> { ["kind"] = "x" }),
            BrokerHarness.Message("4", properties: new Dictionary<string, object?> { ["kind"] = "y" }),
            BrokerHarness.Message("5"),
        ]);

        Assert.Equal([["q"], ["other"], []], batch.Select(r => r.Queues.ToArray()).ToArray());
        Assert.Equal([true, true, false], batch.Select(r => r.Routed).ToArray());
        Assert.Equal(["1", "2", "3"], await Drain("q"));
        Assert.Equal(["4"], await Drain("other"));
    }

    [Fact]
    public async Task A_routed_message_is_stored_durably_in_each_queue_and_survives_a_restart()
    {
        Queues("a", "b");
        Exchange("f", ExchangeTypes.Fanout);
        BindQueue("f", "a");
        BindQueue("f", "b");
        await Publish("f", "", "kept");

        Harness.Restart();

        Assert.Equal(["kept"], await Drain("a"));
        Assert.Equal(["kept"], await Drain("b"));
    }

    [Fact]
    public async Task A_custom_exchange_type_plugs_in_its_own_matcher()
    {
        using var harness = new PluggedBroker(new EveryOtherType());
        harness.Broker.CreateQueue(new Entities.QueueDescription { Name = "q" });
        harness.Broker.DeclareExchange(new ExchangeDescription { Name = "x", Type = "every-other" });
        harness.Broker.Bind(new BindingDescription { Source = "x", Destination = "q", RoutingKey = "even" });

        Assert.True((await harness.Broker.PublishAsync("x", "2", BrokerHarness.Message("a"))).Routed);
        Assert.False((await harness.Broker.PublishAsync("x", "3", BrokerHarness.Message("b"))).Routed);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() =>
            harness.Broker.Bind(new BindingDescription { Source = "x", Destination = "q", RoutingKey = "prime" })).Code);
    }

    /// <summary>Routes numeric keys: a binding with key "even" takes even numbers.</summary>
    private sealed class EveryOtherType : IExchangeType
    {
        public string Name => "every-other";

        public IBindingMatcher CreateMatcher(ExchangeDescription exchange, Core.Matching.IRuleCompiler ruleCompiler) => new Matcher();

        private sealed class Matcher : IBindingMatcher
        {
            private readonly List<BindingDescription> _bindings = [];

            public void Validate(BindingDescription binding)
            {
                if (binding.RoutingKey != "even")
                {
                    throw new MessagingException(MessagingErrorCode.InvalidArgument, "only 'even'");
                }
            }

            public void Add(BindingDescription binding) => _bindings.Add(binding);

            public void Remove(BindingDescription binding) => _bindings.RemoveAll(b => b.SameAs(binding));

            public void Match(string routingKey, Core.Messages.BrokerMessage message, RouteCollector routes)
            {
                if (int.TryParse(routingKey, System.Globalization.CultureInfo.InvariantCulture, out int n) && n % 2 == 0)
                {
                    _bindings.ForEach(routes.Add);
                }
            }
        }
    }

    private sealed class PluggedBroker(IExchangeType type) : IDisposable
    {
        public Core.Engine.Broker Broker { get; } = Core.Engine.Broker.Open(new Core.Engine.BrokerOptions { Store = TestStore.Current,
            DataDirectory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N")),
            ExchangeTypes = [type],
        });

        public void Dispose()
        {
            Broker.Dispose();
            TestStore.Delete(Broker.DataDirectory);
        }
    }
}
