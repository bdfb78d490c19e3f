using System.Globalization;
using System.Net;
using System.Text;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Omnibus.Aws.Tests;

/// <summary>Sending, receiving, deleting and visibility through AWSSDK.SQS, which checks every MD5 it is given.</summary>
public sealed class MessageTests(SqsFixture fixture) : IClassFixture<SqsFixture>
{
    private readonly AmazonSQSClient _sqs = fixture.Client();

    private async Task<string> QueueAsync(string name, Dictionary<string, string>? attributes = null) =>
        (await _sqs.CreateQueueAsync(new CreateQueueRequest(name) { Attributes = attributes })).QueueUrl;

    [Fact]
    public async Task A_message_with_typed_attributes_is_received_as_sent_with_its_system_attributes()
    {
        string url = await QueueAsync("typed");
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        SendMessageResponse sent = await _sqs.SendMessageAsync(new SendMessageRequest(url, "{\"order\":42} \u00e9\U0001F600")
        {
            MessageAttributes = new()
            {
                ["text"] = new MessageAttributeValue { DataType = "String", StringValue = "hello" },
                ["count"] = new MessageAttributeValue { DataType = "Number", StringValue = "42" },
                ["price"] = new MessageAttributeValue { DataType = "Number", StringValue = "1.50" },
                ["blob"] = new MessageAttributeValue { DataType = "Binary", BinaryValue = new MemoryStream([0, 1, 2, 255]) },
                ["custom"] = new MessageAttributeValue { DataType = "String.json", StringValue = "{}" },
            },
        });
        Assert.True(Guid.TryParse(sent.MessageId, out _));
        Assert.NotNull(sent.MD5OfMessageAttributes);

        Message m = await Receive.OneAsync(_sqs, url);
        Assert.Equal(sent.MessageId, m.MessageId);
        Assert.Equal("{\"order\":42} \u00e9\U0001F600", m.Body);
        Assert.Equal(sent.MD5OfMessageBody, m.MD5OfBody);
        Assert.Equal(sent.MD5OfMessageAttributes, m.MD5OfMessageAttributes);
        Assert.Equal("hello", m.MessageAttributes["text"].StringValue);
        Assert.Equal(("Number", "42"), (m.MessageAttributes["count"].DataType, m.MessageAttributes["count"].StringValue));
        Assert.Equal(("Number", "1.50"), (m.MessageAttributes["price"].DataType, m.MessageAttributes["price"].StringValue));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, m.MessageAttributes["blob"].BinaryValue.ToArray());
        Assert.Equal("String.json", m.MessageAttributes["custom"].DataType);
        Assert.Equal("1", m.Attributes["ApproximateReceiveCount"]);
        Assert.InRange(long.Parse(m.Attributes["SentTimestamp"], CultureInfo.InvariantCulture), before - 1000, before + 5000);
        Assert.InRange(long.Parse(m.Attributes["ApproximateFirstReceiveTimestamp"], CultureInfo.InvariantCulture), before - 1000, before + 10000);
        Assert.Equal("test", m.Attributes["SenderId"]);
        await _sqs.DeleteMessageAsync(url, m.ReceiptHandle);
        Assert.Null((await _sqs.ReceiveMessageAsync(url)).Messages);
    }

    [Fact]
    public async Task Only_the_attributes_asked_for_are_returned_and_hashed()
    {
        string url = await QueueAsync("selected");
        await _sqs.SendMessageAsync(new SendMessageRequest(url, "body")
        {
            MessageAttributes = new()
            {
                ["app.a"] = new MessageAttributeValue { DataType = "String", StringValue = "1" },
                ["app.b"] = new MessageAttributeValue { DataType = "String", StringValue = "2" },
                ["other"] = new MessageAttributeValue { DataType = "String", StringValue = "3" },
            },
        });
        ReceiveMessageResponse r = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url)
        {
            MessageAttributeNames = ["app.*"],
            MessageSystemAttributeNames = ["SentTimestamp"],
            WaitTimeSeconds = 2,
        });
        Message m = Assert.Single(r.Messages);
        Assert.Equal(["app.a", "app.b"], m.MessageAttributes.Keys.Order());
        Assert.Equal(["SentTimestamp"], m.Attributes.Keys);
        await _sqs.ChangeMessageVisibilityAsync(url, m.ReceiptHandle, 0);
        Message bare = await Receive.OneAsync(_sqs, url, attributes: []);
        Assert.Null((await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url))).Messages);
        Assert.Equal("body", bare.Body);
    }

    [Fact]
    public async Task A_batch_reports_each_entry_and_stores_the_good_ones()
    {
        string url = await QueueAsync("batch");
        SendMessageBatchResponse r = await _sqs.SendMessageBatchAsync(url,
        [
            new SendMessageBatchRequestEntry("a", "first") { MessageAttributes = new() { ["k"] = new MessageAttributeValue { DataType = "String", StringValue = "v" } } },
            new SendMessageBatchRequestEntry("b", "bad \u0001 character"),
            new SendMessageBatchRequestEntry("c", "third") { DelaySeconds = 0 },
        ]);
        Assert.Equal(["a", "c"], r.Successful.Select(s => s.Id));
        Assert.NotNull(r.Successful[0].MD5OfMessageAttributes);
        BatchResultErrorEntry failed = Assert.Single(r.Failed);
        Assert.Equal(("b", true, "InvalidMessageContents"), (failed.Id, failed.SenderFault, failed.Code));

        ReceiveMessageResponse got = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 10, WaitTimeSeconds = 2 });
        Assert.Equal(["first", "third"], got.Messages.Select(m => m.Body).Order());
        DeleteMessageBatchResponse deleted = await _sqs.DeleteMessageBatchAsync(url,
        [
            .. got.Messages.Select((m, i) => new DeleteMessageBatchRequestEntry($"d{i}", m.ReceiptHandle)),
            new DeleteMessageBatchRequestEntry("forged", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ]);
        Assert.Equal(["d0", "d1"], deleted.Successful.Select(s => s.Id).Order());
        Assert.Equal(("forged", "ReceiptHandleIsInvalid"), (deleted.Failed.Single().Id, deleted.Failed.Single().Code));
        Assert.Equal("0", (await _sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])).Attributes.Values.Distinct().Single());
    }

    [Fact]
    public async Task Batches_with_no_entries_too_many_or_repeated_ids_are_refused()
    {
        string url = await QueueAsync("batch-rules");
        await Assert.ThrowsAsync<EmptyBatchRequestException>(() => _sqs.SendMessageBatchAsync(url, []));
        await Assert.ThrowsAsync<TooManyEntriesInBatchRequestException>(() =>
            _sqs.SendMessageBatchAsync(url, [.. Enumerable.Range(0, 11).Select(i => new SendMessageBatchRequestEntry($"e{i}", "x"))]));
        await Assert.ThrowsAsync<BatchEntryIdsNotDistinctException>(() =>
            _sqs.SendMessageBatchAsync(url, [new SendMessageBatchRequestEntry("same", "x"), new SendMessageBatchRequestEntry("same", "y")]));
        await Assert.ThrowsAsync<InvalidBatchEntryIdException>(() => _sqs.SendMessageBatchAsync(url, [new SendMessageBatchRequestEntry("not ok", "x")]));
        await Assert.ThrowsAsync<BatchRequestTooLongException>(() => _sqs.SendMessageBatchAsync(url,
            [new SendMessageBatchRequestEntry("a", new string('a', 600_000)), new SendMessageBatchRequestEntry("b", new string('b', 600_000))]));
        Assert.Null((await _sqs.ReceiveMessageAsync(url)).Messages);
    }

    [Fact]
    public async Task Bodies_over_the_size_limit_or_with_invalid_characters_are_refused()
    {
        string url = await QueueAsync("limits", new() { ["MaximumMessageSize"] = "2048" });
        AmazonSQSException big = await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(url, new string('x', 2049)));
        Assert.Equal(("InvalidParameterValue", HttpStatusCode.BadRequest), (big.ErrorCode, big.StatusCode));
        await _sqs.SendMessageAsync(url, new string('x', 2048));
        await Assert.ThrowsAsync<InvalidMessageContentsException>(() => _sqs.SendMessageAsync(url, "nul \u0000 inside"));
        string full = await QueueAsync("limits-default");
        await _sqs.SendMessageAsync(full, new string('y', 1024 * 1024));
        await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(full, new string('y', 1024 * 1024 + 1)));
        Assert.Equal(1024 * 1024, (await Receive.OneAsync(_sqs, full)).Body.Length);
    }

    [Fact]
    public async Task Too_many_or_badly_named_message_attributes_are_refused()
    {
        string url = await QueueAsync("attribute-rules");
        Dictionary<string, MessageAttributeValue> eleven = Enumerable.Range(0, 11).ToDictionary(i => $"a{i}", _ => new MessageAttributeValue { DataType = "String", StringValue = "v" });
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(new SendMessageRequest(url, "x") { MessageAttributes = eleven }))).ErrorCode);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(new SendMessageRequest(url, "x")
        {
            MessageAttributes = new() { ["AWS.reserved"] = new MessageAttributeValue { DataType = "String", StringValue = "v" } },
        }))).ErrorCode);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(new SendMessageRequest(url, "x")
        {
            MessageAttributes = new() { ["n"] = new MessageAttributeValue { DataType = "Number", StringValue = "forty" } },
        }))).ErrorCode);
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_a_message_arrives()
    {
        string url = await QueueAsync("long-poll");
        var started = System.Diagnostics.Stopwatch.StartNew();
        Task<ReceiveMessageResponse> poll = _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { WaitTimeSeconds = 20 });
        await Task.Delay(300);
        Assert.False(poll.IsCompleted);
        await _sqs.SendMessageAsync(url, "awaited");
        ReceiveMessageResponse r = await poll;
        Assert.Equal("awaited", Assert.Single(r.Messages).Body);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Up_to_ten_messages_come_in_one_receive_and_more_than_ten_is_refused()
    {
        string url = await QueueAsync("ten");
        for (int i = 0; i < 12; i++)
        {
            await _sqs.SendMessageAsync(url, $"m{i}");
        }
        ReceiveMessageResponse r = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 10 });
        Assert.Equal(10, r.Messages.Count);
        Assert.Equal(10, r.Messages.Select(m => m.ReceiptHandle).Distinct().Count());
        AmazonSQSException e = await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 11 }));
        Assert.Equal("InvalidParameterValue", e.ErrorCode);
    }

    [Fact]
    public async Task Visibility_changes_hand_a_message_back_and_a_settled_or_foreign_handle_is_refused()
    {
        string url = await QueueAsync("visibility");
        string other = await QueueAsync("visibility-other");
        await _sqs.SendMessageAsync(url, "seen twice");
        Message first = await Receive.OneAsync(_sqs, url, visibility: 600);
        Assert.Null((await _sqs.ReceiveMessageAsync(url)).Messages);
        await _sqs.ChangeMessageVisibilityAsync(url, first.ReceiptHandle, 0);
        Message second = await Receive.OneAsync(_sqs, url);
        Assert.Equal("2", second.Attributes["ApproximateReceiveCount"]);
        Assert.Equal(first.Attributes["ApproximateFirstReceiveTimestamp"], second.Attributes["ApproximateFirstReceiveTimestamp"]);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);

        await Assert.ThrowsAsync<ReceiptHandleIsInvalidException>(() => _sqs.DeleteMessageAsync(other, second.ReceiptHandle));
        await Assert.ThrowsAsync<ReceiptHandleIsInvalidException>(() => _sqs.DeleteMessageAsync(url, "forged-handle-forged-handle-forged-handle-forged"));
        await _sqs.DeleteMessageAsync(url, first.ReceiptHandle); // an older handle: success, nothing changes
        await _sqs.ChangeMessageVisibilityAsync(url, second.ReceiptHandle, 300);
        await _sqs.DeleteMessageAsync(url, second.ReceiptHandle);
        await Assert.ThrowsAsync<MessageNotInflightException>(() => _sqs.ChangeMessageVisibilityAsync(url, second.ReceiptHandle, 10));
        await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.ChangeMessageVisibilityAsync(url, second.ReceiptHandle, 43201));
    }

    [Fact]
    public async Task A_visibility_batch_reports_each_entry()
    {
        string url = await QueueAsync("visibility-batch");
        await _sqs.SendMessageAsync(url, "a");
        Message m = await Receive.OneAsync(_sqs, url);
        ChangeMessageVisibilityBatchResponse r = await _sqs.ChangeMessageVisibilityBatchAsync(url,
        [
            new ChangeMessageVisibilityBatchRequestEntry("ok", m.ReceiptHandle) { VisibilityTimeout = 0 },
            new ChangeMessageVisibilityBatchRequestEntry("bad", "forged-handle-forged-handle-forged-handle-forged") { VisibilityTimeout = 0 },
        ]);
        Assert.Equal("ok", Assert.Single(r.Successful).Id);
        Assert.Equal(("bad", "ReceiptHandleIsInvalid"), (r.Failed.Single().Id, r.Failed.Single().Code));
        Assert.Equal("a", (await Receive.OneAsync(_sqs, url)).Body);
    }

    [Fact]
    public async Task A_queue_delay_and_a_message_delay_hold_messages_back()
    {
        string url = await QueueAsync("delayed", new() { ["DelaySeconds"] = "900" });
        await _sqs.SendMessageAsync(url, "queue delay");
        await _sqs.SendMessageAsync(new SendMessageRequest(url, "no delay") { DelaySeconds = 0 });
        Message m = await Receive.OneAsync(_sqs, url);
        Assert.Equal("no delay", m.Body);
        Assert.Equal("1", (await _sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessagesDelayed"])).Attributes["ApproximateNumberOfMessagesDelayed"]);
    }

    [Fact]
    public async Task Requests_signed_for_any_region_are_served_and_arns_name_that_region()
    {
        AmazonSQSClient paris = fixture.Client(region: "eu-west-3");
        string url = (await paris.CreateQueueAsync("regional")).QueueUrl;
        Assert.Equal("arn:aws:sqs:eu-west-3:000000000000:regional", (await paris.GetQueueAttributesAsync(url, ["QueueArn"])).Attributes["QueueArn"]);
    }

    [Fact]
    public async Task A_wrong_secret_or_an_unknown_key_is_refused_with_403_and_the_broker_keeps_serving()
    {
        AmazonSQSException wrong = await Assert.ThrowsAsync<AmazonSQSException>(() => fixture.Client(secret: "nope").ListQueuesAsync(new ListQueuesRequest()));
        Assert.Equal(("SignatureDoesNotMatch", HttpStatusCode.Forbidden), (wrong.ErrorCode, wrong.StatusCode));
        AmazonSQSException unknown = await Assert.ThrowsAsync<AmazonSQSException>(() => fixture.Client(accessKey: "stranger").ListQueuesAsync(new ListQueuesRequest()));
        Assert.Equal(("InvalidClientTokenId", HttpStatusCode.Forbidden), (unknown.ErrorCode, unknown.StatusCode));
        await _sqs.ListQueuesAsync(new ListQueuesRequest());
    }
}
