using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests;

public sealed class SendEachTests
{
    [Fact]
    public async Task Each_batch_stands_alone_the_good_ones_are_stored_in_order_and_a_bad_one_is_refused_alone()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", MaxMessageSizeInKilobytes = 1, RequiresDuplicateDetection = true });
        var tooLarge = BrokerHarness.Message("x", "big");
        tooLarge.Body = new byte[4096];
        IReadOnlyList<BrokerMessage>[] batches =
        [
            [BrokerHarness.Message("a", "id-a"), BrokerHarness.Message("b", "id-b")],
            [BrokerHarness.Message("c", "id-c"), tooLarge], // atomic: c goes with the refused one
            [BrokerHarness.Message("d", "id-d")],
            [BrokerHarness.Message("a again", "id-a")],     // a duplicate: acknowledged, not stored
        ];
        Exception?[] errors = await h.Broker.SendEachAsync("q", batches);
        Assert.Null(errors[0]);
        Assert.Equal(MessagingErrorCode.MessageTooLarge, Assert.IsType<MessagingException>(errors[1]).Code);
        Assert.Null(errors[2]);
        Assert.Null(errors[3]);
        h.Restart();
        Assert.Equal(["a", "b", "d"], (await h.Receive("q")).Select(BrokerHarness.Text));
    }

    [Fact]
    public async Task A_missing_entity_refuses_every_batch_and_a_topic_takes_the_one_by_one_path()
    {
        using var h = new BrokerHarness();
        Exception?[] missing = await h.Broker.SendEachAsync("nowhere", [[BrokerHarness.Message("a", "1")], [BrokerHarness.Message("b", "2")]]);
        Assert.All(missing, e => Assert.Equal(MessagingErrorCode.EntityNotFound, Assert.IsType<MessagingException>(e).Code));

        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });
        Exception?[] errors = await h.Broker.SendEachAsync("t", [[BrokerHarness.Message("a", "1")], [BrokerHarness.Message("b", "2")]]);
        Assert.All(errors, Assert.Null);
        Assert.Equal(["a", "b"], (await h.Receive("t/subscriptions/s")).Select(BrokerHarness.Text));
    }
}
