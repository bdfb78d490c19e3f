using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace Omnibus.IntegrationTests;

public sealed class ProcessorTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task Concurrent_handlers_process_every_message_once_and_auto_complete_them()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessagesAsync(Enumerable.Range(0, 40).Select(i => new ServiceBusMessage($"m{i}")));

        var seen = new ConcurrentDictionary<string, int>();
        int concurrent = 0, maxConcurrent = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ServiceBusProcessor processor = client.CreateProcessor(queue, new ServiceBusProcessorOptions { MaxConcurrentCalls = 4, AutoCompleteMessages = true });
        processor.ProcessMessageAsync += async args =>
        {
            int now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref maxConcurrent, now);
            await Task.Delay(20);
            Interlocked.Decrement(ref concurrent);
            seen.AddOrUpdate(args.Message.Body.ToString(), 1, (_, n) => n + 1);
            if (seen.Count == 40)
            {
                done.TrySetResult();
            }
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;
        await processor.StartProcessingAsync();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await processor.StopProcessingAsync();

        Assert.All(seen.Values, n => Assert.Equal(1, n));
        Assert.True(maxConcurrent > 1, "handlers ran concurrently");
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        Assert.Null(await receiver.PeekMessageAsync());
    }

    [Fact]
    public async Task A_failing_handler_reports_the_error_and_the_message_is_delivered_again()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("flaky"));

        var errors = new ConcurrentQueue<Exception>();
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ServiceBusProcessor processor = client.CreateProcessor(queue);
        processor.ProcessMessageAsync += args =>
        {
            if (args.Message.DeliveryCount == 1)
            {
                throw new InvalidOperationException("first attempt fails");
            }
            done.TrySetResult(args.Message.DeliveryCount);
            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += args =>
        {
            errors.Enqueue(args.Exception);
            return Task.CompletedTask;
        };
        await processor.StartProcessingAsync();
        int deliveryCount = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await processor.StopProcessingAsync();

        Assert.Equal(2, deliveryCount);
        Assert.Contains(errors, e => e is InvalidOperationException);
    }

    [Fact]
    public async Task Auto_lock_renewal_keeps_a_slow_handler_s_lock()
    {
        string queue = Host.CreateQueue(change: q => q with { LockDuration = TimeSpan.FromSeconds(2) });
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("slow"));

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<Exception>();
        await using ServiceBusProcessor processor = client.CreateProcessor(queue, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxAutoLockRenewalDuration = TimeSpan.FromMinutes(1),
        });
        processor.ProcessMessageAsync += async args =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3.5));
            await args.CompleteMessageAsync(args.Message);
            done.TrySetResult();
        };
        processor.ProcessErrorAsync += args =>
        {
            errors.Enqueue(args.Exception);
            return Task.CompletedTask;
        };
        await processor.StartProcessingAsync();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await processor.StopProcessingAsync();
        Assert.Empty(errors);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
