using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Omnibus.Aws.Tests;

/// <summary>Queue actions through AWSSDK.SQS.</summary>
public sealed class QueueTests(SqsFixture fixture) : IClassFixture<SqsFixture>
{
    private readonly AmazonSQSClient _sqs = fixture.Client();

    [Fact]
    public async Task A_created_queue_has_a_url_on_the_broker_and_is_the_brokers_queue_of_that_name()
    {
        CreateQueueResponse created = await _sqs.CreateQueueAsync("orders");
        Assert.Equal($"{fixture.Broker.SqsServiceUrl}000000000000/orders", created.QueueUrl);
        Assert.Equal(created.QueueUrl, (await _sqs.GetQueueUrlAsync("orders")).QueueUrl);
        Assert.Equal("orders", fixture.Broker.Broker.GetQueue("orders").Name);
    }

    [Fact]
    public async Task Creating_a_queue_again_with_the_same_attributes_returns_it_and_with_other_attributes_is_refused()
    {
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "45", ["DelaySeconds"] = "2" };
        string url = (await _sqs.CreateQueueAsync(new CreateQueueRequest("twice") { Attributes = attributes })).QueueUrl;
        Assert.Equal(url, (await _sqs.CreateQueueAsync(new CreateQueueRequest("twice") { Attributes = attributes })).QueueUrl);
        Assert.Equal(url, (await _sqs.CreateQueueAsync("twice")).QueueUrl);
        await Assert.ThrowsAsync<QueueNameExistsException>(() =>
            _sqs.CreateQueueAsync(new CreateQueueRequest("twice") { Attributes = new() { ["VisibilityTimeout"] = "46" } }));
    }

    [Fact]
    public async Task An_unknown_queue_and_a_bad_name_are_refused_with_sqs_errors()
    {
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _sqs.GetQueueUrlAsync("nowhere"));
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _sqs.SendMessageAsync($"{fixture.Broker.SqsServiceUrl}000000000000/nowhere", "x"));
        AmazonSQSException bad = await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.CreateQueueAsync("has space"));
        Assert.Equal("InvalidParameterValue", bad.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Queues_are_listed_by_prefix_and_in_pages()
    {
        foreach (string n in new[] { "list-a", "list-b", "list-c", "other" })
        {
            await _sqs.CreateQueueAsync(n);
        }
        ListQueuesResponse all = await _sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "list-" });
        Assert.Equal(["list-a", "list-b", "list-c"], all.QueueUrls.Select(u => u[(u.LastIndexOf('/') + 1)..]));
        Assert.Null(all.NextToken);
        ListQueuesResponse first = await _sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "list-", MaxResults = 2 });
        Assert.Equal(2, first.QueueUrls.Count);
        Assert.NotNull(first.NextToken);
        ListQueuesResponse second = await _sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "list-", MaxResults = 2, NextToken = first.NextToken });
        Assert.Equal(["list-c"], second.QueueUrls.Select(u => u[(u.LastIndexOf('/') + 1)..]));
        Assert.Null(second.NextToken);
        Assert.Null((await _sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "zzz" })).QueueUrls);
    }

    [Fact]
    public async Task A_deleted_queue_is_gone()
    {
        string url = (await _sqs.CreateQueueAsync("deleted")).QueueUrl;
        await _sqs.DeleteQueueAsync(url);
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _sqs.GetQueueUrlAsync("deleted"));
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _sqs.DeleteQueueAsync(url));
    }

    [Fact]
    public async Task Queue_attributes_have_sqs_defaults_counts_and_an_arn_and_can_be_changed()
    {
        string url = (await _sqs.CreateQueueAsync("attributes")).QueueUrl;
        await _sqs.SendMessageAsync(url, "one");
        await _sqs.SendMessageAsync(new SendMessageRequest(url, "later") { DelaySeconds = 900 });
        Dictionary<string, string> a = (await _sqs.GetQueueAttributesAsync(url, ["All"])).Attributes;
        Assert.Equal("30", a["VisibilityTimeout"]);
        Assert.Equal("0", a["DelaySeconds"]);
        Assert.Equal("345600", a["MessageRetentionPeriod"]);
        Assert.Equal("1048576", a["MaximumMessageSize"]);
        Assert.Equal("0", a["ReceiveMessageWaitTimeSeconds"]);
        Assert.Equal("1", a["ApproximateNumberOfMessages"]);
        Assert.Equal("0", a["ApproximateNumberOfMessagesNotVisible"]);
        Assert.Equal("1", a["ApproximateNumberOfMessagesDelayed"]);
        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:attributes", a["QueueArn"]);
        Assert.InRange(long.Parse(a["CreatedTimestamp"]), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.False(a.ContainsKey("FifoQueue"));

        await _sqs.SetQueueAttributesAsync(url, new Dictionary<string, string> { ["VisibilityTimeout"] = "120", ["MessageRetentionPeriod"] = "3600", ["ReceiveMessageWaitTimeSeconds"] = "1" });
        Dictionary<string, string> changed = (await _sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout", "MessageRetentionPeriod", "ApproximateNumberOfMessages"])).Attributes;
        Assert.Equal(new Dictionary<string, string> { ["VisibilityTimeout"] = "120", ["MessageRetentionPeriod"] = "3600", ["ApproximateNumberOfMessages"] = "1" }, changed);
        Assert.Equal(TimeSpan.FromHours(1), fixture.Broker.Broker.GetQueue("attributes").DefaultMessageTimeToLive);
        Assert.Equal(TimeSpan.FromSeconds(120), fixture.Broker.Broker.GetQueue("attributes").LockDuration);
    }

    [Fact]
    public async Task Bad_attribute_names_and_values_are_refused()
    {
        string url = (await _sqs.CreateQueueAsync("bad-attributes")).QueueUrl;
        await Assert.ThrowsAsync<InvalidAttributeValueException>(() => _sqs.SetQueueAttributesAsync(url, new Dictionary<string, string> { ["VisibilityTimeout"] = "43201" }));
        await Assert.ThrowsAsync<InvalidAttributeNameException>(() => _sqs.SetQueueAttributesAsync(url, new Dictionary<string, string> { ["Colour"] = "blue" }));
        await Assert.ThrowsAsync<InvalidAttributeNameException>(() => _sqs.GetQueueAttributesAsync(url, ["Colour"]));
        await Assert.ThrowsAsync<InvalidAttributeValueException>(() => _sqs.CreateQueueAsync(new CreateQueueRequest("bad-create") { Attributes = new() { ["DelaySeconds"] = "901" } }));
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _sqs.GetQueueUrlAsync("bad-create"));
    }

    [Fact]
    public async Task Tags_are_added_listed_and_removed()
    {
        string url = (await _sqs.CreateQueueAsync(new CreateQueueRequest("tagged") { Tags = new() { ["team"] = "billing" } })).QueueUrl;
        await _sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = url, Tags = new() { ["env"] = "dev" } });
        Assert.Equal(new Dictionary<string, string> { ["env"] = "dev", ["team"] = "billing" }, (await _sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = url })).Tags);
        await _sqs.UntagQueueAsync(new UntagQueueRequest { QueueUrl = url, TagKeys = ["team", "env"] });
        Assert.Null((await _sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = url })).Tags);
    }

    [Fact]
    public async Task Purging_a_queue_removes_its_messages()
    {
        string url = (await _sqs.CreateQueueAsync("purged")).QueueUrl;
        for (int i = 0; i < 5; i++)
        {
            await _sqs.SendMessageAsync(url, $"m{i}");
        }
        await _sqs.PurgeQueueAsync(url);
        Assert.Equal("0", (await _sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"])).Attributes["ApproximateNumberOfMessages"]);
        Assert.Null((await _sqs.ReceiveMessageAsync(url)).Messages);
    }

    [Fact]
    public async Task A_redrive_policy_moves_a_message_received_too_often_to_the_dead_letter_queue()
    {
        string dlq = (await _sqs.CreateQueueAsync("redrive-dlq")).QueueUrl;
        string arn = (await _sqs.GetQueueAttributesAsync(dlq, ["QueueArn"])).Attributes["QueueArn"];
        string url = (await _sqs.CreateQueueAsync(new CreateQueueRequest("redrive-source")
        {
            Attributes = new() { ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{arn}\",\"maxReceiveCount\":\"2\"}}" },
        })).QueueUrl;
        Assert.Equal($"{{\"deadLetterTargetArn\":\"{arn}\",\"maxReceiveCount\":2}}", (await _sqs.GetQueueAttributesAsync(url, ["RedrivePolicy"])).Attributes["RedrivePolicy"]);
        Assert.Equal([url], (await _sqs.ListDeadLetterSourceQueuesAsync(new ListDeadLetterSourceQueuesRequest { QueueUrl = dlq })).QueueUrls);
        await _sqs.SendMessageAsync(url, "poison");
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            Message m = await Receive.OneAsync(_sqs, url, visibility: 0);
            Assert.Equal(attempt.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Attributes["ApproximateReceiveCount"]);
        }
        Message dead = await Receive.OneAsync(_sqs, dlq);
        Assert.Equal("poison", dead.Body);
        Assert.Null((await _sqs.ReceiveMessageAsync(url)).Messages);

        AmazonSQSException missing = await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SetQueueAttributesAsync(url,
            new Dictionary<string, string> { ["RedrivePolicy"] = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:absent\",\"maxReceiveCount\":3}" }));
        Assert.Equal("InvalidParameterValue", missing.ErrorCode);
    }
}
