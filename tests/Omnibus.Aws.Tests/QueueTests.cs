using Amazon.SQS;
using Amazon.SQS.Model;

namespace Omnibus.Aws.Tests;

/// <summary>Queue actions through AWSSDK.SQS.</summary>
public sealed class QueueTests(SqsFixture fixture) : IClassFixture<SqsFixture>
{
    private readonly AmazonSQSClient _sqs = fixture.Client();

    [Fact]
    public async Task A_created_queue_has_a_url_on_the_broker_and_is_found_by_name()
    {
        CreateQueueResponse created = await _sqs.CreateQueueAsync("orders");
        Assert.Equal($"{fixture.Broker.SqsServiceUrl}000000000000/orders", created.QueueUrl);
        Assert.Equal(created.QueueUrl, (await _sqs.GetQueueUrlAsync("orders")).QueueUrl);
        Assert.Equal("orders", fixture.Broker.Broker.GetQueue("orders").Name);
    }
}
