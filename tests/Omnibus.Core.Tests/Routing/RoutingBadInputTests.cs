using Omnibus.Core.Entities;
using Omnibus.Core.Engine;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

public sealed class RoutingBadInputTests : RoutingFixture
{
    private MessagingErrorCode Refused(Action action)
    {
        string before = TestStore.ReadText(RoutingFile);
        int exchanges = Broker.ListExchanges().Count, bindings = Broker.ListBindings().Count;
        MessagingException e = Assert.Throws<MessagingException>(action);
        // Nothing half-created: the topology and its file are as they were.
        Assert.Equal(exchanges, Broker.ListExchanges().Count);
        Assert.Equal(bindings, Broker.ListBindings().Count);
        Assert.Equal(before, TestStore.ReadText(RoutingFile));
        return e.Code;
    }

    private string RoutingFile => Path.Combine(Harness.Directory, RoutingCatalog.FileName);

    [Fact]
    public void A_binding_to_or_from_a_missing_exchange_or_queue_is_not_found()
    {
        Queues("q");
        Exchange("x");

        Assert.Equal(MessagingErrorCode.EntityNotFound, Refused(() => BindQueue("missing", "q")));
        Assert.Equal(MessagingErrorCode.EntityNotFound, Refused(() => BindQueue("x", "missing")));
        Assert.Equal(MessagingErrorCode.EntityNotFound, Refused(() => BindExchange("x", "missing")));
        Assert.Equal(MessagingErrorCode.EntityNotFound, Refused(() => BindQueue("x", "Q")));
        Assert.Equal(MessagingErrorCode.EntityNotFound, Refused(() => Broker.Unbind(new BindingDescription { Source = "x", Destination = "missing" })));
    }

    [Fact]
    public void The_default_exchange_cannot_be_declared_deleted_or_bound()
    {
        Queues("q");
        Exchange("x");

        Assert.Equal(MessagingErrorCode.InvalidOperation, Refused(() => Exchange("")));
        Assert.Equal(MessagingErrorCode.InvalidOperation, Refused(() => Broker.DeleteExchange("")));
        Assert.Equal(MessagingErrorCode.InvalidOperation, Refused(() => BindQueue("", "q")));
        Assert.Equal(MessagingErrorCode.InvalidOperation, Refused(() => BindExchange("x", "")));
    }

    [Fact]
    public async Task Publishing_to_a_missing_exchange_is_not_found()
    {
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(() => Publish("missing", "k"));
        Assert.Equal(MessagingErrorCode.EntityNotFound, e.Code);
    }

    [Fact]
    public void An_invalid_routing_pattern_or_headers_binding_is_an_invalid_argument()
    {
        Queues("q");
        Exchange("t", ExchangeTypes.Topic);
        Exchange("h", ExchangeTypes.Headers);
        Exchange("r", ExchangeTypes.Rules);
        Exchange("f", ExchangeTypes.Fanout);

        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => BindQueue("t", "q", new string('a', 256))));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => BindQueue("t", "q", "a.\n.b")));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => BindQueue("h", "q", arguments: new() { ["x-match"] = "some" })));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => BindQueue("h", "q", arguments: new() { ["v"] = new object() })));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Broker.Bind(new BindingDescription
        {
            Source = "r",
            Destination = "q",
            Rules = [new RuleDescription { Name = "bad", Filter = RuleFilterDescription.Sql("a = = 1") }],
        })));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Broker.Bind(new BindingDescription
        {
            Source = "r",
            Destination = "f",
            DestinationKind = BindingDestinationKind.Exchange,
            Rules = [new RuleDescription { Name = "act", ActionSqlExpression = "SET a = 1" }],
        })));
    }

    [Fact]
    public void A_name_too_long_or_with_forbidden_characters_or_an_unknown_type_is_an_invalid_argument()
    {
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Exchange(new string('x', 256))));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Exchange(new string('é', 128))));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Exchange("bad\u0000name")));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Exchange("lone\ud800")));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Exchange("x", type: "x-unknown")));
        Assert.Equal(MessagingErrorCode.InvalidArgument, Refused(() => Exchange("x", alternate: "bad\u0001")));

        Exchange(new string('x', 255));
        Exchange("MassTransit:Contracts.OrderPlaced");
        Exchange("a name/with spaces#and*marks");
    }

    [Fact]
    public void Redeclaring_with_another_type_or_flags_is_a_precondition_failure_and_changes_nothing()
    {
        Exchange("x", ExchangeTypes.Topic);

        Assert.Equal(MessagingErrorCode.PreconditionFailed, Refused(() => Exchange("x", ExchangeTypes.Direct)));
        Assert.Equal(MessagingErrorCode.PreconditionFailed, Refused(() => Exchange("x", ExchangeTypes.Topic, durable: false)));
        Assert.Equal(MessagingErrorCode.PreconditionFailed, Refused(() => Exchange("x", ExchangeTypes.Topic, autoDelete: true)));
        Assert.Equal(MessagingErrorCode.PreconditionFailed, Refused(() => Exchange("x", ExchangeTypes.Topic, isInternal: true)));
        Assert.Equal(MessagingErrorCode.PreconditionFailed, Refused(() => Exchange("x", ExchangeTypes.Topic, alternate: "ae")));
        Assert.Equal(ExchangeTypes.Topic, Broker.GetExchange("x").Type);
        Assert.Equal(ExchangeTypes.Topic, Exchange("x", ExchangeTypes.Topic).Type);
    }

    [Fact]
    public void Deleting_a_missing_exchange_is_not_found()
    {
        Assert.Equal(MessagingErrorCode.EntityNotFound, Refused(() => Broker.DeleteExchange("missing")));
    }

    [Fact]
    public async Task The_authorization_hook_is_asked_for_send_on_the_exchange_and_manage_on_declarations()
    {
        var asked = new List<(Core.Security.EntityRight, string)>();
        string directory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N"));
        var hook = new RecordingHook(asked);
        using (Broker broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = directory, Authorization = hook }))
        {
            var caller = new Core.Security.CallerIdentity("app", "test");
            broker.CreateQueue(new QueueDescription { Name = "q" });
            asked.Clear();
            broker.DeclareExchange(new ExchangeDescription { Name = "x", Type = ExchangeTypes.Fanout }, caller);
            broker.Bind(new BindingDescription { Source = "x", Destination = "q" }, caller);
            await broker.PublishAsync("x", "", BrokerHarness.Message("m"), caller);
            await broker.PublishAsync("", "q", BrokerHarness.Message("m"), caller);
            hook.Refuse = true;
            MessagingException e = await Assert.ThrowsAsync<MessagingException>(() => broker.PublishAsync("x", "", BrokerHarness.Message("m"), caller));
            Assert.Equal(MessagingErrorCode.Unauthorized, e.Code);
            Assert.Equal(2, broker.GetQueueRuntimeInfo("q").ActiveMessageCount);
        }
        TestStore.Delete(directory);
        Assert.Equal(
        [
            (Core.Security.EntityRight.Manage, "x"),
            (Core.Security.EntityRight.Manage, "x"),
            (Core.Security.EntityRight.Manage, "q"),
            (Core.Security.EntityRight.Send, "x"),
            (Core.Security.EntityRight.Send, "q"),
            (Core.Security.EntityRight.Send, "x"),
        ], asked);
    }

    private sealed class RecordingHook(List<(Core.Security.EntityRight, string)> asked) : Core.Security.IAuthorizationHook
    {
        public bool Refuse { get; set; }

        public void Authorize(Core.Security.CallerIdentity caller, Core.Security.EntityRight right, string entityPath)
        {
            asked.Add((right, entityPath));
            if (Refuse)
            {
                throw new MessagingException(MessagingErrorCode.Unauthorized, "no");
            }
        }
    }
}
