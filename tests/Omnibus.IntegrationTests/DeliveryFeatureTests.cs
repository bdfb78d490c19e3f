using Azure.Messaging.ServiceBus;
using Omnibus.Core.Entities;

namespace Omnibus.IntegrationTests;

/// <summary>Core delivery features as the official .NET SDK sees them: duplicate detection, forwarding, expiry, entity errors.</summary>
public sealed class DeliveryFeatureTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private BrokerHost Host => fixture.Host;

    private static async Task<List<ServiceBusReceivedMessage>> ReceiveAll(ServiceBusReceiver receiver, int expected)
    {
        var got = new List<ServiceBusReceivedMessage>();
        while (got.Count < expected)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(expected - got.Count, Wait);
            Assert.NotEmpty(batch);
            got.AddRange(batch);
        }
        return got;
    }

    [Fact]
    public async Task A_resent_message_id_inside_the_duplicate_window_is_accepted_but_delivered_once()
    {
        string queue = Host.CreateQueue("dedup", q => q with { RequiresDuplicateDetection = true, DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(1) });
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "order-1" });
        await sender.SendMessageAsync(new ServiceBusMessage("retry") { MessageId = "order-1" });
        await sender.SendMessageAsync(new ServiceBusMessage("other") { MessageId = "order-2" });
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        List<ServiceBusReceivedMessage> got = await ReceiveAll(receiver, 2);
        Assert.Equal(["first", "other"], got.Select(m => m.Body.ToString()));
        Assert.Empty(await receiver.ReceiveMessagesAsync(5, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Auto_forwarding_and_dead_letter_forwarding_move_messages_to_their_targets()
    {
        string target = Host.CreateQueue("fwd-target");
        string graveyard = Host.CreateQueue("fwd-graveyard");
        string entry = Host.CreateQueue("fwd-entry", q => q with { ForwardTo = target });
        string work = Host.CreateQueue("fwd-work", q => q with { ForwardDeadLetteredMessagesTo = graveyard });
        await using ServiceBusClient client = Host.CreateClient();
        await client.CreateSender(entry).SendMessageAsync(new ServiceBusMessage("forwarded"));
        await using ServiceBusReceiver targetReceiver = client.CreateReceiver(target);
        ServiceBusReceivedMessage moved = Assert.Single(await ReceiveAll(targetReceiver, 1));
        Assert.Equal("forwarded", moved.Body.ToString());
        await targetReceiver.CompleteMessageAsync(moved);

        await client.CreateSender(work).SendMessageAsync(new ServiceBusMessage("doomed"));
        await using ServiceBusReceiver workReceiver = client.CreateReceiver(work);
        ServiceBusReceivedMessage doomed = Assert.Single(await ReceiveAll(workReceiver, 1));
        await workReceiver.DeadLetterMessageAsync(doomed, "bad-input", "rejected by the test");
        await using ServiceBusReceiver graveyardReceiver = client.CreateReceiver(graveyard);
        ServiceBusReceivedMessage dead = Assert.Single(await ReceiveAll(graveyardReceiver, 1));
        Assert.Equal("doomed", dead.Body.ToString());
        Assert.Equal("bad-input", dead.ApplicationProperties["DeadLetterReason"]);
    }

    [Fact]
    public async Task A_dead_letter_shows_the_sdk_its_own_properties_with_the_reason_and_description_only()
    {
        string queue = Host.CreateQueue("dlq-properties", q => q with { MaxDeliveryCount = 1 });
        await using ServiceBusClient client = Host.CreateClient();
        await client.CreateSender(queue).SendMessagesAsync([
            new ServiceBusMessage("refused") { ApplicationProperties = { ["tenant"] = "a" } },
            new ServiceBusMessage("dropped") { ApplicationProperties = { ["tenant"] = "b" } },
        ]);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        List<ServiceBusReceivedMessage> got = await ReceiveAll(receiver, 2);
        await receiver.DeadLetterMessageAsync(got.Single(m => m.Body.ToString() == "refused"), "BadInput", "field x missing");
        await receiver.AbandonMessageAsync(got.Single(m => m.Body.ToString() == "dropped")); // the one attempt allowed

        await using ServiceBusReceiver dlq = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        List<ServiceBusReceivedMessage> dead = await ReceiveAll(dlq, 2);
        ServiceBusReceivedMessage refused = dead.Single(m => m.Body.ToString() == "refused");
        Assert.Equal(["DeadLetterErrorDescription", "DeadLetterReason", "tenant"], refused.ApplicationProperties.Keys.Order());
        Assert.Equal(("BadInput", "field x missing"), (refused.DeadLetterReason, refused.DeadLetterErrorDescription));
        ServiceBusReceivedMessage dropped = dead.Single(m => m.Body.ToString() == "dropped");
        Assert.Equal(["DeadLetterErrorDescription", "DeadLetterReason", "tenant"], dropped.ApplicationProperties.Keys.Order());
        Assert.Equal("MaxDeliveryCountExceeded", dropped.DeadLetterReason);
        Assert.Equal("Message could not be consumed after 1 delivery attempts.", dropped.DeadLetterErrorDescription);
        Assert.Equal(queue, dropped.DeadLetterSource);
    }

    [Fact]
    public async Task An_expired_message_is_never_delivered_and_goes_to_the_dead_letter_queue_when_configured()
    {
        string queue = Host.CreateQueue("ttl", q => q with { DeadLetteringOnMessageExpiration = true });
        await using ServiceBusClient client = Host.CreateClient();
        await client.CreateSender(queue).SendMessageAsync(new ServiceBusMessage("short-lived") { TimeToLive = TimeSpan.FromMilliseconds(300) });
        await Task.Delay(800); // past its TTL; the broker's sweep runs every 100 ms
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        Assert.Empty(await receiver.ReceiveMessagesAsync(1, TimeSpan.FromMilliseconds(500)));
        await using ServiceBusReceiver dlq = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        ServiceBusReceivedMessage dead = Assert.Single(await ReceiveAll(dlq, 1));
        Assert.Equal("short-lived", dead.Body.ToString());
        Assert.Equal("TTLExpiredException", dead.DeadLetterReason);
    }

    [Fact]
    public async Task A_disabled_or_full_queue_refuses_sends_with_the_service_bus_failure_reason()
    {
        string disabled = Host.CreateQueue("disabled", q => q with { Status = EntityStatus.SendDisabled });
        string full = Host.CreateQueue("full", q => q with { MaxSizeInMegabytes = 1 });
        await using ServiceBusClient client = Host.CreateClient(new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0 } });
        ServiceBusException off = await Assert.ThrowsAsync<ServiceBusException>(() => client.CreateSender(disabled).SendMessageAsync(new ServiceBusMessage("x")));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityDisabled, off.Reason);
        ServiceBusSender sender = client.CreateSender(full);
        await sender.SendMessageAsync(new ServiceBusMessage(new byte[600 * 1024]));
        await sender.SendMessageAsync(new ServiceBusMessage(new byte[600 * 1024]));
        ServiceBusException quota = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(new byte[600 * 1024])));
        Assert.Equal(ServiceBusFailureReason.QuotaExceeded, quota.Reason);
    }
}
