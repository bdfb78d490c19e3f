using Azure.Messaging.ServiceBus;

namespace Omnibus.LoadTest;

/// <summary>
/// The official .NET SDK workload: senders sending batches of durable 1 KiB messages, one
/// prefetching peek-lock receiver completing every message.
/// </summary>
internal sealed class SdkWorkload(BrokerTarget target, int size, int senders, int batchSize, int prefetch)
{
    public async Task<RunResult> RunAsync(TimeSpan duration, int? ratePerSecond)
    {
        string mode = ratePerSecond is int r ? $"{r}/s" : "saturate";
        try
        {
            await using var client = new ServiceBusClient(target.ServiceBusConnectionString, new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 1, TryTimeout = TimeSpan.FromSeconds(10) } });
            var latencies = new LatencyRecorder();
            byte[] body = new byte[size];
            Random.Shared.NextBytes(body);
            long received = 0;
            await using ServiceBusReceiver receiver = client.CreateReceiver(target.Address, new ServiceBusReceiverOptions { PrefetchCount = prefetch });
            using var stopReceiving = new CancellationTokenSource();
            Task receiving = Task.Run(async () =>
            {
                while (!stopReceiving.IsCancellationRequested)
                {
                    IReadOnlyList<ServiceBusReceivedMessage> batch;
                    try
                    {
                        batch = await receiver.ReceiveMessagesAsync(256, TimeSpan.FromMilliseconds(500), stopReceiving.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    foreach (ServiceBusReceivedMessage m in batch)
                    {
                        if (m.ApplicationProperties.TryGetValue("t", out object? t) && t is long sent)
                        {
                            latencies.Record(sent);
                        }
                    }
                    await Task.WhenAll(batch.Select(m => receiver.CompleteMessageAsync(m)));
                    Interlocked.Add(ref received, batch.Count);
                }
            });
            DateTime end = DateTime.UtcNow + duration;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            double perSenderBatchInterval = ratePerSecond is int rate ? senders * batchSize * 1000.0 / rate : 0;
            Task[] sending = Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
            {
                await using ServiceBusSender sender = client.CreateSender(target.Address);
                for (long n = 0; DateTime.UtcNow < end; n++)
                {
                    if (perSenderBatchInterval > 0)
                    {
                        double wait = (n * perSenderBatchInterval) - watch.Elapsed.TotalMilliseconds;
                        if (wait > 1)
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(wait));
                        }
                    }
                    using ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync();
                    for (int i = 0; i < batchSize; i++)
                    {
                        var message = new ServiceBusMessage(body);
                        message.ApplicationProperties["t"] = LatencyRecorder.Now();
                        batch.TryAddMessage(message);
                    }
                    await sender.SendMessagesAsync(batch);
                }
            })).ToArray();
            await Task.WhenAll(sending);
            double sendSeconds = watch.Elapsed.TotalSeconds;
            long last = -1;
            while (Interlocked.Read(ref received) != last)
            {
                last = Interlocked.Read(ref received);
                await Task.Delay(1000);
            }
            await stopReceiving.CancelAsync();
            await receiving;
            double elapsed = Math.Max(sendSeconds, watch.Elapsed.TotalSeconds - 1);
            (double p50, double p99) = latencies.Percentiles();
            return new RunResult("sb-sdk", target.Name, mode, received / elapsed, p50, p99, received);
        }
        catch (Exception ex) when (ex is ServiceBusException or UnauthorizedAccessException or IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException or FormatException or OperationCanceledException)
        {
            return new RunResult("sb-sdk", target.Name, mode, 0, 0, 0, 0, ex.GetType().Name + ": " + ex.Message.Split('\n')[0]);
        }
    }
}
