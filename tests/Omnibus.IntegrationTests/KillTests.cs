using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Omnibus.Tests.Shared;

namespace Omnibus.IntegrationTests;

/// <summary>Durability through the SDK: a broker process killed (SIGKILL) under load keeps every send the SDK saw succeed.</summary>
public sealed class KillTests
{
    private static string ConnectionString(int port) =>
        $"Endpoint=sb://127.0.0.1:{port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    [Fact]
    public async Task Every_send_the_SDK_saw_succeed_is_there_after_a_SIGKILL()
    {
        string data = Path.Combine(Path.GetTempPath(), "omnibus-kill-" + Guid.NewGuid().ToString("N"));
        var acknowledged = new ConcurrentBag<string>();
        (Process first, int port) = await ExampleHostProcess.StartAsync(data);
        try
        {
            await using var client = new ServiceBusClient(ConnectionString(port), new ServiceBusClientOptions
            {
                RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(5) },
            });
            using var stop = new CancellationTokenSource();
            Task[] senders = [.. Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                ServiceBusSender sender = client.CreateSender("jobs");
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    string id = $"w{w}-{i}";
                    try
                    {
                        await sender.SendMessageAsync(new ServiceBusMessage(id) { MessageId = id });
                        acknowledged.Add(id);
                    }
                    catch (Exception e) when (e is ServiceBusException or ObjectDisposedException or OperationCanceledException or TimeoutException)
                    {
                        return;
                    }
                }
            }))];
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await ExampleHostProcess.StopAsync(first);
        }
        Assert.True(acknowledged.Count > 10, $"only {acknowledged.Count} sends acknowledged");

        (Process second, int port2) = await ExampleHostProcess.StartAsync(data);
        try
        {
            await using var client = new ServiceBusClient(ConnectionString(port2));
            await using ServiceBusReceiver receiver = client.CreateReceiver("jobs", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete, PrefetchCount = 500 });
            var found = new HashSet<string>();
            while (true)
            {
                IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(500, TimeSpan.FromSeconds(2));
                if (batch.Count == 0)
                {
                    break;
                }
                foreach (ServiceBusReceivedMessage m in batch)
                {
                    found.Add(m.MessageId);
                }
            }
            string[] lost = [.. acknowledged.Where(id => !found.Contains(id))];
            Assert.True(lost.Length == 0, $"{lost.Length} of {acknowledged.Count} acknowledged sends lost, e.g. {string.Join(", ", lost.Take(5))}");
        }
        finally
        {
            await ExampleHostProcess.StopAsync(second);
            ExampleHostProcess.DeleteDataDirectory(data);
        }
    }
}
