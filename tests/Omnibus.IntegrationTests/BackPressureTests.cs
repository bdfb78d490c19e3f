using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.Tests.Shared;
using Xunit.Abstractions;

namespace Omnibus.IntegrationTests;

/// <summary>Runs alone: it measures the process's managed heap.</summary>
[CollectionDefinition(nameof(MemoryMeasuringCollection), DisableParallelization = true)]
public sealed class MemoryMeasuringCollection;

/// <summary>A receiver that grants credit and then stops reading its socket.</summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class BackPressureTests(BrokerHostFixture fixture, ITestOutputHelper output) : IClassFixture<BrokerHostFixture>
{
    private const int MessageCount = 1000;
    private const int BodySize = 64 * 1024;

    private BrokerHost Host => fixture.Host;

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task A_receiver_that_stops_reading_gets_no_more_messages_taken_for_it_and_the_rest_stay_for_others()
    {
        string queue = Host.CreateQueue(change: d => d with { LockDuration = TimeSpan.FromSeconds(2) });
        byte[] body = new byte[BodySize];
        Random.Shared.NextBytes(body);
        for (int sent = 0; sent < MessageCount; sent += 100)
        {
            await Host.Broker.SendAsync(queue, [.. Enumerable.Range(sent, 100).Select(i => new BrokerMessage { Body = body, MessageId = "m" + i })]);
        }
        Receivable receivable = Host.Broker.GetReceivable(queue);
        long before = SettledHeap();

        // Credit for everything, a small socket buffer, then not one more byte read.
        var slow = await RawAmqpClient.ConnectAsync(Host.Port, receiveBufferSize: 16 * 1024);
        await slow.OpenAsync();
        await slow.BeginAsync();
        await slow.AttachReceiverAsync(0, 0, queue, MessageCount);

        // Let the broker push until the socket and the pipe are full and the pump waits.
        long taken = -1;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(250);
            long now = receivable.Counters.Received;
            if (now == taken && now > 0)
            {
                break;
            }
            taken = now;
        }
        long grown = SettledHeap() - before;
        output.WriteLine($"taken from the core: {taken} of {MessageCount}; managed heap grew by {grown / 1024} KiB");

        // Without back-pressure every message is taken and its frames buffered: 64 MB here.
        Assert.True(taken < MessageCount / 4, $"{taken} of {MessageCount} messages were taken from the core for a receiver that reads nothing");
        Assert.True(grown < 16L * 1024 * 1024, $"the managed heap grew by {grown / 1024} KiB");

        // The broker still serves another connection meanwhile.
        string other = Host.CreateQueue();
        await using (ServiceBusClient client = Host.CreateClient())
        {
            await using ServiceBusSender sender = client.CreateSender(other);
            await sender.SendMessageAsync(new ServiceBusMessage("still here"));
            await using ServiceBusReceiver receiver = client.CreateReceiver(other);
            ServiceBusReceivedMessage? message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("still here", message?.Body.ToString());
            await receiver.CompleteMessageAsync(message);
        }

        // The slow client goes away: its deliveries come back when their locks expire, and another
        // receiver gets every message, none lost.
        slow.Dispose();
        await using (ServiceBusClient client = Host.CreateClient())
        {
            // No prefetch and small batches: with 2 s locks, a prefetched message could lose its lock before its
            // turn to be completed on a loaded machine. A lock lost anyway brings the message back: it counts once
            // it is completed.
            await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
            var ids = new HashSet<string>();
            while (ids.Count < MessageCount)
            {
                IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(50, TimeSpan.FromSeconds(5));
                Assert.NotEmpty(batch); // a lost message fails here instead of looping forever
                foreach (ServiceBusReceivedMessage m in batch)
                {
                    Assert.Equal(BodySize, m.Body.ToMemory().Length);
                    try
                    {
                        await receiver.CompleteMessageAsync(m);
                        ids.Add(m.MessageId);
                    }
                    catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessageLockLost)
                    {
                    }
                }
            }
            Assert.Equal(MessageCount, ids.Count);
        }
        Assert.Equal(0, receivable.GetRuntimeInfo(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).ActiveMessageCount);
    }
}
