using System.Transactions;
using Azure.Messaging.ServiceBus;

namespace Omnibus.IntegrationTests;

public sealed class TransactionTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_committed_transaction_completes_one_message_and_sends_another()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("input"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage input = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await receiver.CompleteMessageAsync(input);
            await sender.SendMessageAsync(new ServiceBusMessage("output"));
            scope.Complete();
        }

        ServiceBusReceivedMessage output = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("output", output.Body.ToString());
        await receiver.CompleteMessageAsync(output);
        Assert.Null(await receiver.PeekMessageAsync());
    }

    [Fact]
    public async Task A_rolled_back_transaction_neither_completes_nor_sends()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("input"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage input = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await receiver.CompleteMessageAsync(input);
            await sender.SendMessageAsync(new ServiceBusMessage("output"));
        }

        IReadOnlyList<ServiceBusReceivedMessage> peeked = await receiver.PeekMessagesAsync(10);
        Assert.Equal(["input"], peeked.Select(m => m.Body.ToString()));
        await receiver.CompleteMessageAsync(input);
    }
}
