using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>/api/definitions: what RabbitMQ.Client declared is exported, and importing the export into a fresh broker recreates it.</summary>
public sealed class ManagementDefinitionsTests
{
    [Fact]
    public async Task Definitions_exported_from_one_broker_and_imported_into_a_fresh_one_recreate_queues_exchanges_and_bindings()
    {
        JsonNode exported;
        await using (OmnibusTestBroker source = await OmnibusTestBroker.StartAsync())
        {
            await using IConnection connection = await new ConnectionFactory { Uri = new Uri(source.RabbitMqUri) }.CreateConnectionAsync();
            await using IChannel channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeclareAsync("orders", ExchangeType.Topic, durable: true);
            await channel.ExchangeDeclareAsync("audit", ExchangeType.Fanout, durable: true, autoDelete: false, new Dictionary<string, object?> { ["alternate-exchange"] = "amq.fanout" });
            await channel.QueueDeclareAsync("eu-orders", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-length"] = 1000, ["x-dead-letter-exchange"] = "audit" });
            await channel.QueueDeclareAsync("audit-log", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
            await channel.QueueBindAsync("eu-orders", "orders", "eu.#");
            await channel.QueueBindAsync("audit-log", "audit", "");
            await channel.ExchangeBindAsync("audit", "orders", "#");
            using var api = new ManagementClient(source);
            exported = await api.GetAsync("api/definitions");
        }

        Assert.Equal(["audit-log", "eu-orders"], ((JsonArray)exported["queues"]!).Select(q => (string)q!["name"]!).Order(StringComparer.Ordinal));
        Assert.Equal(["audit", "orders"], ((JsonArray)exported["exchanges"]!).Select(x => (string)x!["name"]!).Order(StringComparer.Ordinal));
        Assert.Equal(3, ((JsonArray)exported["bindings"]!).Count);
        Assert.Equal("/", (string)exported["vhosts"]![0]!["name"]!);

        await using OmnibusTestBroker target = await OmnibusTestBroker.StartAsync();
        using var targetApi = new ManagementClient(target);
        using HttpResponseMessage imported = await targetApi.Http.PostAsync("api/definitions", JsonContent.Create(exported));
        Assert.True(imported.StatusCode == HttpStatusCode.NoContent, await imported.Content.ReadAsStringAsync());

        JsonNode queue = await targetApi.GetAsync("api/queues/%2F/eu-orders");
        Assert.Equal(1000, (long)queue["arguments"]!["x-max-length"]!);
        Assert.Equal("audit", (string)queue["arguments"]!["x-dead-letter-exchange"]!);
        JsonNode audit = await targetApi.GetAsync("api/exchanges/%2F/audit");
        Assert.Equal("fanout", (string)audit["type"]!);
        Assert.Equal("amq.fanout", (string)audit["arguments"]!["alternate-exchange"]!);
        await using IConnection client = await new ConnectionFactory { Uri = new Uri(target.RabbitMqUri) }.CreateConnectionAsync();
        await using IChannel publishing = await client.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await publishing.BasicPublishAsync("orders", "eu.de", "order"u8.ToArray());
        Assert.NotNull(await publishing.BasicGetAsync("eu-orders", autoAck: true));
        Assert.NotNull(await publishing.BasicGetAsync("audit-log", autoAck: true));
    }

    [Fact]
    public async Task Definitions_naming_another_vhost_are_refused_before_anything_is_declared()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        using var api = new ManagementClient(broker);
        var file = new
        {
            queues = new object[]
            {
                new { name = "here", vhost = "/", durable = true, auto_delete = false, arguments = new { } },
                new { name = "there", vhost = "staging", durable = true, auto_delete = false, arguments = new { } },
            },
        };

        using HttpResponseMessage response = await api.Http.PostAsync("api/definitions", JsonContent.Create(file));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("staging", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(broker.Broker.ListQueues());
    }
}
