using Amazon.SQS;
using Amazon.SQS.Model;

namespace Omnibus.Aws.Tests;

/// <summary>Dead-letter queue redrive (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask) through AWSSDK.SQS.</summary>
public sealed class MessageMoveTaskTests(SqsFixture fixture) : IClassFixture<SqsFixture>
{
    private readonly AmazonSQSClient _sqs = fixture.Client();

    private async Task<(string Url, string Arn)> QueueAsync(string name, Dictionary<string, string>? attributes = null)
    {
        string url = (await _sqs.CreateQueueAsync(new CreateQueueRequest(name) { Attributes = attributes ?? [] })).QueueUrl;
        string arn = (await _sqs.GetQueueAttributesAsync(url, ["QueueArn"])).Attributes["QueueArn"];
        return (url, arn);
    }

    private async Task<List<Message>> ReceiveAllAsync(string url, int expected)
    {
        var got = new List<Message>();
        for (int i = 0; i < 20 && got.Count < expected; i++)
        {
            ReceiveMessageResponse r = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 10, WaitTimeSeconds = 1, VisibilityTimeout = 30 });
            got.AddRange(r.Messages ?? []);
        }
        return got;
    }

    [Fact]
    public async Task A_move_task_returns_dead_letters_to_the_queue_they_came_from_and_is_listed_as_completed()
    {
        (string dlqUrl, string dlqArn) = await QueueAsync("redrive-dlq");
        (string workUrl, _) = await QueueAsync("redrive-work", new() { ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{dlqArn}\",\"maxReceiveCount\":\"1\"}}" });
        foreach (string body in new[] { "a", "b", "c" })
        {
            await _sqs.SendMessageAsync(workUrl, body);
        }
        // One receive each with a 1 s visibility: when it ends, the receive count is used up and SQS dead-letters.
        Assert.Equal(3, (await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(workUrl) { MaxNumberOfMessages = 10, VisibilityTimeout = 1 })).Messages.Count);
        for (int i = 0; i < 50 && (await _sqs.GetQueueAttributesAsync(dlqUrl, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages < 3; i++)
        {
            await Task.Delay(200);
        }

        string handle = (await _sqs.StartMessageMoveTaskAsync(new StartMessageMoveTaskRequest { SourceArn = dlqArn })).TaskHandle;
        Assert.False(string.IsNullOrEmpty(handle));
        ListMessageMoveTasksResultEntry task = null!;
        for (int i = 0; i < 50; i++)
        {
            task = Assert.Single((await _sqs.ListMessageMoveTasksAsync(new ListMessageMoveTasksRequest { SourceArn = dlqArn })).Results);
            if (task.Status != "RUNNING")
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(("COMPLETED", 3L, 3L), (task.Status, task.ApproximateNumberOfMessagesMoved, task.ApproximateNumberOfMessagesToMove));
        Assert.Equal(["a", "b", "c"], (await ReceiveAllAsync(workUrl, 3)).Select(m => m.Body).Order());
        Assert.Equal(0, (await _sqs.GetQueueAttributesAsync(dlqUrl, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages);
    }

    [Fact]
    public async Task A_move_task_can_name_its_destination_and_a_slow_one_is_cancelled_with_what_it_moved()
    {
        (string dlqUrl, string dlqArn) = await QueueAsync("slow-dlq");
        await QueueAsync("slow-work", new() { ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{dlqArn}\",\"maxReceiveCount\":\"3\"}}" });
        (string elsewhereUrl, string elsewhereArn) = await QueueAsync("slow-elsewhere");
        for (int i = 0; i < 20; i++)
        {
            await _sqs.SendMessageAsync(dlqUrl, "m" + i);
        }
        string handle = (await _sqs.StartMessageMoveTaskAsync(new StartMessageMoveTaskRequest { SourceArn = dlqArn, DestinationArn = elsewhereArn, MaxNumberOfMessagesPerSecond = 5 })).TaskHandle;
        var second = await Assert.ThrowsAsync<UnsupportedOperationException>(() => _sqs.StartMessageMoveTaskAsync(new StartMessageMoveTaskRequest { SourceArn = dlqArn }));
        Assert.Contains("already a task running", second.Message, StringComparison.Ordinal);
        await Task.Delay(600);
        long moved = (await _sqs.CancelMessageMoveTaskAsync(new CancelMessageMoveTaskRequest { TaskHandle = handle })).ApproximateNumberOfMessagesMoved ?? -1;
        Assert.InRange(moved, 1, 19);
        Assert.Equal("CANCELLED", Assert.Single((await _sqs.ListMessageMoveTasksAsync(new ListMessageMoveTasksRequest { SourceArn = dlqArn })).Results).Status);
        Assert.Equal((int)moved, (await ReceiveAllAsync(elsewhereUrl, (int)moved)).Count);
    }

    [Fact]
    public async Task A_queue_that_is_no_dead_letter_queue_and_an_unknown_handle_are_refused()
    {
        (_, string plainArn) = await QueueAsync("not-a-dlq");
        var notDlq = await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.StartMessageMoveTaskAsync(new StartMessageMoveTaskRequest { SourceArn = plainArn }));
        Assert.Equal("InvalidParameterValue", notDlq.ErrorCode);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _sqs.CancelMessageMoveTaskAsync(new CancelMessageMoveTaskRequest { TaskHandle = "nope" }));
    }
}
