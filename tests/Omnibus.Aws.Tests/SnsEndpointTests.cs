namespace Omnibus.Aws.Tests;

/// <summary>The query protocol's refusals on the shared AWS endpoint: SNS's XML error shape with its status, and the endpoint keeps serving.</summary>
public sealed class SnsEndpointTests(SqsFixture fixture) : IClassFixture<SqsFixture>, IDisposable
{
    private readonly SnsHttp _sns = new(fixture.Broker.SqsServiceUrl);

    public void Dispose() => _sns.Dispose();

    [Fact]
    public async Task An_unknown_action_is_invalid_action()
    {
        (int status, System.Xml.Linq.XElement root) = await _sns.CallAsync("Frobnicate");
        Assert.Equal((400, "InvalidAction"), (status, SnsHttp.ErrorCode(root)));
    }

    [Fact]
    public async Task An_unknown_topic_is_not_found_with_404()
    {
        (int status, System.Xml.Linq.XElement root) = await _sns.CallAsync("GetTopicAttributes", ("TopicArn", "arn:aws:sns:us-east-1:000000000000:none"));
        Assert.Equal((404, "NotFound"), (status, SnsHttp.ErrorCode(root)));
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_with_403_in_xml()
    {
        using var http = new HttpClient();
        using HttpRequestMessage request = RawHttp.SignedForm(fixture.Broker.SqsServiceUrl, [new("Action", "ListTopics")], secret: "wrong");
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", SnsHttp.ErrorCode(System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!));
    }

    [Fact]
    public async Task A_form_post_signed_for_sqs_is_sqs_query_protocol_and_an_unknown_action_is_invalid_action()
    {
        using var http = new HttpClient();
        using HttpRequestMessage request = RawHttp.SignedForm(fixture.Broker.SqsServiceUrl, [new("Action", "ListQueues")], service: "sqs");
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("<ListQueuesResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using HttpRequestMessage unknown = RawHttp.SignedForm(fixture.Broker.SqsServiceUrl, [new("Action", "DoSomethingElse")], service: "sqs");
        using HttpResponseMessage refused = await http.SendAsync(unknown);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("InvalidAction", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_filter_policy_is_invalid_parameter_and_nothing_is_subscribed()
    {
        string topicArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "bad-policy"));
        fixture.Broker.Broker.CreateQueue(new Core.Entities.QueueDescription { Name = "bad-policy-q" });
        (int status, System.Xml.Linq.XElement root) = await _sns.CallAsync("Subscribe", ("TopicArn", topicArn), ("Protocol", "sqs"),
            ("Endpoint", "arn:aws:sqs:us-east-1:000000000000:bad-policy-q"),
            ("Attributes.entry.1.key", "FilterPolicy"), ("Attributes.entry.1.value", """{"a": [{"numeric": [">"]}]}"""));
        Assert.Equal((400, "InvalidParameter"), (status, SnsHttp.ErrorCode(root)));
        Assert.Empty(fixture.Broker.Broker.ListBindings("bad-policy"));
    }

    [Fact]
    public async Task A_message_with_characters_sns_refuses_is_invalid_parameter()
    {
        string topicArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "bad-chars"));
        (int status, System.Xml.Linq.XElement root) = await _sns.CallAsync("Publish", ("TopicArn", topicArn), ("Message", "a\u0001b"));
        Assert.Equal((400, "InvalidParameter"), (status, SnsHttp.ErrorCode(root)));
    }

    [Fact]
    public async Task Malformed_batches_are_refused_whole_with_the_batch_codes()
    {
        string topicArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "bad-batches"));
        (int status, System.Xml.Linq.XElement root) = await _sns.CallAsync("PublishBatch", ("TopicArn", topicArn));
        Assert.Equal((400, "EmptyBatchRequest"), (status, SnsHttp.ErrorCode(root)));
        (status, root) = await _sns.CallAsync("PublishBatch", ("TopicArn", topicArn),
            ("PublishBatchRequestEntries.member.1.Id", "a"), ("PublishBatchRequestEntries.member.1.Message", "x"),
            ("PublishBatchRequestEntries.member.2.Id", "a"), ("PublishBatchRequestEntries.member.2.Message", "y"));
        Assert.Equal((400, "BatchEntryIdsNotDistinct"), (status, SnsHttp.ErrorCode(root)));
        (status, root) = await _sns.CallAsync("PublishBatch", ("TopicArn", topicArn),
            ("PublishBatchRequestEntries.member.1.Id", "no spaces"), ("PublishBatchRequestEntries.member.1.Message", "x"));
        Assert.Equal((400, "InvalidBatchEntryId"), (status, SnsHttp.ErrorCode(root)));
        var eleven = Enumerable.Range(1, 11).SelectMany(i => new[] { ($"PublishBatchRequestEntries.member.{i}.Id", $"e{i}"), ($"PublishBatchRequestEntries.member.{i}.Message", "m") });
        (status, root) = await _sns.CallAsync("PublishBatch", [("TopicArn", topicArn), .. eleven]);
        Assert.Equal((400, "TooManyEntriesInBatchRequest"), (status, SnsHttp.ErrorCode(root)));
    }

    [Fact]
    public async Task Fifo_rules_are_checked_at_publish()
    {
        string fifoArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "rules.fifo"), ("Attributes.entry.1.key", "FifoTopic"), ("Attributes.entry.1.value", "true"));
        (int status, System.Xml.Linq.XElement root) = await _sns.CallAsync("Publish", ("TopicArn", fifoArn), ("Message", "m"), ("MessageGroupId", "g"));
        Assert.Equal((400, "InvalidParameter"), (status, SnsHttp.ErrorCode(root))); // no deduplication id, no content-based deduplication
        string standardArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "rules-standard"));
        (status, root) = await _sns.CallAsync("Publish", ("TopicArn", standardArn), ("Message", "m"), ("MessageDeduplicationId", "d"));
        Assert.Equal((400, "InvalidParameter"), (status, SnsHttp.ErrorCode(root)));
        (status, root) = await _sns.CallAsync("SetTopicAttributes", ("TopicArn", standardArn), ("AttributeName", "ContentBasedDeduplication"), ("AttributeValue", "true"));
        Assert.Equal((400, "InvalidParameter"), (status, SnsHttp.ErrorCode(root)));
    }
}
