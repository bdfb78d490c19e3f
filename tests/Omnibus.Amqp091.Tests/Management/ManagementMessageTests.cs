using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>rabbitmqadmin's publish and get through the management API, against what RabbitMQ.Client publishes and receives.</summary>
public sealed class ManagementMessageTests : ManagementTestBase
{
    [Fact]
    public async Task A_message_published_through_the_api_is_received_by_a_client_with_its_properties()
    {
        await using IConnection connection = await new ConnectionFactory { Uri = new Uri(Broker.RabbitMqUri) }.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("inbox", durable: true, exclusive: false, autoDelete: false);

        using HttpResponseMessage routed = await Api.SendAsync(HttpMethod.Post, "api/exchanges/%2F/amq.default/publish", new
        {
            routing_key = "inbox",
            payload = "hello",
            payload_encoding = "string",
            properties = new { content_type = "text/plain", message_id = "m-1", delivery_mode = 2, headers = new { tenant = "eu" } },
        });
        using HttpResponseMessage unrouted = await Api.SendAsync(HttpMethod.Post, "api/exchanges/%2F/amq.default/publish", new { routing_key = "nowhere", payload = "lost", payload_encoding = "string", properties = new { } });

        Assert.True((bool)JsonNode.Parse(await routed.Content.ReadAsStringAsync())!["routed"]!);
        Assert.False((bool)JsonNode.Parse(await unrouted.Content.ReadAsStringAsync())!["routed"]!);
        BasicGetResult got = (await channel.BasicGetAsync("inbox", autoAck: true))!;
        Assert.Equal("hello", Encoding.UTF8.GetString(got.Body.Span));
        Assert.Equal("text/plain", got.BasicProperties.ContentType);
        Assert.Equal("m-1", got.BasicProperties.MessageId);
        Assert.True(got.BasicProperties.Persistent);
        Assert.Equal("eu", Encoding.UTF8.GetString((byte[])got.BasicProperties.Headers!["tenant"]!));
    }

    [Fact]
    public async Task Get_with_requeue_shows_a_clients_message_and_leaves_it_while_get_without_requeue_takes_it()
    {
        await using IConnection connection = await new ConnectionFactory { Uri = new Uri(Broker.RabbitMqUri) }.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("peek", durable: true, exclusive: false, autoDelete: false);
        await channel.BasicPublishAsync("", "peek", mandatory: false, new BasicProperties { CorrelationId = "c-7" }, "look"u8.ToArray());
        await channel.BasicPublishAsync("", "peek", mandatory: false, new BasicProperties(), new byte[] { 0xff, 0xfe });

        using HttpResponseMessage peeked = await Api.SendAsync(HttpMethod.Post, "api/queues/%2F/peek/get", new { count = 5, ackmode = "ack_requeue_true", encoding = "auto" });
        JsonArray first = (JsonArray)JsonNode.Parse(await peeked.Content.ReadAsStringAsync())!;
        // rabbitmqadmin sends its numbers as strings.
        using HttpResponseMessage taken = await Api.SendAsync(HttpMethod.Post, "api/queues/%2F/peek/get", new { count = "5", ackmode = "ack_requeue_false", encoding = "auto", truncate = "50000" });
        JsonArray second = (JsonArray)JsonNode.Parse(await taken.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, peeked.StatusCode);
        Assert.Equal(2, first.Count);
        JsonNode message = first[0]!;
        Assert.Equal("look", (string)message["payload"]!);
        Assert.Equal("string", (string)message["payload_encoding"]!);
        Assert.Equal("c-7", (string)message["properties"]!["correlation_id"]!);
        Assert.Equal("peek", (string)message["routing_key"]!);
        Assert.False((bool)message["redelivered"]!);
        Assert.Equal("base64", (string)first[1]!["payload_encoding"]!);
        Assert.Equal(Convert.ToBase64String([0xff, 0xfe]), (string)first[1]!["payload"]!);
        Assert.Equal(2, second.Count);
        Assert.True((bool)second[0]!["redelivered"]!);
        Assert.Null(await channel.BasicGetAsync("peek", autoAck: true));
    }
}
