using Azure.Messaging.ServiceBus;

namespace Omnibus.IntegrationTests;

public sealed class ErrorTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task Sending_to_an_unknown_queue_fails_with_entity_not_found()
    {
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender("no-such-queue");
        ServiceBusException e = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, e.Reason);
    }

    [Fact]
    public async Task Receiving_from_an_unknown_queue_fails_with_entity_not_found()
    {
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusReceiver receiver = client.CreateReceiver("no-such-queue");
        ServiceBusException e = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, e.Reason);
    }

    [Fact]
    public async Task A_missing_entity_is_named_by_its_full_address_for_senders_and_receivers_alike()
    {
        string host = ServiceBusConnectionStringProperties.Parse(Host.ConnectionString).Endpoint.Host;
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender("missing-by-address");
        await using ServiceBusReceiver receiver = client.CreateReceiver("missing-by-address");
        await using ServiceBusReceiver subscription = client.CreateReceiver("missing-topic", "s");

        ServiceBusException send = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
        ServiceBusException receive = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2)));
        ServiceBusException fromSubscription = await Assert.ThrowsAsync<ServiceBusException>(() => subscription.ReceiveMessageAsync(TimeSpan.FromSeconds(2)));

        Assert.Contains($"The messaging entity 'sb://{host}/missing-by-address' could not be found.", send.Message, StringComparison.Ordinal);
        Assert.Contains($"The messaging entity 'sb://{host}/missing-by-address' could not be found.", receive.Message, StringComparison.Ordinal);
        Assert.Contains($"The messaging entity 'sb://{host}/missing-topic/Subscriptions/s' could not be found.", fromSubscription.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, fromSubscription.Reason);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_as_unauthorized()
    {
        string queue = Host.CreateQueue();
        await using var client = new ServiceBusClient(Host.ConnectionStringWith("WRONG_KEY"), new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(10) },
        });
        await using ServiceBusSender sender = client.CreateSender(queue);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
    }

    [Fact]
    public async Task Settling_a_message_twice_is_a_lost_lock()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("once"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        await receiver.CompleteMessageAsync(received);
        ServiceBusException e = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(received));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, e.Reason);
    }

    [Fact]
    public async Task A_message_over_the_entity_limit_is_refused_as_too_large()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        ServiceBusException e = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(new byte[2 * 1024 * 1024])));
        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, e.Reason);
        await sender.SendMessageAsync(new ServiceBusMessage("still fine"));
    }
}
