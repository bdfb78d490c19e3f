using System.Text;
using Amazon.SQS;
using Amazon.SQS.Model;
using Azure.Messaging.ServiceBus;

namespace Omnibus.Aws.Tests;

/// <summary>An SQS queue is the broker's queue of that name: the Service Bus SDK reads what SQS sends, and the other way round.</summary>
public sealed class CrossProtocolTests(SqsFixture fixture) : IClassFixture<SqsFixture>
{
    private readonly AmazonSQSClient _sqs = fixture.Client();

    [Fact]
    public async Task A_message_sent_with_sqs_is_received_by_the_service_bus_sdk_with_its_attributes_as_properties()
    {
        string url = (await _sqs.CreateQueueAsync("to-service-bus")).QueueUrl;
        SendMessageResponse sent = await _sqs.SendMessageAsync(new SendMessageRequest(url, "from sqs")
        {
            MessageAttributes = new()
            {
                ["tenant"] = new MessageAttributeValue { DataType = "String", StringValue = "acme" },
                ["attempt"] = new MessageAttributeValue { DataType = "Number", StringValue = "3" },
            },
        });
        await using var client = new ServiceBusClient(fixture.Broker.ServiceBusConnectionString);
        await using ServiceBusReceiver receiver = client.CreateReceiver("to-service-bus");
        ServiceBusReceivedMessage m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(m);
        Assert.Equal("from sqs", m.Body.ToString());
        Assert.Equal(sent.MessageId, m.MessageId);
        Assert.Equal("acme", m.ApplicationProperties["tenant"]);
        Assert.Equal(3L, m.ApplicationProperties["attempt"]);
        await receiver.CompleteMessageAsync(m);
    }

    [Fact]
    public async Task A_message_sent_with_the_service_bus_sdk_is_received_by_sqs_with_its_properties_as_attributes()
    {
        string url = (await _sqs.CreateQueueAsync("from-service-bus")).QueueUrl;
        await using var client = new ServiceBusClient(fixture.Broker.ServiceBusConnectionString);
        await using ServiceBusSender sender = client.CreateSender("from-service-bus");
        var message = new ServiceBusMessage(Encoding.UTF8.GetBytes("from service bus")) { MessageId = "sb-1" };
        message.ApplicationProperties["tenant"] = "acme";
        message.ApplicationProperties["count"] = 7;
        message.ApplicationProperties["ratio"] = 0.5;
        message.ApplicationProperties["flag"] = true;
        await sender.SendMessageAsync(message);

        Message m = await Receive.OneAsync(_sqs, url);
        Assert.Equal(("from service bus", "sb-1"), (m.Body, m.MessageId));
        Assert.Equal(("String", "acme"), (m.MessageAttributes["tenant"].DataType, m.MessageAttributes["tenant"].StringValue));
        Assert.Equal(("Number", "7"), (m.MessageAttributes["count"].DataType, m.MessageAttributes["count"].StringValue));
        Assert.Equal(("Number", "0.5"), (m.MessageAttributes["ratio"].DataType, m.MessageAttributes["ratio"].StringValue));
        Assert.Equal("true", m.MessageAttributes["flag"].StringValue);
        await _sqs.DeleteMessageAsync(url, m.ReceiptHandle);
    }

    [Fact]
    public async Task A_queue_made_by_another_protocol_is_listed_and_used_by_sqs()
    {
        fixture.Broker.Broker.CreateQueue(new Core.Entities.QueueDescription { Name = "made-elsewhere", LockDuration = TimeSpan.FromSeconds(45) });
        string url = (await _sqs.GetQueueUrlAsync("made-elsewhere")).QueueUrl;
        Assert.Equal("45", (await _sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout"])).Attributes["VisibilityTimeout"]);
        await _sqs.SendMessageAsync(url, "hello");
        Assert.Equal("hello", (await Receive.OneAsync(_sqs, url)).Body);
    }
}
