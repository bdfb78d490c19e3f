using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using Omnibus.ServiceBus.Security;

namespace Omnibus.IntegrationTests;

/// <summary>Credentials keep being checked after attach: a link outlives its token only until the token expires.</summary>
public sealed class TokenExpiryTests
{
    [Fact]
    public async Task A_sender_whose_token_expired_unrenewed_is_closed_and_cannot_send_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using BrokerHost host = await BrokerHost.StartAsync(clock: clock);
        string queue = host.CreateQueue();
        // A connection string with a signature and no key: the SDK can only put this token, never a fresh one.
        string token = SharedAccessSignature.CreateToken($"sb://127.0.0.1:{host.Port}/", "RootManageSharedAccessKey", "SAS_KEY_VALUE", TimeSpan.FromMinutes(30), clock);
        await using var client = new ServiceBusClient(
            $"Endpoint=sb://127.0.0.1:{host.Port};SharedAccessSignature={token};UseDevelopmentEmulator=true;",
            new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(20) } });
        ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("while valid"));

        clock.Advance(TimeSpan.FromMinutes(31));

        // The broker closes the link on its own timer: a send already on that link as it closes is
        // cancelled ("the owner is being closed"); the SDK's next attach is refused as unauthorized.
        Exception first = await Assert.ThrowsAnyAsync<Exception>(() => sender.SendMessageAsync(new ServiceBusMessage("after expiry")));
        if (first is not UnauthorizedAccessException)
        {
            Assert.Equal(ServiceBusFailureReason.ServiceCommunicationProblem, Assert.IsType<ServiceBusException>(first).Reason);
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => sender.SendMessageAsync(new ServiceBusMessage("after expiry, again")));
        }
        Assert.Equal(1, host.Broker.GetQueueRuntimeInfo(queue).ActiveMessageCount);
    }
}
