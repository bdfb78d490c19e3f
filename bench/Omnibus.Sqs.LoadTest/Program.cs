using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

// Usage: Omnibus.Sqs.LoadTest --omnibus http://host:port [--fauxqs http://host:port] [--seconds N] [--workers N]
// The same workload against each endpoint, one after the other, on a fresh queue: senders post SendMessageBatch
// of 10 x 1 KiB, receivers loop ReceiveMessage(10) + DeleteMessageBatch; the row is what was received and
// deleted per second while the senders ran (end to end).
string omnibus = Arg("--omnibus") ?? "http://127.0.0.1:4566";
string? fauxqs = Arg("--fauxqs");
int seconds = int.Parse(Arg("--seconds") ?? "10", CultureInfo.InvariantCulture);
int workers = int.Parse(Arg("--workers") ?? "4", CultureInfo.InvariantCulture);
string body = new('x', 1024);

Console.WriteLine($"{"workload",-60} {"omnibus msg/s",14} {"fauxqs msg/s",13} {"ratio",7}");
string name = $"batch send 10 x 1 KiB / receive 10 + delete batch, {workers}+{workers} workers";
(double ours, double oursSent) = await RunAsync(omnibus);
(double theirs, double theirsSent) = fauxqs is null ? (double.NaN, double.NaN) : await RunAsync(fauxqs);
Console.WriteLine($"{name,-60} {ours,14:N0} {theirs,13:N0} {ours / theirs,6:N2}x");
Console.WriteLine($"{"  (sent per second)",-60} {oursSent,14:N0} {theirsSent,13:N0}");

string? Arg(string option)
{
    int i = Array.IndexOf(args, option);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

async Task<(double Received, double Sent)> RunAsync(string endpoint)
{
    using var sqs = new AmazonSQSClient(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 2 });
    string url = (await sqs.CreateQueueAsync("bench-" + Guid.NewGuid().ToString("N")[..8])).QueueUrl;
    long sent = 0;
    long received = 0;
    using var stopSending = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    using var stopReceiving = new CancellationTokenSource();
    var clock = Stopwatch.StartNew();
    Task[] senders = [.. Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        for (int i = 0; !stopSending.IsCancellationRequested; i++)
        {
            var entries = Enumerable.Range(0, 10).Select(e => new SendMessageBatchRequestEntry($"m{e}", body)).ToList();
            SendMessageBatchResponse r = await sqs.SendMessageBatchAsync(url, entries);
            Interlocked.Add(ref sent, r.Successful?.Count ?? 0);
        }
    }))];
    Task[] receivers = [.. Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        while (!stopReceiving.IsCancellationRequested)
        {
            ReceiveMessageResponse r;
            try
            {
                r = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 }, stopReceiving.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (r.Messages is not { Count: > 0 } messages)
            {
                continue;
            }
            await sqs.DeleteMessageBatchAsync(url, [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle))]);
            Interlocked.Add(ref received, messages.Count);
        }
    }))];
    await Task.WhenAll(senders);
    double sendSeconds = clock.Elapsed.TotalSeconds;
    long receivedWhileSending = Interlocked.Read(ref received);
    await stopReceiving.CancelAsync();
    await Task.WhenAll(receivers);
    await sqs.DeleteQueueAsync(url);
    return (receivedWhileSending / sendSeconds, sent / sendSeconds);
}
