using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>/api/queues as KEDA's scaler and rabbitmqadmin read it, against queues used through RabbitMQ.Client.</summary>
public sealed class ManagementQueueTests : ManagementTestBase
{
    private static async Task PublishAsync(IChannel channel, string queue, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes($"m{i}"));
        }
    }

    [Fact]
    public async Task A_queue_shows_ready_unacknowledged_and_consumer_counts_while_a_consumer_holds_a_delivery()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("work", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-priority"] = 5 });
        await PublishAsync(channel, "work", 3);
        await using IChannel consuming = await connection.CreateChannelAsync();
        await consuming.BasicQosAsync(0, 1, false);
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consuming);
        consumer.ReceivedAsync += (_, _) =>
        {
            delivered.TrySetResult();
            return Task.CompletedTask;
        };
        await consuming.BasicConsumeAsync("work", autoAck: false, consumer);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        JsonNode queue = await Api.GetWhenAsync("api/queues/%2F/work", q => (long)q["messages_unacknowledged"]! == 1);

        Assert.Equal("work", (string)queue["name"]!);
        Assert.Equal("/", (string)queue["vhost"]!);
        Assert.True((bool)queue["durable"]!);
        Assert.False((bool)queue["exclusive"]!);
        Assert.False((bool)queue["auto_delete"]!);
        Assert.Equal("running", (string)queue["state"]!);
        Assert.Equal(5, (long)queue["arguments"]!["x-max-priority"]!);
        Assert.Equal(3, (long)queue["messages"]!);
        Assert.Equal(2, (long)queue["messages_ready"]!);
        Assert.Equal(1, (long)queue["consumers"]!);
        Assert.Equal(3, (long)queue["message_stats"]!["publish"]!);
        Assert.Equal(1, (long)queue["message_stats"]!["deliver_get"]!);
        Assert.Equal(0, (long)queue["message_stats"]!["ack"]!);
        Assert.NotNull(queue["message_stats"]!["publish_details"]!["rate"]);
    }

    [Fact]
    public async Task Acknowledged_messages_count_as_acks_and_leave_the_queue()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("acked", durable: true, exclusive: false, autoDelete: false);
        await PublishAsync(channel, "acked", 2);
        BasicGetResult got = (await channel.BasicGetAsync("acked", autoAck: false))!;
        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);

        JsonNode queue = await Api.GetWhenAsync("api/queues/%2F/acked", q => (long)q["message_stats"]!["ack"]! == 1);

        Assert.Equal(1, (long)queue["messages"]!);
        Assert.Equal(1, (long)queue["messages_ready"]!);
        Assert.Equal(0, (long)queue["messages_unacknowledged"]!);
        Assert.Equal(2, (long)queue["message_stats"]!["publish"]!);
        Assert.Equal(1, (long)queue["message_stats"]!["deliver_get"]!);
    }

    [Fact]
    public async Task The_queue_list_holds_every_queue_of_the_vhost_and_a_regex_page_as_keda_asks_for_it()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (string name in new[] { "orders-eu", "orders-us", "payments" })
        {
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false);
        }
        await PublishAsync(channel, "orders-eu", 2);
        await PublishAsync(channel, "orders-us", 1);

        JsonArray all = (JsonArray)await Api.GetAsync("api/queues");
        JsonArray inVhost = (JsonArray)await Api.GetAsync("api/queues/%2F");
        JsonNode page = await Api.GetAsync("api/queues/%2F?page=1&use_regex=true&pagination=false&name=" + Uri.EscapeDataString("^orders-") + "&page_size=100");

        Assert.Equal(["orders-eu", "orders-us", "payments"], all.Select(q => (string)q!["name"]!));
        Assert.Equal(3, inVhost.Count);
        Assert.Equal(1, (long)page["page_count"]!);
        Assert.Equal(2, (long)page["filtered_count"]!);
        Assert.Equal(3, (long)page["total_count"]!);
        JsonArray items = (JsonArray)page["items"]!;
        Assert.Equal(["orders-eu", "orders-us"], items.Select(q => (string)q!["name"]!));
        Assert.Equal(3, items.Sum(q => (long)q!["messages"]!));
        JsonArray deepestFirst = (JsonArray)await Api.GetAsync("api/queues?sort=messages&sort_reverse=true&columns=name");
        Assert.Equal(["orders-eu", "orders-us", "payments"], deepestFirst.Select(q => (string)q!["name"]!));
        JsonNode second = await Api.GetAsync("api/queues?page=2&page_size=2");
        Assert.Equal(2, (long)second["page_count"]!);
        Assert.Equal("payments", (string)((JsonArray)second["items"]!).Single()!["name"]!);
    }

    [Fact]
    public async Task Columns_limit_the_fields_of_each_queue_as_rabbitmqadmin_asks()
    {
        Broker.Broker.CreateQueue(new Core.Entities.QueueDescription { Name = "narrow" });

        JsonArray queues = (JsonArray)await Api.GetAsync("api/queues?columns=name,messages,message_stats.publish");

        JsonObject queue = (JsonObject)queues.Single()!;
        Assert.Equal(["message_stats", "messages", "name"], queue.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["publish"], ((JsonObject)queue["message_stats"]!).Select(e => e.Key));
    }

    [Fact]
    public async Task The_management_address_stays_the_same_across_a_restart_and_lists_the_queue_again()
    {
        await using (IConnection connection = await ConnectAsync())
        {
            await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            await channel.QueueDeclareAsync("kept", durable: true, exclusive: false, autoDelete: false);
            await PublishAsync(channel, "kept", 2);
        }
        Uri before = Broker.RabbitMqManagementUrl;

        await Broker.RestartAsync();

        Assert.Equal(before, Broker.RabbitMqManagementUrl);
        JsonNode queue = await Api.GetAsync("api/queues/%2F/kept");
        Assert.Equal(2, (long)queue["messages_ready"]!);
    }

    [Fact]
    public async Task A_missing_queue_or_vhost_is_404_in_rabbitmqs_shape()
    {
        using HttpResponseMessage queue = await Api.Http.GetAsync("api/queues/%2F/nothing");
        using HttpResponseMessage vhost = await Api.Http.GetAsync("api/queues/other");

        Assert.Equal(HttpStatusCode.NotFound, queue.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, vhost.StatusCode);
        JsonNode body = JsonNode.Parse(await queue.Content.ReadAsStringAsync())!;
        Assert.Equal("Object Not Found", (string)body["error"]!);
    }

    [Fact]
    public async Task Put_declares_a_queue_with_arguments_that_a_client_then_declares_equivalently()
    {
        using HttpResponseMessage created = await Api.SendAsync(HttpMethod.Put, "api/queues/%2F/" + Uri.EscapeDataString("a/b"), new { durable = true, auto_delete = false, arguments = new Dictionary<string, object> { ["x-message-ttl"] = 60000 } });
        using HttpResponseMessage again = await Api.SendAsync(HttpMethod.Put, "api/queues/%2F/a%2Fb", new { durable = true, arguments = new Dictionary<string, object> { ["x-message-ttl"] = 60000 } });
        using HttpResponseMessage different = await Api.SendAsync(HttpMethod.Put, "api/queues/%2F/a%2Fb", new { durable = true, arguments = new Dictionary<string, object> { ["x-message-ttl"] = 1000 } });

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, different.StatusCode);
        Assert.Contains("inequivalent arg 'x-message-ttl'", await different.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        QueueDeclareOk ok = await channel.QueueDeclareAsync("a/b", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-message-ttl"] = 60000 });
        Assert.Equal("a/b", ok.QueueName);
        Assert.Equal(60000, (long)(await Api.GetAsync("api/queues/%2F/a%2Fb"))["arguments"]!["x-message-ttl"]!);
    }

    [Fact]
    public async Task Delete_removes_a_queue_and_refuses_a_queue_that_is_not_empty_when_asked_if_empty()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("doomed", durable: true, exclusive: false, autoDelete: false);
        await PublishAsync(channel, "doomed", 1);

        using HttpResponseMessage refused = await Api.SendAsync(HttpMethod.Delete, "api/queues/%2F/doomed?if-empty=true");
        using HttpResponseMessage purged = await Api.SendAsync(HttpMethod.Delete, "api/queues/%2F/doomed/contents");
        long afterPurge = (long)(await Api.GetAsync("api/queues/%2F/doomed"))["messages"]!;
        using HttpResponseMessage deleted = await Api.SendAsync(HttpMethod.Delete, "api/queues/%2F/doomed?if-empty=true");
        using HttpResponseMessage missing = await Api.SendAsync(HttpMethod.Delete, "api/queues/%2F/doomed");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        Assert.Equal(0, afterPurge);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty(Broker.Broker.ListQueues());
    }
}
