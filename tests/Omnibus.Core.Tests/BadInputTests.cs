using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests;

public class BadInputTests
{
    [Fact]
    public async Task Unknown_entities_are_a_typed_not_found_error()
    {
        using var h = new BrokerHarness();
        var send = await Assert.ThrowsAsync<MessagingException>(() => h.Send("nope", "x"));
        Assert.Equal(MessagingErrorCode.EntityNotFound, send.Code);
        Assert.Contains("'nope' could not be found", send.Message, StringComparison.Ordinal);
        Assert.Equal(MessagingErrorCode.EntityNotFound, Assert.Throws<MessagingException>(() => h.Broker.GetReceivable("nope")).Code);
        Assert.Equal(MessagingErrorCode.EntityNotFound, Assert.Throws<MessagingException>(() => h.Broker.GetReceivable("t", "s")).Code);
        Assert.Equal(MessagingErrorCode.EntityNotFound, Assert.Throws<MessagingException>(() => h.Broker.DeleteQueue("nope")).Code);
    }

    [Fact]
    public async Task Disabled_entities_refuse_sends_or_receives_and_keep_their_messages()
    {
        using var h = new BrokerHarness();
        QueueDescription q = h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Send("q", "kept");
        h.Broker.UpdateQueue(q with { Status = EntityStatus.SendDisabled });
        Assert.Equal(MessagingErrorCode.EntityDisabled, (await Assert.ThrowsAsync<MessagingException>(() => h.Send("q", "x"))).Code);
        h.Broker.UpdateQueue(q with { Status = EntityStatus.ReceiveDisabled });
        Assert.Equal(MessagingErrorCode.EntityDisabled, (await Assert.ThrowsAsync<MessagingException>(() => h.Receive("q"))).Code);
        h.Broker.UpdateQueue(q with { Status = EntityStatus.Active });
        Assert.Equal("kept", BrokerHarness.Text(Assert.Single(await h.Receive("q"))));
    }

    [Fact]
    public async Task A_full_entity_refuses_sends_with_quota_exceeded()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", MaxSizeInMegabytes = 1 });
        var body = new byte[600 * 1024];
        await h.Broker.SendAsync("q", [new BrokerMessage { Body = body }]);
        await h.Broker.SendAsync("q", [new BrokerMessage { Body = body }]); // crosses 1 MB: accepted, the next is not
        var ex = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.SendAsync("q", [new BrokerMessage { Body = body }]));
        Assert.Equal(MessagingErrorCode.QuotaExceeded, ex.Code);
        IReadOnlyList<BrokerMessage> got = await h.Receive("q", mode: ReceiveMode.ReceiveAndDelete);
        Assert.Equal(2, got.Count);
        await h.Broker.SendAsync("q", [new BrokerMessage { Body = body }]); // consumed messages free the quota
    }

    [Fact]
    public async Task Unknown_or_expired_lock_tokens_change_nothing()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Send("q", "x");
        Receivable r = h.Broker.GetReceivable("q");
        Guid bogus = Guid.NewGuid();
        Assert.Equal(MessagingErrorCode.MessageLockLost, (await Assert.ThrowsAsync<MessagingException>(() => r.CompleteAsync(bogus))).Code);
        Assert.Equal(MessagingErrorCode.MessageLockLost, (await Assert.ThrowsAsync<MessagingException>(() => r.AbandonAsync(bogus))).Code);
        Assert.Equal(MessagingErrorCode.MessageLockLost, (await Assert.ThrowsAsync<MessagingException>(() => r.DeferAsync(bogus))).Code);
        Assert.Equal(MessagingErrorCode.MessageLockLost, (await Assert.ThrowsAsync<MessagingException>(() => r.DeadLetterAsync(bogus, "r", "d"))).Code);
        Assert.Equal(MessagingErrorCode.MessageLockLost, Assert.Throws<MessagingException>(() => r.RenewLock(bogus)).Code);
        BrokerMessage m = Assert.Single(await h.Receive("q"));
        Assert.Equal(0, m.Delivery.DeliveryCount);
    }

    [Fact]
    public void Invalid_entity_definitions_are_refused_naming_the_setting()
    {
        using var h = new BrokerHarness();
        Assert.Contains("LockDuration", Assert.Throws<MessagingException>(() => h.Broker.CreateQueue(new QueueDescription { Name = "q", LockDuration = TimeSpan.FromHours(13) })).Message, StringComparison.Ordinal);
        Assert.Contains("MaxDeliveryCount", Assert.Throws<MessagingException>(() => h.Broker.CreateQueue(new QueueDescription { Name = "q", MaxDeliveryCount = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("control character", Assert.Throws<MessagingException>(() => h.Broker.CreateQueue(new QueueDescription { Name = "bad\u0007name" })).Message, StringComparison.Ordinal);
        h.Broker.CreateQueue(new QueueDescription { Name = "Dup" });
        // Core names are case-sensitive; that "dup" clashes with "Dup" for Service Bus is EntityNameTests' and AdminClientQueueTests'.
        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, Assert.Throws<MessagingException>(() => h.Broker.CreateTopic(new TopicDescription { Name = "Dup" })).Code);
        Assert.Empty(h.Broker.ListTopics());
    }

    [Fact]
    public async Task Unsupported_property_types_are_refused_before_anything_is_stored()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        var m = BrokerHarness.Message("x", properties: new Dictionary<string, object?> { ["list"] = new List<int> { 1 } });
        Assert.Equal(MessagingErrorCode.InvalidArgument, (await Assert.ThrowsAsync<MessagingException>(() => h.Broker.SendAsync("q", [m]))).Code);
        Assert.Empty(await h.Receive("q"));
    }

    [Fact]
    public async Task Entities_persist_across_restart_and_deletion_removes_their_data()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "keep", MaxDeliveryCount = 3, LockDuration = TimeSpan.FromSeconds(45) });
        h.Broker.CreateQueue(new QueueDescription { Name = "drop" });
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        h.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s", RequiresSession = true });
        await h.Send("drop", "gone");
        h.Broker.DeleteQueue("drop");
        h.Restart();
        Assert.Equal(["keep"], h.Broker.ListQueues().Select(q => q.Name));
        Assert.Equal(3, h.Broker.GetQueue("keep").MaxDeliveryCount);
        Assert.Equal(TimeSpan.FromSeconds(45), h.Broker.GetQueue("keep").LockDuration);
        Assert.True(h.Broker.GetSubscription("t", "s").RequiresSession);
        h.Broker.CreateQueue(new QueueDescription { Name = "drop" });
        Assert.Empty(await h.Receive("drop"));
    }
}
