using Azure.Messaging.ServiceBus;

namespace Omnibus.IntegrationTests;

public sealed class SenderReceiverTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task Concurrent_sends_on_one_sender_each_succeed_and_duplicates_among_them_are_stored_once()
    {
        // Many transfers in flight on one link reach the core together (one call, one append);
        // each must still get its own outcome, and duplicate detection must see them in order.
        string queue = Host.CreateQueue(change: d => d with { RequiresDuplicateDetection = true });
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("warm-up") { MessageId = "warm-up" });
        Task[] sends = [.. Enumerable.Range(0, 400).Select(i => sender.SendMessageAsync(new ServiceBusMessage($"m{i % 300}") { MessageId = $"id-{i % 300}" }))];
        await Task.WhenAll(sends);

        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var bodies = new List<string>();
        while (bodies.Count < 301)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(100, Wait);
            Assert.True(batch.Count > 0, $"only {bodies.Count} of 301 messages arrived");
            bodies.AddRange(batch.Select(m => m.Body.ToString()));
        }
        Assert.Empty(await receiver.ReceiveMessagesAsync(10, TimeSpan.FromMilliseconds(500)));
        Assert.Equal([.. Enumerable.Range(0, 300).Select(i => $"m{i}").Append("warm-up").Order()], [.. bodies.Order()]);
    }

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
            To = "someone",
            ReplyTo = "back",
            TimeToLive = TimeSpan.FromHours(1),
            ApplicationProperties =
            {
                ["n"] = 42,
                ["s"] = "x",
                ["d"] = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc),
                ["t"] = TimeSpan.FromSeconds(90),
                ["u"] = new Uri("http://example.com/a"),
                ["b"] = true,
                ["l"] = long.MaxValue,
                ["f"] = 1.5,
                ["g"] = Guid.Parse("6f1b3c0e-2f52-4d5c-9a3f-4c4f1f1d2a3b"),
            },
        };
        await sender.SendMessageAsync(message);

        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        Assert.NotNull(received);
        Assert.Equal("hello", received.Body.ToString());
        Assert.Equal("m-1", received.MessageId);
        Assert.Equal("text/plain", received.ContentType);
        Assert.Equal("greeting", received.Subject);
        Assert.Equal("c-1", received.CorrelationId);
        Assert.Equal("someone", received.To);
        Assert.Equal("back", received.ReplyTo);
        Assert.Equal(TimeSpan.FromHours(1), received.TimeToLive);
        Assert.Equal(42, received.ApplicationProperties["n"]);
        Assert.Equal("x", received.ApplicationProperties["s"]);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), received.ApplicationProperties["d"]);
        Assert.Equal(TimeSpan.FromSeconds(90), received.ApplicationProperties["t"]);
        Assert.Equal(new Uri("http://example.com/a"), received.ApplicationProperties["u"]);
        Assert.Equal(true, received.ApplicationProperties["b"]);
        Assert.Equal(long.MaxValue, received.ApplicationProperties["l"]);
        Assert.Equal(1.5, received.ApplicationProperties["f"]);
        Assert.Equal(Guid.Parse("6f1b3c0e-2f52-4d5c-9a3f-4c4f1f1d2a3b"), received.ApplicationProperties["g"]);
        Assert.Equal(1, received.DeliveryCount);
        Assert.Equal(1, received.SequenceNumber); // the first message of a new queue, as Service Bus numbers it
        Assert.True(received.LockedUntil > DateTimeOffset.UtcNow);
        Assert.True(received.EnqueuedTime > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.NotEqual(Guid.Empty.ToString(), received.LockToken);
        await receiver.CompleteMessageAsync(received);

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_batch_arrives_whole_and_in_order()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        using ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync();
        for (int i = 0; i < 20; i++)
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage($"m{i}") { MessageId = $"id{i}" }));
        }
        await sender.SendMessagesAsync(batch);
        await sender.SendMessagesAsync([new ServiceBusMessage("x"), new ServiceBusMessage("y")]);

        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        var bodies = new List<string>();
        while (bodies.Count < 22)
        {
            IReadOnlyList<ServiceBusReceivedMessage> messages = await receiver.ReceiveMessagesAsync(50, Wait);
            Assert.NotEmpty(messages);
            foreach (ServiceBusReceivedMessage m in messages)
            {
                bodies.Add(m.Body.ToString());
                await receiver.CompleteMessageAsync(m);
            }
        }
        Assert.Equal([.. Enumerable.Range(0, 20).Select(i => $"m{i}"), "x", "y"], bodies);
    }

    [Fact]
    public async Task Scheduled_messages_show_as_scheduled_until_cancelled()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        long sequence = await sender.ScheduleMessageAsync(new ServiceBusMessage("later"), DateTimeOffset.UtcNow.AddHours(1));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage peeked = await receiver.PeekMessageAsync();
        Assert.NotNull(peeked);
        Assert.Equal(sequence, peeked.SequenceNumber);
        Assert.Equal(ServiceBusMessageState.Scheduled, peeked.State);
        await sender.CancelScheduledMessageAsync(sequence);
        Assert.Null(await receiver.PeekMessageAsync());
    }

    [Fact]
    public async Task A_message_scheduled_a_moment_ahead_arrives_then()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        DateTimeOffset at = DateTimeOffset.UtcNow.AddSeconds(1);
        await sender.SendMessageAsync(new ServiceBusMessage("soon") { ScheduledEnqueueTime = at });
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal("soon", received.Body.ToString());
        Assert.True(DateTimeOffset.UtcNow >= at.AddMilliseconds(-50));
    }

    [Fact]
    public async Task Peek_shows_messages_in_order_without_locking_them()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessagesAsync([new ServiceBusMessage("a"), new ServiceBusMessage("b"), new ServiceBusMessage("c")]);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        IReadOnlyList<ServiceBusReceivedMessage> peeked = await receiver.PeekMessagesAsync(10);
        Assert.Equal(["a", "b", "c"], peeked.Select(m => m.Body.ToString()));
        IReadOnlyList<ServiceBusReceivedMessage> fromSecond = await receiver.PeekMessagesAsync(10, peeked[1].SequenceNumber);
        Assert.Equal(["b", "c"], fromSecond.Select(m => m.Body.ToString()));
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal("a", received.Body.ToString());
    }

    [Fact]
    public async Task An_abandoned_message_comes_back_with_its_changed_properties_and_a_higher_delivery_count()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("again"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage first = await receiver.ReceiveMessageAsync(Wait);
        await receiver.AbandonMessageAsync(first, new Dictionary<string, object> { ["attempt"] = 1 });
        ServiceBusReceivedMessage second = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal("again", second.Body.ToString());
        Assert.Equal(2, second.DeliveryCount);
        Assert.Equal(1, second.ApplicationProperties["attempt"]);
        await receiver.CompleteMessageAsync(second);
    }

    [Fact]
    public async Task A_dead_lettered_message_is_in_the_dead_letter_queue_with_its_reason()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("poison"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        await receiver.DeadLetterMessageAsync(received, "BadInput", "Could not parse");

        await using ServiceBusReceiver deadLetters = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        ServiceBusReceivedMessage dead = await deadLetters.ReceiveMessageAsync(Wait);
        Assert.Equal("poison", dead.Body.ToString());
        Assert.Equal("BadInput", dead.DeadLetterReason);
        Assert.Equal("Could not parse", dead.DeadLetterErrorDescription);
        Assert.Equal(queue, dead.DeadLetterSource, ignoreCase: true);
        await deadLetters.CompleteMessageAsync(dead);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_deferred_message_is_received_by_its_sequence_number()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("later"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        await receiver.DeferMessageAsync(received);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        ServiceBusReceivedMessage peeked = await receiver.PeekMessageAsync();
        Assert.Equal(ServiceBusMessageState.Deferred, peeked.State);

        ServiceBusReceivedMessage deferred = await receiver.ReceiveDeferredMessageAsync(received.SequenceNumber);
        Assert.Equal("later", deferred.Body.ToString());
        await receiver.CompleteMessageAsync(deferred);
        Assert.Null(await receiver.PeekMessageAsync());
    }

    [Fact]
    public async Task Renewing_a_lock_moves_locked_until_forward()
    {
        string queue = Host.CreateQueue(change: q => q with { LockDuration = TimeSpan.FromSeconds(30) });
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("hold"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        DateTimeOffset before = received.LockedUntil;
        await Task.Delay(50);
        await receiver.RenewMessageLockAsync(received);
        Assert.True(received.LockedUntil > before);
        await receiver.CompleteMessageAsync(received);
    }

    [Fact]
    public async Task Receive_and_delete_removes_messages_as_they_are_received()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessagesAsync([new ServiceBusMessage("1"), new ServiceBusMessage("2")]);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var bodies = new List<string>();
        while (bodies.Count < 2)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(10, Wait);
            Assert.NotEmpty(batch); // a lost message fails here instead of looping forever
            foreach (ServiceBusReceivedMessage m in batch)
            {
                bodies.Add(m.Body.ToString());
            }
        }
        Assert.Equal(["1", "2"], bodies);
        Assert.Null(await receiver.PeekMessageAsync());
    }

    [Fact]
    public async Task A_prefetching_receiver_gets_every_message_once()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessagesAsync(Enumerable.Range(0, 50).Select(i => new ServiceBusMessage(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { PrefetchCount = 20 });
        var seen = new HashSet<string>();
        while (seen.Count < 50)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(10, Wait);
            Assert.NotEmpty(batch); // a lost message fails here instead of looping forever
            foreach (ServiceBusReceivedMessage m in batch)
            {
                Assert.True(seen.Add(m.Body.ToString()));
                await receiver.CompleteMessageAsync(m);
            }
        }
    }

    [Fact]
    public async Task Messages_over_max_delivery_count_are_dead_lettered()
    {
        string queue = Host.CreateQueue(change: q => q with { MaxDeliveryCount = 2 });
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("bad"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        for (int i = 0; i < 2; i++)
        {
            await receiver.AbandonMessageAsync(await receiver.ReceiveMessageAsync(Wait));
        }
        await using ServiceBusReceiver deadLetters = client.CreateReceiver(EntityNameFormatter(queue));
        ServiceBusReceivedMessage dead = await deadLetters.ReceiveMessageAsync(Wait);
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
    }

    [Fact]
    public async Task A_message_larger_than_a_frame_crosses_in_several_transfers_both_ways()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        byte[] body = new byte[300_000];
        new Random(7).NextBytes(body);
        await sender.SendMessageAsync(new ServiceBusMessage(body));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        ServiceBusReceivedMessage received = await receiver.ReceiveMessageAsync(Wait);
        Assert.Equal(body, received.Body.ToArray());
        await receiver.CompleteMessageAsync(received);
    }

    private static string EntityNameFormatter(string queue) => queue + "/$DeadLetterQueue";
}
