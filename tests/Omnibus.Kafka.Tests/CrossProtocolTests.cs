using System.Text;
using Azure.Messaging.ServiceBus;
using Confluent.Kafka;
using Omnibus.Core.Entities;
using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.Kafka.Tests;

/// <summary>A topic named <c>events</c> is the same topic to Kafka clients, the Service Bus SDK and RabbitMQ clients.</summary>
public sealed class CrossProtocolTests
{
    private static async Task<ServiceBusReceivedMessage> ReceiveOne(ServiceBusReceiver receiver)
    {
        ServiceBusReceivedMessage? m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(m);
        await receiver.CompleteMessageAsync(m);
        return m;
    }

    [Fact]
    public async Task What_the_service_bus_sdk_sends_to_a_topic_a_kafka_consumer_reads_with_its_key_and_properties()
    {
        await using OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        broker.Broker.CreateTopic(new TopicDescription { Name = "events" });
        await using var client = new ServiceBusClient(broker.ServiceBusConnectionString);
        await using ServiceBusSender sender = client.CreateSender("events");
        using IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "readers");
        consumer.Subscribe("events");
        // The topic gains its stream when a Kafka client first names it; what was sent before is not in it.
        for (int i = 0; i < 100 && consumer.Assignment.Count == 0; i++)
        {
            Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(100)));
        }
        Assert.NotEmpty(consumer.Assignment);

        var sent = new ServiceBusMessage("order 1") { MessageId = "m-1", ContentType = "text/plain", PartitionKey = "customer-7" };
        sent.ApplicationProperties["region"] = "eu";
        await sender.SendMessageAsync(sent);

        ConsumeResult<string?, string?> got = Assert.Single(KafkaBroker.ConsumeMany(consumer, 1));
        Assert.Equal("order 1", got.Message.Value);
        Assert.Equal("customer-7", got.Message.Key);
        Assert.Equal("eu", Encoding.UTF8.GetString(got.Message.Headers.GetLastBytes("region")));
        Assert.Equal("m-1", Encoding.UTF8.GetString(got.Message.Headers.GetLastBytes("message-id")));
        Assert.Equal("text/plain", Encoding.UTF8.GetString(got.Message.Headers.GetLastBytes("content-type")));
    }

    [Fact]
    public async Task A_topic_the_service_bus_side_made_is_listed_to_a_kafka_admin_client_with_the_default_partitions()
    {
        await using OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        broker.Broker.CreateTopic(new TopicDescription { Name = "made-by-service-bus" });
        using IAdminClient admin = KafkaBroker.Admin(broker);

        Metadata metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        TopicMetadata topic = Assert.Single(metadata.Topics, t => t.Topic == "made-by-service-bus");
        Assert.Equal(ErrorCode.NoError, topic.Error.Code);
        Assert.Single(topic.Partitions);
    }

    [Fact]
    public async Task What_a_kafka_producer_sends_reaches_a_service_bus_subscription_by_its_rule_and_a_rabbitmq_queue_bound_to_the_topics_exchange()
    {
        await using OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        broker.Broker.CreateTopic(new TopicDescription { Name = "events" });
        broker.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "eu" }, new RuleDescription { Name = "eu", Filter = RuleFilterDescription.Sql("region = 'eu'") });
        var factory = new ConnectionFactory { Uri = new Uri(broker.RabbitMqUri) };
        await using IConnection rabbit = await factory.CreateConnectionAsync();
        await using IChannel channel = await rabbit.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("events", ExchangeType.Fanout, durable: true);
        await channel.QueueDeclareAsync("audit", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("audit", "events", "");

        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
        {
            foreach (string region in (string[])["us", "eu"])
            {
                var headers = new Confluent.Kafka.Headers { { "region", Encoding.UTF8.GetBytes(region) }, { "content-type", "application/json"u8.ToArray() } };
                await producer.ProduceAsync("events", new Message<string?, string?> { Key = "k", Value = $"{{\"region\":\"{region}\"}}", Headers = headers });
            }
        }

        await using var client = new ServiceBusClient(broker.ServiceBusConnectionString);
        await using ServiceBusReceiver receiver = client.CreateReceiver("events", "eu");
        ServiceBusReceivedMessage eu = await ReceiveOne(receiver);
        Assert.Equal("{\"region\":\"eu\"}", eu.Body.ToString());
        Assert.Equal("application/json", eu.ContentType);
        Assert.Equal("eu", eu.ApplicationProperties["region"]);
        Assert.False(string.IsNullOrEmpty(eu.MessageId), "a record without a message id gets one the SDK can key on (it was completed by it)");
        Assert.Equal("k", eu.PartitionKey);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));

        var audited = new List<string>();
        for (int i = 0; i < 50 && audited.Count < 2; i++)
        {
            BasicGetResult? r = await channel.BasicGetAsync("audit", autoAck: true);
            if (r is null)
            {
                await Task.Delay(100);
                continue;
            }
            audited.Add(Encoding.UTF8.GetString(r.Body.Span));
        }
        Assert.Equal(["{\"region\":\"us\"}", "{\"region\":\"eu\"}"], audited);
    }

    [Fact]
    public async Task A_kafka_topic_is_a_topic_the_service_bus_sdk_can_subscribe_to_and_a_queue_name_is_not_a_kafka_topic()
    {
        await using OmnibusTestBroker broker = await KafkaBroker.StartAsync();
        broker.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        using IAdminClient admin = KafkaBroker.Admin(broker);

        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "payments", NumPartitions = 3 }]);
        var refused = await Assert.ThrowsAsync<Confluent.Kafka.Admin.CreateTopicsException>(() => admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "orders", NumPartitions = 1 }]));

        Assert.True(broker.Broker.TopicExists("payments"));
        Assert.Equal(ErrorCode.TopicAlreadyExists, Assert.Single(refused.Results).Error.Code);
        broker.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "payments", Name = "all" });
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
        {
            await producer.ProduceAsync(new TopicPartition("payments", 2), new Message<string?, string?> { Value = "paid" });
        }
        await using var client = new ServiceBusClient(broker.ServiceBusConnectionString);
        await using ServiceBusReceiver receiver = client.CreateReceiver("payments", "all");
        Assert.Equal("paid", (await ReceiveOne(receiver)).Body.ToString());

        await admin.DeleteTopicsAsync(["payments"]);
        Assert.False(broker.Broker.TopicExists("payments"));
    }
}
