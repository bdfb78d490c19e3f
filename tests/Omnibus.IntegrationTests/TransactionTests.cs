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

    [Fact]
    public async Task A_commit_whose_lock_expired_is_rolled_back_entirely()
    {
        string queue = Host.CreateQueue(change: q => q with { LockDuration = TimeSpan.FromSeconds(1) });
        string target = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender inputSender = client.CreateSender(queue);
        await using ServiceBusSender sender = client.CreateSender(target);
        await inputSender.SendMessageAsync(new ServiceBusMessage("input"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        await using ServiceBusReceiver targetReceiver = client.CreateReceiver(target);
        ServiceBusReceivedMessage input = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the lock expires while the transaction is open

        var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        // The send first: applying step by step would store it before finding the lock lost.
        await sender.SendMessageAsync(new ServiceBusMessage("output"));
        await receiver.CompleteMessageAsync(input);
        scope.Complete();
        Assert.ThrowsAny<TransactionException>(scope.Dispose);

        Assert.Null(await targetReceiver.PeekMessageAsync());
        ServiceBusReceivedMessage again = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("input", again.Body.ToString());
        await receiver.CompleteMessageAsync(again);
    }

    [Fact]
    public async Task Settling_a_deferred_message_through_management_joins_the_transaction()
    {
        string queue = Host.CreateQueue();
        string target = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender inputSender = client.CreateSender(queue);
        await using ServiceBusSender sender = client.CreateSender(target);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        await using ServiceBusReceiver targetReceiver = client.CreateReceiver(target);
        var deferred = new Dictionary<string, ServiceBusReceivedMessage>();
        foreach (string body in new[] { "rolled back", "committed" })
        {
            await inputSender.SendMessageAsync(new ServiceBusMessage(body));
            ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(body, received.Body.ToString());
            await receiver.DeferMessageAsync(received);
            // Locked through $management: settled with update-disposition, not on the link.
            deferred[body] = await receiver.ReceiveDeferredMessageAsync(received.SequenceNumber);
        }

        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await receiver.CompleteMessageAsync(deferred["rolled back"]);
            await sender.SendMessageAsync(new ServiceBusMessage("output of rolled back"));
        }
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await receiver.CompleteMessageAsync(deferred["committed"]);
            await sender.SendMessageAsync(new ServiceBusMessage("output of committed"));
            scope.Complete();
        }

        Assert.Equal(["output of committed"], (await targetReceiver.PeekMessagesAsync(10)).Select(m => m.Body.ToString()));
        Assert.Equal(["rolled back"], (await receiver.PeekMessagesAsync(10)).Select(m => m.Body.ToString()));
    }
}
