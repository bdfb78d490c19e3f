using Amazon.SQS;
using Amazon.SQS.Model;
using Omnibus.Testing;

namespace Omnibus.Aws.Tests;

/// <summary>Topics, their attributes and subscriptions (filter policy and raw delivery included) are durable: they survive a restart on the file store.</summary>
public sealed class SnsRestartTests
{
    [Fact]
    public async Task A_topic_and_its_filtered_raw_subscription_work_the_same_after_a_restart()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        string topicArn, url;
        using (var sns = new SnsHttp(broker.SqsServiceUrl))
        {
            topicArn = await sns.ResultAsync("CreateTopic", "TopicArn", ("Name", "durable-topic"),
                ("Attributes.entry.1.key", "DisplayName"), ("Attributes.entry.1.value", "Durable"));
            using AmazonSQSClient sqs = SqsClients.For(broker);
            url = (await sqs.CreateQueueAsync("durable-topic-q")).QueueUrl;
            await sns.ResultAsync("Subscribe", "SubscriptionArn", ("TopicArn", topicArn), ("Protocol", "sqs"),
                ("Endpoint", "arn:aws:sqs:us-east-1:000000000000:durable-topic-q"),
                ("Attributes.entry.1.key", "RawMessageDelivery"), ("Attributes.entry.1.value", "true"),
                ("Attributes.entry.2.key", "FilterPolicy"), ("Attributes.entry.2.value", """{"kind": ["keep"]}"""));
        }

        await broker.RestartAsync();

        using (var sns = new SnsHttp(broker.SqsServiceUrl))
        {
            (int status, System.Xml.Linq.XElement root) = await sns.CallAsync("GetTopicAttributes", ("TopicArn", topicArn));
            Assert.Equal(200, status);
            Assert.Contains("Durable", root.ToString(), StringComparison.Ordinal);
            foreach (string kind in new[] { "drop", "keep" })
            {
                await sns.ResultAsync("Publish", "MessageId", ("TopicArn", topicArn), ("Message", kind),
                    ("MessageAttributes.entry.1.Name", "kind"), ("MessageAttributes.entry.1.Value.DataType", "String"), ("MessageAttributes.entry.1.Value.StringValue", kind));
            }
            using AmazonSQSClient sqs = SqsClients.For(broker);
            url = (await sqs.GetQueueUrlAsync("durable-topic-q")).QueueUrl;
            Message m = await Receive.OneAsync(sqs, url);
            Assert.Equal("keep", m.Body);
            await sqs.DeleteMessageAsync(url, m.ReceiptHandle);
            ReceiveMessageResponse rest = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { WaitTimeSeconds = 1 });
            Assert.True(rest.Messages is null or { Count: 0 });
        }
    }
}
