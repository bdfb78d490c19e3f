using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

public sealed class DeadLetterRoutingTests : RoutingFixture
{
    [Fact]
    public async Task Dead_lettering_to_an_exchange_records_the_reason_and_routes_with_the_original_key()
    {
        Queues("work", "dead");
        Exchange("in", ExchangeTypes.Direct);
        Exchange("dlx", ExchangeTypes.Topic);
        BindQueue("in", "work", "job.created");
        BindQueue("dlx", "dead", "job.#");
        await Broker.PublishAsync("in", "job.created", new BrokerMessage { Body = "payload"u8.ToArray(), TimeToLive = TimeSpan.FromMinutes(5) });
        BrokerMessage received = Assert.Single(await Harness.Receive("work"));

        IReadOnlyList<PublishResult> r = await Broker.DeadLetterAsync([received], DeadLetterTarget.ToExchange("dlx"), new DeadLetterReason(DeadLetterCause.Rejected, "work", Description: "no handler"));

        Assert.Equal(["dead"], r[0].Queues);
        BrokerMessage dead = Assert.Single(await Harness.Receive("dead"));
        Assert.Equal("payload", BrokerHarness.Text(dead));
        Assert.Equal("rejected", dead.ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.False(dead.ApplicationProperties.ContainsKey(DeadLetterHeaders.Reason));
        Assert.Equal("no handler", dead.ApplicationProperties[DeadLetterHeaders.Description]);
        Assert.Equal("work", dead.ApplicationProperties[DeadLetterHeaders.Source]);
        Assert.Equal("in", dead.ApplicationProperties[DeadLetterHeaders.Exchange]);
        Assert.Equal("job.created", dead.ApplicationProperties[DeadLetterHeaders.RoutingKey]);
        Assert.Equal(1L, dead.ApplicationProperties[DeadLetterHeaders.Count]);
        Assert.Equal(Harness.Clock.GetUtcNow(), dead.ApplicationProperties[DeadLetterHeaders.Time]);
        Assert.Equal("dlx", dead.NativeFields[RoutingAnnotations.Exchange]);
        Assert.Null(dead.TimeToLive);
        Assert.Equal("work", dead.DeadLetterSource);
    }

    [Fact]
    public async Task Dead_lettering_again_counts_up_and_keeps_the_first_reason_and_a_target_key_or_queue_wins()
    {
        Queues("a", "b", "c");
        Exchange("dlx", ExchangeTypes.Direct);
        BindQueue("dlx", "b", "to-b");
        await Publish("", "a", "m");
        BrokerMessage first = Assert.Single(await Harness.Receive("a"));

        await Broker.DeadLetterAsync([first], DeadLetterTarget.ToExchange("dlx", "to-b"), new DeadLetterReason(DeadLetterCause.Expired, "a"));
        BrokerMessage second = Assert.Single(await Harness.Receive("b"));
        await Broker.DeadLetterAsync([second], DeadLetterTarget.ToQueue("c"), new DeadLetterReason(DeadLetterCause.MaxLength, "b", Text: "too many"));

        BrokerMessage third = Assert.Single(await Harness.Receive("c"));
        Assert.Equal(2L, third.ApplicationProperties[DeadLetterHeaders.Count]);
        Assert.Equal("max-length", third.ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.Equal("too many", third.ApplicationProperties[DeadLetterHeaders.Reason]);
        Assert.Equal("expired", third.ApplicationProperties[DeadLetterHeaders.FirstCause]);
        Assert.Equal("a", third.ApplicationProperties[DeadLetterHeaders.FirstSource]);
        Assert.Equal("to-b", third.ApplicationProperties[DeadLetterHeaders.RoutingKey]);
        Assert.False(third.ApplicationProperties.ContainsKey(DeadLetterHeaders.Description));
    }

    [Fact]
    public async Task A_dead_letter_the_target_exchange_routes_nowhere_is_dropped_and_the_result_says_so()
    {
        Queues("a");
        Exchange("dlx", ExchangeTypes.Direct);
        await Publish("", "a", "m");
        BrokerMessage m = Assert.Single(await Harness.Receive("a"));

        IReadOnlyList<PublishResult> r = await Broker.DeadLetterAsync([m], DeadLetterTarget.ToExchange("dlx"), new DeadLetterReason(DeadLetterCause.Rejected, "a"));

        Assert.False(r[0].Routed);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(() =>
            Broker.DeadLetterAsync([m], DeadLetterTarget.ToExchange("missing"), new DeadLetterReason(DeadLetterCause.Rejected, "a")));
        Assert.Equal(MessagingErrorCode.EntityNotFound, e.Code);
    }
}
