using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.SQS;

namespace Omnibus.Aws.Tests;

/// <summary>Bad input gets SQS's own error, and the endpoint keeps serving.</summary>
public sealed class BadInputTests(SqsFixture fixture) : IClassFixture<SqsFixture>, IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, string Type, string QueryError, string Message)> SendAsync(HttpRequestMessage request)
    {
        using HttpResponseMessage response = await _http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        using JsonDocument body = JsonDocument.Parse(text);
        string queryError = response.Headers.TryGetValues("x-amzn-query-error", out IEnumerable<string>? v) ? v.Single() : "";
        Assert.Equal("application/x-amz-json-1.0", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        return (response.StatusCode, body.RootElement.GetProperty("__type").GetString()!, queryError, body.RootElement.GetProperty("message").GetString()!);
    }

    private async Task StillServesAsync() => await fixture.Client().ListQueuesAsync(new Amazon.SQS.Model.ListQueuesRequest());

    [Fact]
    public async Task Malformed_json_is_a_serialization_error()
    {
        var r = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.CreateQueue", "{\"QueueName\": "));
        Assert.Equal((HttpStatusCode.BadRequest, "com.amazonaws.sqs#SerializationException", "SerializationException;Sender"), (r.Status, r.Type, r.QueryError));
        var array = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.CreateQueue", "[1,2]"));
        Assert.Equal(HttpStatusCode.BadRequest, array.Status);
        await StillServesAsync();
    }

    [Fact]
    public async Task An_unknown_action_or_no_target_is_refused()
    {
        var unknown = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.DoSomethingElse", "{}"));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidAction;Sender"), (unknown.Status, unknown.QueryError));
        var none = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, null, "{}"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        // A form post is the query protocol (SNS's and SQS's): an action neither serves is InvalidAction, in XML.
        using HttpResponseMessage query = await _http.SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, null, "Action=DoSomethingElse"u8.ToArray(), contentType: "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.Contains("<Code>InvalidAction</Code>", await query.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await StillServesAsync();
    }

    [Fact]
    public async Task Wrong_json_types_and_missing_parameters_are_sqs_parameter_errors()
    {
        var missing = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.CreateQueue", "{}"));
        Assert.Equal((HttpStatusCode.BadRequest, "MissingParameter;Sender"), (missing.Status, missing.QueryError));
        var wrongType = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.CreateQueue", "{\"QueueName\": 7}"));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterValue;Sender"), (wrongType.Status, wrongType.QueryError));
        var noQueue = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.SendMessage", "{\"QueueUrl\": \"http://x/000000000000/absent\", \"MessageBody\": \"b\"}"));
        Assert.Equal(("com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue;Sender"), (noQueue.Type, noQueue.QueryError));
    }

    [Fact]
    public async Task A_body_over_the_request_limit_is_refused_without_being_kept()
    {
        byte[] huge = Encoding.UTF8.GetBytes("{\"QueueUrl\":\"q\",\"MessageBody\":\"" + new string('x', 5 * 1024 * 1024) + "\"}");
        var r = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.SendMessage", huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.Status);
        await StillServesAsync();
    }

    [Fact]
    public async Task Unsigned_tampered_and_wrongly_signed_requests_get_403()
    {
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, fixture.Broker.SqsServiceUrl) { Content = new StringContent("{}") };
        unsigned.Headers.TryAddWithoutValidation("x-amz-target", "AmazonSQS.ListQueues");
        var missing = await SendAsync(unsigned);
        Assert.Equal((HttpStatusCode.Forbidden, "MissingAuthenticationToken;Sender"), (missing.Status, missing.QueryError));

        HttpRequestMessage tampered = RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.CreateQueue", "{\"QueueName\":\"a\"}");
        tampered.Content = new StringContent("{\"QueueName\":\"b\"}", Encoding.UTF8, "application/x-amz-json-1.0");
        var changed = await SendAsync(tampered);
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch;Sender"), (changed.Status, changed.QueryError));
        Assert.Throws<Core.MessagingException>(() => fixture.Broker.Broker.GetQueue("b"));

        var wrong = await SendAsync(RawHttp.Signed(fixture.Broker.SqsServiceUrl, "AmazonSQS.ListQueues", "{}"u8.ToArray(), secret: "other"));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.Status);
        await StillServesAsync();
    }

    [Fact]
    public async Task The_sqs_endpoint_answers_nothing_else_and_the_management_endpoint_answers_no_sqs()
    {
        using HttpResponseMessage health = await _http.GetAsync(new Uri(fixture.Broker.SqsServiceUrl, "/health/live"));
        Assert.Equal(HttpStatusCode.Forbidden, health.StatusCode); // an unsigned SQS request, not the health probe
        using HttpResponseMessage adminHealth = await _http.GetAsync(new Uri(fixture.Broker.AdminEndpoint, "/health/live"));
        Assert.Equal(HttpStatusCode.OK, adminHealth.StatusCode);
        var client = new AmazonSQSClient(new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            new AmazonSQSConfig { ServiceURL = fixture.Broker.AdminEndpoint.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        await Assert.ThrowsAnyAsync<Exception>(() => client.CreateQueueAsync("via-admin"));
        Assert.Throws<Core.MessagingException>(() => fixture.Broker.Broker.GetQueue("via-admin"));
    }
}
