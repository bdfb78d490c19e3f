using Azure.Messaging.ServiceBus;

namespace Omnibus.IntegrationTests;

public sealed class SessionTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private BrokerHost Host => fixture.Host;

    private string SessionQueue() => Host.CreateQueue("sq", q => q with { RequiresSession = true });

    [Fact]
    public async Task A_named_session_receiver_gets_only_its_session_in_order_and_keeps_state()
    {
        string queue = SessionQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessagesAsync([
            new ServiceBusMessage("a1") { SessionId = "a" },
            new ServiceBusMessage("b1") { SessionId = "b" },
            new ServiceBusMessage("a2") { SessionId = "a" },
        ]);

        await using ServiceBusSessionReceiver receiver = await client.AcceptSessionAsync(queue, "a");
        Assert.Equal("a", receiver.SessionId);
        Assert.True(receiver.SessionLockedUntil > DateTimeOffset.UtcNow);
        var bodies = new List<string>();
        while (bodies.Count < 2)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(10, Wait);
            Assert.NotEmpty(batch); // a lost message fails here instead of looping forever
            foreach (ServiceBusReceivedMessage m in batch)
            {
                Assert.Equal("a", m.SessionId);
                bodies.Add(m.Body.ToString());
                await receiver.CompleteMessageAsync(m);
            }
        }
        Assert.Equal(["a1", "a2"], bodies);

        await receiver.SetSessionStateAsync(new BinaryData("state-1"));
        Assert.Equal("state-1", (await receiver.GetSessionStateAsync()).ToString());
        DateTimeOffset before = receiver.SessionLockedUntil;
        await Task.Delay(50);
        await receiver.RenewSessionLockAsync();
        Assert.True(receiver.SessionLockedUntil > before);
    }

    [Fact]
    public async Task The_next_available_session_is_accepted()
    {
        string queue = SessionQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("x") { SessionId = "only" });
        await using ServiceBusSessionReceiver receiver = await client.AcceptNextSessionAsync(queue);
        Assert.Equal("only", receiver.SessionId);
        ServiceBusReceivedMessage m = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal("x", m.Body.ToString());
        await receiver.CompleteMessageAsync(m);
    }

    [Fact]
    public async Task A_session_held_by_another_receiver_cannot_be_locked()
    {
        string queue = SessionQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("x") { SessionId = "held" });
        await using ServiceBusSessionReceiver first = await client.AcceptSessionAsync(queue, "held");
        await using ServiceBusClient other = Host.CreateClient();
        ServiceBusException e = await Assert.ThrowsAsync<ServiceBusException>(() => other.AcceptSessionAsync(queue, "held"));
        Assert.Equal(ServiceBusFailureReason.SessionCannotBeLocked, e.Reason);
    }

    [Fact]
    public async Task Waiting_for_a_session_when_none_has_messages_times_out()
    {
        string queue = SessionQueue();
        await using ServiceBusClient client = Host.CreateClient(new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(2) },
        });
        ServiceBusException e = await Assert.ThrowsAsync<ServiceBusException>(() => client.AcceptNextSessionAsync(queue));
        Assert.Equal(ServiceBusFailureReason.ServiceTimeout, e.Reason);
    }

    [Fact]
    public async Task A_session_processor_handles_each_session_in_order()
    {
        string queue = SessionQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        var messages = new List<ServiceBusMessage>();
        for (int i = 0; i < 5; i++)
        {
            messages.Add(new ServiceBusMessage($"s1-{i}") { SessionId = "s1" });
            messages.Add(new ServiceBusMessage($"s2-{i}") { SessionId = "s2" });
        }
        await sender.SendMessagesAsync(messages);

        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, List<string>>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int count = 0;
        await using ServiceBusSessionProcessor processor = client.CreateSessionProcessor(queue, new ServiceBusSessionProcessorOptions
        {
            MaxConcurrentSessions = 2,
            SessionIdleTimeout = TimeSpan.FromSeconds(1),
        });
        processor.ProcessMessageAsync += args =>
        {
            List<string> list = received.GetOrAdd(args.SessionId, _ => []);
            lock (list)
            {
                list.Add(args.Message.Body.ToString());
            }
            if (Interlocked.Increment(ref count) == 10)
            {
                done.TrySetResult();
            }
            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;
        await processor.StartProcessingAsync();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await processor.StopProcessingAsync();

        Assert.Equal([.. Enumerable.Range(0, 5).Select(i => $"s1-{i}")], received["s1"]);
        Assert.Equal([.. Enumerable.Range(0, 5).Select(i => $"s2-{i}")], received["s2"]);
    }
}
