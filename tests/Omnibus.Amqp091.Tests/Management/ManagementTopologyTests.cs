using System.Net;
using System.Text.Json.Nodes;
using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>/api/exchanges and /api/bindings against exchanges and bindings declared through RabbitMQ.Client, and rabbitmqadmin's declarations.</summary>
public sealed class ManagementTopologyTests : ManagementTestBase
{
    [Fact]
    public async Task Exchanges_list_the_default_exchange_the_amq_ones_and_those_a_client_declared()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("events", ExchangeType.Topic, durable: true, autoDelete: false, new Dictionary<string, object?> { ["alternate-exchange"] = "amq.fanout" });

        JsonArray exchanges = (JsonArray)await Api.GetAsync("api/exchanges/%2F");
        JsonNode events = await Api.GetAsync("api/exchanges/%2F/events");
        JsonNode defaultExchange = await Api.GetAsync("api/exchanges/%2F/amq.default");

        List<string> names = [.. exchanges.Select(x => (string)x!["name"]!)];
        Assert.Equal("", names[0]);
        Assert.Contains("amq.direct", names);
        Assert.Contains("amq.topic", names);
        Assert.Contains("events", names);
        Assert.Equal("topic", (string)events["type"]!);
        Assert.True((bool)events["durable"]!);
        Assert.False((bool)events["auto_delete"]!);
        Assert.False((bool)events["internal"]!);
        Assert.Equal("amq.fanout", (string)events["arguments"]!["alternate-exchange"]!);
        Assert.Equal("direct", (string)defaultExchange["type"]!);
    }

    [Fact]
    public async Task Bindings_list_the_default_exchange_binding_of_each_queue_and_the_declared_ones_with_their_arguments()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("logs", ExchangeType.Headers);
        await channel.ExchangeDeclareAsync("upstream", ExchangeType.Fanout);
        await channel.QueueDeclareAsync("errors", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("errors", "logs", "", new Dictionary<string, object?> { ["x-match"] = "all", ["level"] = "error" });
        await channel.ExchangeBindAsync("logs", "upstream", "");

        JsonArray bindings = (JsonArray)await Api.GetAsync("api/bindings/%2F");
        JsonArray ofQueue = (JsonArray)await Api.GetAsync("api/queues/%2F/errors/bindings");
        JsonArray fromLogs = (JsonArray)await Api.GetAsync("api/exchanges/%2F/logs/bindings/source");
        JsonArray toLogs = (JsonArray)await Api.GetAsync("api/exchanges/%2F/logs/bindings/destination");

        Assert.Equal(3, bindings.Count);
        JsonNode implicitOne = bindings.Single(b => (string)b!["source"]! == "")!;
        Assert.Equal("errors", (string)implicitOne["routing_key"]!);
        Assert.Equal("queue", (string)implicitOne["destination_type"]!);
        JsonNode headers = fromLogs.Single()!;
        Assert.Equal("errors", (string)headers["destination"]!);
        Assert.Equal("error", (string)headers["arguments"]!["level"]!);
        Assert.Equal("all", (string)headers["arguments"]!["x-match"]!);
        Assert.Equal(2, ofQueue.Count);
        JsonNode e2e = toLogs.Single()!;
        Assert.Equal("upstream", (string)e2e["source"]!);
        Assert.Equal("exchange", (string)e2e["destination_type"]!);
    }

    [Fact]
    public async Task Rabbitmqadmin_declarations_create_an_exchange_and_a_binding_that_routes_a_clients_publish()
    {
        // As rabbitmqadmin sends them: booleans as strings.
        using HttpResponseMessage exchange = await Api.SendAsync(HttpMethod.Put, "api/exchanges/%2F/orders", new { type = "direct", durable = "true", auto_delete = "false", @internal = "false", arguments = new { } });
        using HttpResponseMessage queue = await Api.SendAsync(HttpMethod.Put, "api/queues/%2F/eu-orders", new { durable = true });
        using HttpResponseMessage binding = await Api.SendAsync(HttpMethod.Post, "api/bindings/%2F/e/orders/q/eu-orders", new { routing_key = "eu", arguments = new { } });
        Assert.Equal(HttpStatusCode.Created, exchange.StatusCode);
        Assert.Equal(HttpStatusCode.Created, queue.StatusCode);
        Assert.Equal(HttpStatusCode.Created, binding.StatusCode);
        Assert.Equal("eu", binding.Headers.Location!.ToString());

        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync("orders", "eu", "hello"u8.ToArray());
        Assert.NotNull(await channel.BasicGetAsync("eu-orders", autoAck: true));

        Assert.False((bool)(await Api.GetAsync("api/exchanges/%2F/orders"))["internal"]!);
        JsonArray between = (JsonArray)await Api.GetAsync("api/bindings/%2F/e/orders/q/eu-orders");
        Assert.Equal("eu", (string)between.Single()!["properties_key"]!);
        using HttpResponseMessage unbound = await Api.SendAsync(HttpMethod.Delete, "api/bindings/%2F/e/orders/q/eu-orders/eu");
        Assert.Equal(HttpStatusCode.NoContent, unbound.StatusCode);
        Assert.Empty((JsonArray)await Api.GetAsync("api/exchanges/%2F/orders/bindings/source"));
    }

    [Fact]
    public async Task An_exchange_redeclared_with_another_type_is_refused_and_a_deleted_one_is_gone()
    {
        using HttpResponseMessage created = await Api.SendAsync(HttpMethod.Put, "api/exchanges/%2F/jobs", new { type = "fanout" });
        using HttpResponseMessage same = await Api.SendAsync(HttpMethod.Put, "api/exchanges/%2F/jobs", new { type = "fanout" });
        using HttpResponseMessage other = await Api.SendAsync(HttpMethod.Put, "api/exchanges/%2F/jobs", new { type = "topic" });
        using HttpResponseMessage untyped = await Api.SendAsync(HttpMethod.Put, "api/exchanges/%2F/untyped", new { durable = true });
        using HttpResponseMessage system = await Api.SendAsync(HttpMethod.Delete, "api/exchanges/%2F/amq.direct");
        using HttpResponseMessage deleted = await Api.SendAsync(HttpMethod.Delete, "api/exchanges/%2F/jobs");
        using HttpResponseMessage gone = await Api.Http.GetAsync("api/exchanges/%2F/jobs");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, same.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, untyped.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, system.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
