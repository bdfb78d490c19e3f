using Omnibus.Tests.Shared;
using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;
using Omnibus.Testing;

namespace Omnibus.Aws.Tests;

/// <summary>AWSSDK.SQS while the data directory's volume is below the free-space floor: sends get ServiceUnavailable, and succeed again once space returns, without a restart.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly SimulatedFreeSpace _disk = new();
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync(o => o.Host = _disk.Apply);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_send_below_the_floor_is_refused_with_ServiceUnavailable_receives_go_on_and_sends_resume_when_space_returns()
    {
        using AmazonSQSClient sqs = SqsClients.For(_broker);
        string url = (await sqs.CreateQueueAsync("disk-full")).QueueUrl;
        await sqs.SendMessageAsync(url, "before");

        _disk.RunLow(_broker.Broker);

        AmazonSQSException refused = await Assert.ThrowsAsync<AmazonSQSException>(() => sqs.SendMessageAsync(url, "refused"));
        Assert.Equal(("ServiceUnavailable", HttpStatusCode.ServiceUnavailable), (refused.ErrorCode, refused.StatusCode));
        ReceiveMessageResponse got = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10 });
        Assert.Equal("before", Assert.Single(got.Messages).Body);
        await sqs.DeleteMessageAsync(url, got.Messages[0].ReceiptHandle);

        _disk.Recover(_broker.Broker);

        await sqs.SendMessageAsync(url, "after");
        got = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10 });
        Assert.Equal("after", Assert.Single(got.Messages).Body);
    }
}
