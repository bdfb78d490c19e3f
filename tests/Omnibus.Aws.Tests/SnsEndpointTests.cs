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
    public async Task The_sqs_query_protocol_is_refused_as_not_served()
    {
        using var http = new HttpClient();
        using HttpRequestMessage request = RawHttp.SignedForm(fixture.Broker.SqsServiceUrl, [new("Action", "ListQueues")], service: "sqs");
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("InvalidAction", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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
}
