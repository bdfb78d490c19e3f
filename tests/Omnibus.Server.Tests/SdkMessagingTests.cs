using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace Omnibus.Server.Tests;

/// <summary>The emulator connection strings work against the host: admin over HTTP, messaging over AMQP.</summary>
public sealed class SdkMessagingTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task A_queue_created_with_the_admin_client_carries_messages_sent_with_the_sdk()
    {
        var admin = new ServiceBusAdministrationClient(server.AdminConnectionString);
        await admin.CreateQueueAsync("sdk-roundtrip");
        await using var client = new ServiceBusClient(server.AmqpConnectionString);
        await using ServiceBusSender sender = client.CreateSender("sdk-roundtrip");
        await sender.SendMessageAsync(new ServiceBusMessage("hello") { MessageId = "m-1" });
        await using ServiceBusReceiver receiver = client.CreateReceiver("sdk-roundtrip");
        ServiceBusReceivedMessage got = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("hello", got.Body.ToString());
        await receiver.CompleteMessageAsync(got);
        QueueRuntimeProperties rt = await admin.GetQueueRuntimePropertiesAsync("sdk-roundtrip");
        Assert.Equal(0, rt.ActiveMessageCount);
    }
}
