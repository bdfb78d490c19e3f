using System.Diagnostics;
using System.Text.Json;
using Omnibus.Testing;

namespace Omnibus.Aws.Tests;

/// <summary>
/// The AWS CLI from Debian's package (awscli 2.9, which speaks SQS's query protocol: form posts, XML answers)
/// against the SQS endpoint, as a user at a shell would run it. The CLI checks the MD5 digests itself.
/// </summary>
public sealed class AwsCliTests : IAsyncLifetime
{
    private const string Cli = "/usr/bin/aws";
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync(o => o.InMemory = true);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<(int Exit, string Out, string Error)> AwsAsync(params string[] args)
    {
        Assert.True(File.Exists(Cli), $"{Cli} is missing: install Debian's AWS CLI (apt-get install awscli); .ci/run does.");
        var start = new ProcessStartInfo(Cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["--endpoint-url", _broker.SqsServiceUrl.ToString().TrimEnd('/'), "--output", "json", .. args])
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["AWS_ACCESS_KEY_ID"] = "test";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "test";
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent";
        start.Environment["AWS_PAGER"] = "";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        (int exit, string output, string error) = await AwsAsync(args);
        Assert.True(exit == 0, $"aws {string.Join(' ', args)} exited {exit}: {error}");
        return output.Length == 0 ? default : JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task The_cli_creates_a_queue_sends_receives_with_attributes_deletes_in_batch_and_reads_attributes_and_tags()
    {
        JsonElement created = await JsonAsync("sqs", "create-queue", "--queue-name", "cli-orders", "--attributes", "VisibilityTimeout=45", "--tags", "team=payments");
        string url = created.GetProperty("QueueUrl").GetString()!;
        Assert.EndsWith("/000000000000/cli-orders", url, StringComparison.Ordinal);
        Assert.Equal(url, (await JsonAsync("sqs", "get-queue-url", "--queue-name", "cli-orders")).GetProperty("QueueUrl").GetString());

        JsonElement sent = await JsonAsync("sqs", "send-message", "--queue-url", url, "--message-body", "order 1",
            "--message-attributes", """{"color":{"DataType":"String","StringValue":"blue"},"count":{"DataType":"Number","StringValue":"3"}}""");
        Assert.False(string.IsNullOrEmpty(sent.GetProperty("MessageId").GetString()));
        JsonElement batch = await JsonAsync("sqs", "send-message-batch", "--queue-url", url, "--entries",
            """[{"Id":"a","MessageBody":"order 2"},{"Id":"b","MessageBody":"order 3","DelaySeconds":0}]""");
        Assert.Equal(2, batch.GetProperty("Successful").GetArrayLength());

        var bodies = new List<string>();
        var handles = new List<string>();
        for (int attempt = 0; attempt < 5 && bodies.Count < 3; attempt++)
        {
            JsonElement received = await JsonAsync("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10",
                "--message-attribute-names", "All", "--attribute-names", "All", "--wait-time-seconds", "1");
            if (!received.TryGetProperty("Messages", out JsonElement messages))
            {
                continue;
            }
            foreach (JsonElement m in messages.EnumerateArray())
            {
                bodies.Add(m.GetProperty("Body").GetString()!);
                handles.Add(m.GetProperty("ReceiptHandle").GetString()!);
                if (m.GetProperty("Body").GetString() == "order 1")
                {
                    Assert.Equal("blue", m.GetProperty("MessageAttributes").GetProperty("color").GetProperty("StringValue").GetString());
                    Assert.Equal("1", m.GetProperty("Attributes").GetProperty("ApproximateReceiveCount").GetString());
                }
            }
        }
        Assert.Equal(["order 1", "order 2", "order 3"], bodies.Order());

        string entries = JsonSerializer.Serialize(handles.Select((h, i) => new { Id = "d" + i, ReceiptHandle = h }));
        Assert.Equal(3, (await JsonAsync("sqs", "delete-message-batch", "--queue-url", url, "--entries", entries)).GetProperty("Successful").GetArrayLength());

        JsonElement attributes = (await JsonAsync("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")).GetProperty("Attributes");
        Assert.Equal("45", attributes.GetProperty("VisibilityTimeout").GetString());
        Assert.Equal("0", attributes.GetProperty("ApproximateNumberOfMessages").GetString());
        Assert.Equal("payments", (await JsonAsync("sqs", "list-queue-tags", "--queue-url", url)).GetProperty("Tags").GetProperty("team").GetString());
        Assert.Contains(url, (await JsonAsync("sqs", "list-queues", "--queue-name-prefix", "cli-")).GetProperty("QueueUrls").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task A_missing_queue_is_the_query_protocols_NonExistentQueue_error()
    {
        (int exit, _, string error) = await AwsAsync("sqs", "get-queue-url", "--queue-name", "no-such-queue");
        Assert.NotEqual(0, exit);
        Assert.Contains("AWS.SimpleQueueService.NonExistentQueue", error, StringComparison.Ordinal);
    }
}
