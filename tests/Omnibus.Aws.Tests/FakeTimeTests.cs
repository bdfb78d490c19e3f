using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Testing;

namespace Omnibus.Aws.Tests;

/// <summary>Visibility timeouts and delays on the broker's fake clock (the SDK signs with the real one: the allowed skew is widened to days).</summary>
public sealed class FakeTimeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private OmnibusTestBroker _broker = null!;
    private AmazonSQSClient _sqs = null!;

    public async Task InitializeAsync()
    {
        _broker = await OmnibusTestBroker.StartAsync(o =>
        {
            o.InMemory = true;
            o.TimeProvider = _clock;
            o.Aws = a => a.MaxClockSkew = TimeSpan.FromDays(30);
            o.Host = h => h.SweepInterval = TimeSpan.FromMinutes(1); // few timer runs per advance: the tests sweep after each
        });
        _sqs = SqsClients.For(_broker);
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<ReceiveMessageResponse> AfterAsync(TimeSpan elapsed, string url)
    {
        _clock.Advance(elapsed);
        await _broker.Broker.SweepAsync();
        return await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MessageSystemAttributeNames = ["All"] });
    }

    [Fact]
    public async Task A_message_comes_back_when_its_visibility_timeout_ends_not_before()
    {
        string url = (await _sqs.CreateQueueAsync(new CreateQueueRequest("visible") { Attributes = new() { ["VisibilityTimeout"] = "3600" } })).QueueUrl;
        await _sqs.SendMessageAsync(url, "m");
        Assert.Single((await _sqs.ReceiveMessageAsync(url)).Messages);
        Assert.Null((await AfterAsync(TimeSpan.FromMinutes(59), url)).Messages);
        Message again = Assert.Single((await AfterAsync(TimeSpan.FromMinutes(2), url)).Messages);
        Assert.Equal("2", again.Attributes["ApproximateReceiveCount"]);

        Assert.Null((await AfterAsync(TimeSpan.FromMinutes(50), url)).Messages); // the queue's hour, not the core's lock duration
        await _sqs.ChangeMessageVisibilityAsync(url, again.ReceiptHandle, 43200 - 3600);
        Assert.Null((await AfterAsync(TimeSpan.FromHours(10), url)).Messages);
    }

    [Fact]
    public async Task A_receive_visibility_overrides_the_queues()
    {
        string url = (await _sqs.CreateQueueAsync("per-receive")).QueueUrl;
        await _sqs.SendMessageAsync(url, "m");
        Assert.Single((await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { VisibilityTimeout = 5 })).Messages);
        Assert.Single((await AfterAsync(TimeSpan.FromSeconds(6), url)).Messages);
    }

    [Fact]
    public async Task A_delayed_message_is_received_once_its_delay_has_passed()
    {
        string url = (await _sqs.CreateQueueAsync("delay")).QueueUrl;
        await _sqs.SendMessageAsync(new SendMessageRequest(url, "later") { DelaySeconds = 60 });
        Assert.Null((await AfterAsync(TimeSpan.FromSeconds(59), url)).Messages);
        Assert.Equal("later", Assert.Single((await AfterAsync(TimeSpan.FromSeconds(2), url)).Messages).Body);
    }

    [Fact]
    public async Task Messages_older_than_the_retention_period_are_gone()
    {
        string url = (await _sqs.CreateQueueAsync(new CreateQueueRequest("retention") { Attributes = new() { ["MessageRetentionPeriod"] = "60" } })).QueueUrl;
        await _sqs.SendMessageAsync(url, "short-lived");
        Assert.Null((await AfterAsync(TimeSpan.FromSeconds(61), url)).Messages);
    }
}
