using System.Text.Json;
using Omnibus.Core.Engine;
using Omnibus.Server.Cli;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Tests;

public sealed class CliTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await OmnibusCli.RunAsync([.. args, "--server", server.HttpBase.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Queues_are_created_listed_shown_and_deleted()
    {
        (int code, string output, _) = await RunAsync("queue", "create", "cli-q", "--max-delivery-count", "4", "--lock-duration", "00:00:30");
        Assert.Equal(0, code);
        Assert.Contains("Created queue cli-q", output, StringComparison.Ordinal);
        Assert.Equal(4, server.Broker.GetQueue("cli-q").MaxDeliveryCount);

        (_, output, _) = await RunAsync("queue", "list");
        Assert.Contains("cli-q", output, StringComparison.Ordinal);
        Assert.StartsWith("name", output, StringComparison.Ordinal);

        (_, output, _) = await RunAsync("queue", "show", "cli-q", "--json");
        using (JsonDocument doc = JsonDocument.Parse(output))
        {
            Assert.Equal(4, doc.RootElement.GetProperty("description").GetProperty("maxDeliveryCount").GetInt32());
        }

        (code, _, _) = await RunAsync("queue", "delete", "cli-q");
        Assert.Equal(0, code);
        Assert.DoesNotContain(server.Broker.ListQueues(), q => q.Name == "cli-q");
    }

    [Fact]
    public async Task A_queue_with_priorities_is_created_through_the_json_api_and_a_bad_maximum_is_refused()
    {
        (int code, _, _) = await RunAsync("queue", "create", "cli-prio", "--max-priority", "9");
        Assert.Equal(0, code);
        Assert.Equal(9, server.Broker.GetQueue("cli-prio").MaxPriority);
        (_, string output, _) = await RunAsync("queue", "show", "cli-prio", "--json");
        using (JsonDocument doc = JsonDocument.Parse(output))
        {
            Assert.Equal(9, doc.RootElement.GetProperty("description").GetProperty("maxPriority").GetInt32());
        }

        (code, _, _) = await RunAsync("queue", "create", "cli-prio-bad", "--max-priority", "256");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain(server.Broker.ListQueues(), q => q.Name == "cli-prio-bad");
        Assert.Equal(0, (await RunAsync("queue", "delete", "cli-prio")).Code);
    }

    [Fact]
    public async Task Topics_and_filtered_subscriptions_are_managed()
    {
        Assert.Equal(0, (await RunAsync("topic", "create", "cli-t")).Code);
        Assert.Equal(0, (await RunAsync("subscription", "create", "cli-t", "reds", "--filter", "color = 'red'")).Code);
        Assert.Equal("color = 'red'", server.Broker.GetRules("cli-t", "reds").Single().Filter.SqlExpression);
        (_, string list, _) = await RunAsync("subscription", "list", "cli-t");
        Assert.Contains("cli-t/Subscriptions/reds", list, StringComparison.Ordinal);
        (_, string show, _) = await RunAsync("subscription", "show", "cli-t", "reds");
        Assert.Contains("color = 'red'", show, StringComparison.Ordinal);
        (_, string topics, _) = await RunAsync("topic", "list", "--json");
        Assert.Contains("\"cli-t\"", topics, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("subscription", "delete", "cli-t", "reds")).Code);
        Assert.Equal(0, (await RunAsync("topic", "delete", "cli-t")).Code);
    }

    [Fact]
    public async Task Messages_are_sent_peeked_received_and_dead_letters_resubmitted()
    {
        server.Broker.CreateQueue(new Core.Entities.QueueDescription { Name = "cli-msgs" });
        (int code, string output, _) = await RunAsync("send", "cli-msgs", "--body", "hello cli", "--count", "3", "--property", "k=v");
        Assert.Equal(0, code);
        Assert.Contains("Sent 3 message(s)", output, StringComparison.Ordinal);

        (_, output, _) = await RunAsync("peek", "cli-msgs", "--json");
        using (JsonDocument peeked = JsonDocument.Parse(output))
        {
            Assert.Equal(3, peeked.RootElement.GetArrayLength());
            Assert.Equal("hello cli", peeked.RootElement[0].GetProperty("body").GetString());
            Assert.Equal("v", peeked.RootElement[0].GetProperty("properties").GetProperty("k").GetString());
        }

        Receivable r = server.Broker.GetReceivable("cli-msgs");
        var locked = await r.ReceiveAsync(1, TimeSpan.FromSeconds(5), ReceiveMode.PeekLock);
        await r.DeadLetterAsync(locked[0].Delivery.LockToken, "bad", "test");
        Assert.Single(server.Broker.GetReceivable("cli-msgs").DeadLetter.Peek(0, 10));

        (code, output, _) = await RunAsync("dlq", "resubmit", "cli-msgs");
        Assert.Equal(0, code);
        Assert.Contains("Resubmitted 1 message(s) to cli-msgs", output, StringComparison.Ordinal);
        Assert.Empty(server.Broker.GetReceivable("cli-msgs").DeadLetter.Peek(0, 10));
        var back = server.Broker.GetReceivable("cli-msgs").Peek(0, 10);
        Assert.Equal(3, back.Count);
        Assert.All(back, m => Assert.False(m.ApplicationProperties.ContainsKey("DeadLetterReason")));

        (_, output, _) = await RunAsync("receive", "cli-msgs", "--max", "10", "--wait", "1", "--json");
        using (JsonDocument received = JsonDocument.Parse(output))
        {
            Assert.Equal(3, received.RootElement.GetArrayLength());
        }
        Assert.Empty(server.Broker.GetReceivable("cli-msgs").Peek(0, 10));

        (_, output, _) = await RunAsync("stats");
        Assert.Contains("cli-msgs", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_from_the_server_are_reported_with_exit_code_five()
    {
        (int code, _, string error) = await RunAsync("queue", "show", "no-such-queue");
        Assert.Equal(ExitCodes.CommandFailed, code);
        Assert.Contains("404", error, StringComparison.Ordinal);
        Assert.Contains("no-such-queue", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("queue", "list", "--key", "wrong");
        Assert.Equal(ExitCodes.CommandFailed, code);
        Assert.Contains("401", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_with_exit_code_five()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await OmnibusCli.RunAsync(["stats", "--server", $"http://127.0.0.1:{TestServer.FreePort()}"], output, error);
        Assert.Equal(ExitCodes.CommandFailed, code);
        Assert.Contains("Cannot reach", error.ToString(), StringComparison.Ordinal);
    }
}
