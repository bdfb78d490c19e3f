using Azure.Messaging.ServiceBus;

namespace Omnibus.IntegrationTests;

public sealed class SenderReceiverTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_sent_message_is_received_with_its_body_and_properties_and_completed()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        var message = new ServiceBusMessage("hello")
        {
            MessageId = "m-1",
            ContentType = "text/plain",
            Subject = "greeting",
            CorrelationId = "c-1",
            ApplicationProperties = { ["n"] = 42, ["s"] = "x", ["d"] = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc) },
        };
        await sender.SendMessageAsync(message);

        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(received);
        Assert.Equal("hello", received.Body.ToString());
        Assert.Equal("m-1", received.MessageId);
        Assert.Equal("text/plain", received.ContentType);
        Assert.Equal("greeting", received.Subject);
        Assert.Equal("c-1", received.CorrelationId);
        Assert.Equal(42, received.ApplicationProperties["n"]);
        Assert.Equal("x", received.ApplicationProperties["s"]);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), received.ApplicationProperties["d"]);
        Assert.Equal(1, received.DeliveryCount);
        Assert.True(received.SequenceNumber >= 0);
        Assert.NotEqual(Guid.Empty.ToString(), received.LockToken);
        await receiver.CompleteMessageAsync(received);

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)));
    }
}
