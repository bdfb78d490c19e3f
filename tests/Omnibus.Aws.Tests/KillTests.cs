using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Omnibus.Tests.Shared;

namespace Omnibus.Aws.Tests;

/// <summary>
/// SIGKILL under load: every SendMessage the broker answered is received after the restart, and no message
/// deleted with its receipt handle before the kill comes back.
/// </summary>
[Collection(KillCollection.Name)]
public sealed class KillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Queue = "sqs-kill";

    private static AmazonSQSClient Client(IReadOnlyDictionary<string, int> ports) =>
        new(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig
        {
            ServiceURL = "http://127.0.0.1:" + ports["SQS"].ToString(CultureInfo.InvariantCulture),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(5),
        });

    [Fact]
    public async Task Every_acknowledged_send_is_there_after_a_SIGKILL_and_no_deleted_message_comes_back()
    {
        string data = Path.Combine(Path.GetTempPath(), "omnibus-sqs-kill-" + Guid.NewGuid().ToString("N"));
        var sent = new ConcurrentDictionary<string, byte>();
        var deleted = new ConcurrentDictionary<string, byte>();
        // A delete in flight at the kill may or may not have taken effect: neither check counts those messages.
        var deleting = new ConcurrentDictionary<string, byte>();
        (Process first, IReadOnlyDictionary<string, int> ports) = await ExampleHostProcess.StartWithPortsAsync(data);
        try
        {
            using AmazonSQSClient sqs = Client(ports);
            string url = (await sqs.CreateQueueAsync(Queue)).QueueUrl;
            using var stop = new CancellationTokenSource();
            Task[] senders = [.. Enumerable.Range(0, 4).Select(s => Task.Run(() => SendUntilStoppedAsync(sqs, url, s, sent, stop.Token)))];
            Task deleter = Task.Run(() => ReceiveAndDeleteUntilStoppedAsync(sqs, url, deleting, deleted, stop.Token));
            await Task.Delay(TimeSpan.FromSeconds(2));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll([.. senders, deleter]).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await ExampleHostProcess.StopAsync(first);
        }
        output.WriteLine($"{sent.Count} sends answered, {deleted.Count} of them deleted before the kill");
        Assert.True(sent.Count > 50, $"only {sent.Count} sends answered");
        Assert.True(deleted.Count > 10, $"only {deleted.Count} deletes answered");

        (Process second, IReadOnlyDictionary<string, int> ports2) = await ExampleHostProcess.StartWithPortsAsync(data);
        try
        {
            using AmazonSQSClient sqs = Client(ports2);
            string url = (await sqs.GetQueueUrlAsync(Queue)).QueueUrl;
            var received = new HashSet<string>();
            for (int empty = 0; empty < 2;)
            {
                ReceiveMessageResponse r = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10, WaitTimeSeconds = 1, VisibilityTimeout = 300 });
                empty = r.Messages is { Count: > 0 } ? 0 : empty + 1;
                foreach (Message m in r.Messages ?? [])
                {
                    received.Add(m.Body);
                }
            }
            string[] back = [.. deleted.Keys.Where(received.Contains)];
            Assert.True(back.Length == 0, $"{back.Length} deleted messages came back, e.g. {string.Join(", ", back.Take(5))}");
            string[] lost = [.. sent.Keys.Where(b => !deleting.ContainsKey(b) && !received.Contains(b))];
            Assert.True(lost.Length == 0, $"{lost.Length} of {sent.Count} answered sends lost, e.g. {string.Join(", ", lost.Take(5))}");
        }
        finally
        {
            await ExampleHostProcess.StopAsync(second);
            ExampleHostProcess.DeleteDataDirectory(data);
        }
    }

    private static async Task SendUntilStoppedAsync(AmazonSQSClient sqs, string url, int sender, ConcurrentDictionary<string, byte> sent, CancellationToken stop)
    {
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            string body = $"{sender}:{i}";
            try
            {
                await sqs.SendMessageAsync(url, body, CancellationToken.None);
                sent[body] = 0;
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException or OperationCanceledException)
            {
                return; // the broker is gone
            }
        }
    }

    private static async Task ReceiveAndDeleteUntilStoppedAsync(AmazonSQSClient sqs, string url, ConcurrentDictionary<string, byte> deleting, ConcurrentDictionary<string, byte> deleted, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                ReceiveMessageResponse r = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 }, CancellationToken.None);
                foreach (Message m in r.Messages ?? [])
                {
                    deleting[m.Body] = 0;
                    await sqs.DeleteMessageAsync(url, m.ReceiptHandle, CancellationToken.None);
                    deleted[m.Body] = 0;
                }
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException or OperationCanceledException)
            {
                return;
            }
        }
    }
}
