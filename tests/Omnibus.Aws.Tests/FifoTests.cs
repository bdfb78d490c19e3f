using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Testing;

namespace Omnibus.Aws.Tests;

/// <summary>FIFO queues through AWSSDK.SQS: groups in order, one message of a group in flight, deduplication, sequence numbers.</summary>
public sealed class FifoTests(SqsFixture fixture) : IClassFixture<SqsFixture>
{
    private readonly AmazonSQSClient _sqs = fixture.Client();

    private async Task<string> FifoAsync(string name, bool contentBased = false) =>
        (await _sqs.CreateQueueAsync(new CreateQueueRequest(name)
        {
            Attributes = new() { ["FifoQueue"] = "true", ["ContentBasedDeduplication"] = contentBased ? "true" : "false" },
        })).QueueUrl;

    private Task<SendMessageResponse> SendAsync(string url, string body, string group, string? dedup = null) =>
        _sqs.SendMessageAsync(new SendMessageRequest(url, body) { MessageGroupId = group, MessageDeduplicationId = dedup ?? Guid.NewGuid().ToString("N") });

    [Fact]
    public async Task A_fifo_queue_needs_the_fifo_suffix_and_reports_its_fifo_attributes()
    {
        string url = await FifoAsync("orders.fifo");
        Dictionary<string, string> a = (await _sqs.GetQueueAttributesAsync(url, ["All"])).Attributes;
        Assert.Equal(("true", "false", "queue", "perQueue"), (a["FifoQueue"], a["ContentBasedDeduplication"], a["DeduplicationScope"], a["FifoThroughputLimit"]));
        Assert.True(fixture.Broker.Broker.GetQueue("orders.fifo").MessageGroups);
        await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.CreateQueueAsync(new CreateQueueRequest("nosuffix") { Attributes = new() { ["FifoQueue"] = "true" } }));
        await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.CreateQueueAsync("suffix-only.fifo"));
    }

    [Fact]
    public async Task A_group_delivers_in_order_and_holds_its_next_message_while_one_is_in_flight()
    {
        string url = await FifoAsync("groups.fifo");
        SendMessageResponse a1 = await SendAsync(url, "a1", "a");
        SendMessageResponse a2 = await SendAsync(url, "a2", "a");
        await SendAsync(url, "b1", "b");
        Assert.True(long.Parse(a2.SequenceNumber) > long.Parse(a1.SequenceNumber));

        ReceiveMessageResponse first = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 10, MessageSystemAttributeNames = ["All"] });
        Assert.Equal(["a1", "b1"], first.Messages.Select(m => m.Body).Order());
        Message held = first.Messages.Single(m => m.Body == "a1");
        Assert.Equal(("a", a1.SequenceNumber), (held.Attributes["MessageGroupId"], held.Attributes["SequenceNumber"]));
        Assert.Null((await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 10 })).Messages);

        await _sqs.DeleteMessageAsync(url, held.ReceiptHandle);
        Message next = await Receive.OneAsync(_sqs, url);
        Assert.Equal("a2", next.Body);
    }

    [Fact]
    public async Task A_repeated_deduplication_id_or_body_is_stored_once()
    {
        string url = await FifoAsync("dedup.fifo");
        await SendAsync(url, "first", "g", dedup: "same");
        SendMessageResponse again = await SendAsync(url, "second", "g", dedup: "same");
        Assert.NotNull(again.MessageId);
        string content = await FifoAsync("content.fifo", contentBased: true);
        await _sqs.SendMessageAsync(new SendMessageRequest(content, "same body") { MessageGroupId = "g" });
        await _sqs.SendMessageAsync(new SendMessageRequest(content, "same body") { MessageGroupId = "g" });

        ReceiveMessageResponse r = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 10, MessageSystemAttributeNames = ["MessageDeduplicationId"] });
        Message only = Assert.Single(r.Messages);
        Assert.Equal(("first", "same"), (only.Body, only.Attributes["MessageDeduplicationId"]));
        await _sqs.DeleteMessageAsync(url, only.ReceiptHandle);
        Assert.Null((await _sqs.ReceiveMessageAsync(url)).Messages);
        Assert.Equal("1", (await _sqs.GetQueueAttributesAsync(content, ["ApproximateNumberOfMessages"])).Attributes["ApproximateNumberOfMessages"]);
    }

    [Fact]
    public async Task A_fifo_send_without_group_or_deduplication_and_a_per_message_delay_are_refused()
    {
        string url = await FifoAsync("rules.fifo");
        Assert.Equal("MissingParameter", (await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(new SendMessageRequest(url, "x") { MessageDeduplicationId = "d" }))).ErrorCode);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(new SendMessageRequest(url, "x") { MessageGroupId = "g" }))).ErrorCode);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonSQSException>(() =>
            _sqs.SendMessageAsync(new SendMessageRequest(url, "x") { MessageGroupId = "g", MessageDeduplicationId = "d", DelaySeconds = 5 }))).ErrorCode);
        string standard = (await _sqs.CreateQueueAsync("standard-no-dedup")).QueueUrl;
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonSQSException>(() =>
            _sqs.SendMessageAsync(new SendMessageRequest(standard, "x") { MessageDeduplicationId = "d" }))).ErrorCode);
    }

    [Fact]
    public async Task A_fifo_batch_keeps_its_order_and_reports_sequence_numbers()
    {
        string url = await FifoAsync("batch.fifo");
        SendMessageBatchResponse r = await _sqs.SendMessageBatchAsync(url,
            [.. Enumerable.Range(0, 5).Select(i => new SendMessageBatchRequestEntry($"e{i}", $"m{i}") { MessageGroupId = "g", MessageDeduplicationId = $"d{i}" })]);
        Assert.Equal(5, r.Successful.Count);
        Assert.Equal(r.Successful.Select(s => long.Parse(s.SequenceNumber)).Order(), r.Successful.Select(s => long.Parse(s.SequenceNumber)));
        var bodies = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            Message m = await Receive.OneAsync(_sqs, url);
            bodies.Add(m.Body);
            await _sqs.DeleteMessageAsync(url, m.ReceiptHandle);
        }
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], bodies);
    }

    [Fact]
    public async Task The_deduplication_window_is_five_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o => { o.InMemory = true; o.TimeProvider = clock; });
        AmazonSQSClient sqs = SqsClients.For(broker);
        string url = (await sqs.CreateQueueAsync(new CreateQueueRequest("window.fifo") { Attributes = new() { ["FifoQueue"] = "true" } })).QueueUrl;
        await sqs.SendMessageAsync(new SendMessageRequest(url, "one") { MessageGroupId = "g", MessageDeduplicationId = "d" });
        clock.Advance(TimeSpan.FromMinutes(4));
        await sqs.SendMessageAsync(new SendMessageRequest(url, "dropped") { MessageGroupId = "g", MessageDeduplicationId = "d" });
        clock.Advance(TimeSpan.FromMinutes(2));
        await broker.Broker.SweepAsync();
        await sqs.SendMessageAsync(new SendMessageRequest(url, "two") { MessageGroupId = "g", MessageDeduplicationId = "d" });
        Assert.Equal("2", (await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"])).Attributes["ApproximateNumberOfMessages"]);
    }
}
