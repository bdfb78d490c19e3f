using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Registry;

public sealed class CaseSensitiveNameTests : IDisposable
{
    private readonly BrokerHarness _harness = new();

    [Fact]
    public async Task Names_that_differ_only_in_case_are_two_entities_with_their_own_messages_across_a_restart()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "Orders" });
        await _harness.Broker.SendAsync("orders", [BrokerHarness.Message("lower")]);
        await _harness.Broker.SendAsync("Orders", [BrokerHarness.Message("upper-1"), BrokerHarness.Message("upper-2")]);

        _harness.Restart();

        Assert.Equal(["Orders", "orders"], _harness.Broker.ListQueues().Select(q => q.Name));
        Assert.Equal(["lower"], await BodiesAsync("orders"));
        Assert.Equal(["upper-1", "upper-2"], await BodiesAsync("Orders"));
    }

    [Fact]
    public void A_name_differing_only_in_case_is_not_found_by_exact_lookups()
    {
        _harness.Broker.CreateTopic(new TopicDescription { Name = "events" });

        var e = Assert.Throws<MessagingException>(() => _harness.Broker.GetTopic("EVENTS"));
        Assert.Equal(MessagingErrorCode.EntityNotFound, e.Code);
    }

    [Fact]
    public void Resolving_ignoring_case_finds_the_exact_name_first_then_a_unique_variant_and_leaves_ambiguous_names_alone()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "payments" });
        _harness.Broker.CreateTopic(new TopicDescription { Name = "Events" });
        _harness.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "Events", Name = "Audit" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "jobs" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "JOBS" });

        Assert.Equal("payments", _harness.Broker.ResolveNameIgnoringCase("PAYMENTS"));
        Assert.Equal("Events", _harness.Broker.ResolveNameIgnoringCase("events"));
        Assert.Equal("Audit", _harness.Broker.ResolveSubscriptionNameIgnoringCase("Events", "audit"));
        Assert.Equal("JOBS", _harness.Broker.ResolveNameIgnoringCase("JOBS"));
        Assert.Equal("Jobs", _harness.Broker.ResolveNameIgnoringCase("Jobs"));
        Assert.Equal("missing", _harness.Broker.ResolveNameIgnoringCase("missing"));
    }

    private async Task<string[]> BodiesAsync(string queue)
    {
        IReadOnlyList<BrokerMessage> got = await _harness.Broker.GetReceivable(queue).ReceiveAsync(10, TimeSpan.Zero, Engine.ReceiveMode.ReceiveAndDelete);
        return [.. got.Select(m => System.Text.Encoding.UTF8.GetString(m.Body.Span))];
    }

    public void Dispose() => _harness.Dispose();
}
