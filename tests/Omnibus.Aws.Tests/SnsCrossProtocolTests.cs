using System.Text;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Azure.Messaging.ServiceBus;
using Omnibus.Core.Entities;

namespace Omnibus.Aws.Tests;

/// <summary>An SNS topic is the broker's topic of that name: Service Bus subscriptions get what SNS publishes, and SQS subscribers what the Service Bus SDK sends.</summary>
public sealed class SnsCrossProtocolTests(SqsFixture fixture) : IClassFixture<SqsFixture>, IDisposable
{
    private readonly AmazonSQSClient _sqs = fixture.Client();
    private readonly SnsHttp _sns = new(fixture.Broker.SqsServiceUrl);

    public void Dispose() => _sns.Dispose();

    private async Task<(string Url, string Arn)> QueueAsync(string name)
    {
        string url = (await _sqs.CreateQueueAsync(name)).QueueUrl;
        string arn = (await _sqs.GetQueueAttributesAsync(url, ["QueueArn"])).Attributes["QueueArn"];
        return (url, arn);
    }

    [Fact]
    public async Task A_service_bus_subscription_receives_what_sns_publishes_with_its_attributes_as_properties()
    {
        string topicArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "sns-to-sb"));
        fixture.Broker.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "sns-to-sb", Name = "audit" });
        string messageId = await _sns.ResultAsync("Publish", "MessageId",
            ("TopicArn", topicArn), ("Message", "hello from sns"), ("Subject", "greeting"),
            ("MessageAttributes.entry.1.Name", "tenant"), ("MessageAttributes.entry.1.Value.DataType", "String"), ("MessageAttributes.entry.1.Value.StringValue", "acme"),
            ("MessageAttributes.entry.2.Name", "count"), ("MessageAttributes.entry.2.Value.DataType", "Number"), ("MessageAttributes.entry.2.Value.StringValue", "7"));

        await using var client = new ServiceBusClient(fixture.Broker.ServiceBusConnectionString);
        await using ServiceBusReceiver receiver = client.CreateReceiver("sns-to-sb", "audit");
        ServiceBusReceivedMessage m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(m);
        Assert.Equal(("hello from sns", messageId, "greeting"), (m.Body.ToString(), m.MessageId, m.Subject));
        Assert.Equal("acme", m.ApplicationProperties["tenant"]);
        Assert.Equal(7L, m.ApplicationProperties["count"]);
        await receiver.CompleteMessageAsync(m);
    }

    [Fact]
    public async Task A_service_bus_send_to_the_topic_reaches_an_sqs_queue_subscribed_to_it_in_the_envelope_and_raw()
    {
        string topicArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "sb-to-sqs"));
        (string envelopeUrl, string envelopeArn) = await QueueAsync("sb-to-sqs-envelope");
        (string rawUrl, string rawArn) = await QueueAsync("sb-to-sqs-raw");
        await _sns.ResultAsync("Subscribe", "SubscriptionArn", ("TopicArn", topicArn), ("Protocol", "sqs"), ("Endpoint", envelopeArn));
        await _sns.ResultAsync("Subscribe", "SubscriptionArn", ("TopicArn", topicArn), ("Protocol", "sqs"), ("Endpoint", rawArn),
            ("Attributes.entry.1.key", "RawMessageDelivery"), ("Attributes.entry.1.value", "true"),
            ("Attributes.entry.2.key", "FilterPolicy"), ("Attributes.entry.2.value", """{"tenant": ["acme"]}"""));

        await using var client = new ServiceBusClient(fixture.Broker.ServiceBusConnectionString);
        await using ServiceBusSender sender = client.CreateSender("sb-to-sqs");
        var matching = new ServiceBusMessage(Encoding.UTF8.GetBytes("from service bus")) { MessageId = "sb-1", Subject = "note" };
        matching.ApplicationProperties["tenant"] = "acme";
        var filtered = new ServiceBusMessage(Encoding.UTF8.GetBytes("not for raw")) { MessageId = "sb-2" };
        filtered.ApplicationProperties["tenant"] = "other";
        await sender.SendMessagesAsync([matching, filtered]);

        var envelopes = new List<JsonElement>();
        for (int i = 0; i < 2; i++)
        {
            Message e = await Receive.OneAsync(_sqs, envelopeUrl);
            envelopes.Add(JsonDocument.Parse(e.Body).RootElement.Clone());
            await _sqs.DeleteMessageAsync(envelopeUrl, e.ReceiptHandle);
        }
        JsonElement first = envelopes.Single(e => e.GetProperty("MessageId").GetString() == "sb-1");
        Assert.Equal(("Notification", topicArn, "from service bus", "note"),
            (first.GetProperty("Type").GetString(), first.GetProperty("TopicArn").GetString(), first.GetProperty("Message").GetString(), first.GetProperty("Subject").GetString()));
        Assert.Equal("acme", first.GetProperty("MessageAttributes").GetProperty("tenant").GetProperty("Value").GetString());

        Message raw = await Receive.OneAsync(_sqs, rawUrl);
        Assert.Equal(("from service bus", "acme"), (raw.Body, raw.MessageAttributes["tenant"].StringValue));
        await _sqs.DeleteMessageAsync(rawUrl, raw.ReceiptHandle);
        ReceiveMessageResponse nothing = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(rawUrl) { WaitTimeSeconds = 1 });
        Assert.True(nothing.Messages is null or { Count: 0 }, "the filter policy dropped the other tenant's message");
    }

    [Fact]
    public async Task A_subscription_is_a_binding_of_the_topics_exchange_to_the_queue()
    {
        string topicArn = await _sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "sns-binding"));
        (_, string arn) = await QueueAsync("sns-binding-q");
        await _sns.ResultAsync("Subscribe", "SubscriptionArn", ("TopicArn", topicArn), ("Protocol", "sqs"), ("Endpoint", arn));
        Core.Routing.BindingDescription b = Assert.Single(fixture.Broker.Broker.ListBindings("sns-binding"));
        Assert.Equal(("sns-binding", "sns-binding-q"), (b.Source, b.Destination));
        Assert.Equal("sns", fixture.Broker.Broker.GetExchange("sns-binding").Type);
    }

    [Fact]
    public async Task A_topic_made_by_service_bus_takes_sns_subscriptions()
    {
        fixture.Broker.Broker.CreateTopic(new TopicDescription { Name = "made-by-sb" });
        (string url, string arn) = await QueueAsync("made-by-sb-q");
        await _sns.ResultAsync("Subscribe", "SubscriptionArn", ("TopicArn", "arn:aws:sns:us-east-1:000000000000:made-by-sb"), ("Protocol", "sqs"), ("Endpoint", arn),
            ("Attributes.entry.1.key", "RawMessageDelivery"), ("Attributes.entry.1.value", "true"));
        await using var client = new ServiceBusClient(fixture.Broker.ServiceBusConnectionString);
        await using ServiceBusSender sender = client.CreateSender("made-by-sb");
        await sender.SendMessageAsync(new ServiceBusMessage("hi"));
        Assert.Equal("hi", (await Receive.OneAsync(_sqs, url)).Body);
    }
}
