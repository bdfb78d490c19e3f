using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>Vhosts other than <c>/</c>: made through the management API, each a namespace of its own that RabbitMQ.Client opens.</summary>
public sealed class VhostTests : ManagementTestBase
{
    private Task<IConnection> ConnectAsync(string vhost) =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = Broker.AmqpPort, VirtualHost = vhost }.CreateConnectionAsync();

    [Fact]
    public async Task A_vhost_made_through_the_management_api_holds_queues_apart_from_those_of_the_default_vhost()
    {
        using HttpResponseMessage created = await Api.SendAsync(HttpMethod.Put, "api/vhosts/tenant-a", new { });
        using HttpResponseMessage again = await Api.SendAsync(HttpMethod.Put, "api/vhosts/tenant-a", new { });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);

        await using IConnection tenant = await ConnectAsync("tenant-a");
        await using IChannel tenantChannel = await tenant.CreateChannelAsync();
        await tenantChannel.QueueDeclareAsync("orders", durable: true, exclusive: false, autoDelete: false);
        await tenantChannel.BasicPublishAsync("", "orders", Encoding.UTF8.GetBytes("for tenant a"));

        await using IConnection root = await ConnectAsync("/");
        await using IChannel rootChannel = await root.CreateChannelAsync();
        QueueDeclareOk rootOrders = await rootChannel.QueueDeclareAsync("orders", durable: true, exclusive: false, autoDelete: false);
        Assert.Equal(0u, rootOrders.MessageCount);

        BasicGetResult? got = null;
        for (int i = 0; i < 100 && got is null; i++)
        {
            got = await tenantChannel.BasicGetAsync("orders", autoAck: true);
            if (got is null)
            {
                await Task.Delay(20);
            }
        }
        Assert.Equal("for tenant a", Encoding.UTF8.GetString(Assert.IsType<BasicGetResult>(got).Body.Span));
        Assert.Null(await rootChannel.BasicGetAsync("orders", autoAck: true));

        JsonArray vhosts = (JsonArray)await Api.GetAsync("api/vhosts");
        Assert.Equal(["/", "tenant-a"], vhosts.Select(v => (string)v!["name"]!).ToArray());
        JsonArray tenantQueues = (JsonArray)await Api.GetAsync("api/queues/tenant-a");
        Assert.Equal("tenant-a", (string)Assert.Single(tenantQueues)!["vhost"]!);
        JsonArray allQueues = (JsonArray)await Api.GetAsync("api/queues");
        Assert.Equal(["/", "tenant-a"], allQueues.Where(q => (string)q!["name"]! == "orders").Select(q => (string)q!["vhost"]!).Order(StringComparer.Ordinal).ToArray());
        JsonArray connections = (JsonArray)await Api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 2);
        Assert.Contains(connections, c => (string)c!["vhost"]! == "tenant-a");
        JsonArray exchanges = (JsonArray)await Api.GetAsync("api/exchanges/tenant-a");
        Assert.Contains(exchanges, x => (string)x!["name"]! == "amq.topic" && (string)x["vhost"]! == "tenant-a");
    }

    [Fact]
    public async Task A_client_that_opens_a_vhost_that_does_not_exist_is_refused_with_530_not_allowed()
    {
        using (RawConnection raw = await RawConnection.TunedAsync(Broker.AmqpPort))
        {
            await raw.SendMethodAsync(0, Codec.MethodIds.ConnectionOpen, w => w.ShortString("missing").ShortString("").Bit(false));
            Codec.Frame? answer = await raw.ReadFrameAsync();
            Assert.Equal(Codec.MethodIds.ConnectionClose, Connection.MethodReader.IdOf(Assert.NotNull(answer).Payload.Span));
        }
        // RabbitMQ.Client 7 returns from CreateConnectionAsync before it reads the close that answers the open
        // (against RabbitMQ itself too): the refusal shows as the connection's close reason a moment later.
        ushort? code = null;
        string? text = null;
        try
        {
            IConnection connection = await ConnectAsync("missing");
            for (int i = 0; i < 200 && connection.CloseReason is null; i++)
            {
                await Task.Delay(25);
            }
            (code, text) = (connection.CloseReason?.ReplyCode, connection.CloseReason?.ReplyText);
            connection.Dispose();
        }
        catch (BrokerUnreachableException e)
        {
            OperationInterruptedException closed = FindInner<OperationInterruptedException>(e);
            (code, text) = (closed.ShutdownReason?.ReplyCode, closed.ShutdownReason?.ReplyText);
        }
        Assert.Equal((ushort)530, code);
        Assert.Equal("NOT_ALLOWED - vhost missing not found", text);
    }

    [Fact]
    public async Task A_vhost_and_its_messages_survive_a_restart()
    {
        using (await Api.SendAsync(HttpMethod.Put, "api/vhosts/durable-tenant", new { }))
        {
        }
        await using (IConnection connection = await ConnectAsync("durable-tenant"))
        {
            // With tracked confirms, the publish returns once the broker confirmed it (after fsync).
            await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            await channel.QueueDeclareAsync("kept", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync("", "kept", true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes("still here"));
        }

        await Broker.RestartAsync();

        await using IConnection after = await ConnectAsync("durable-tenant");
        await using IChannel afterChannel = await after.CreateChannelAsync();
        BasicGetResult? got = await afterChannel.BasicGetAsync("kept", autoAck: true);
        Assert.Equal("still here", Encoding.UTF8.GetString(Assert.IsType<BasicGetResult>(got).Body.Span));
    }

    [Fact]
    public async Task Deleting_a_vhost_closes_its_connections_and_removes_its_queues()
    {
        using (await Api.SendAsync(HttpMethod.Put, "api/vhosts/short-lived", new { }))
        {
        }
        await using IConnection connection = await ConnectAsync("short-lived");
        await using (IChannel channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("gone-with-it", durable: true, exclusive: false, autoDelete: false);
        }
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, e) =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };

        using HttpResponseMessage deleted = await Api.SendAsync(HttpMethod.Delete, "api/vhosts/short-lived");
        using HttpResponseMessage rootRefused = await Api.SendAsync(HttpMethod.Delete, "api/vhosts/%2F");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rootRefused.StatusCode);
        Assert.Equal(320, (await closed.Task.WaitAsync(TimeSpan.FromSeconds(10))).ReplyCode);
        using HttpResponseMessage queues = await Api.Http.GetAsync("api/queues/short-lived");
        Assert.Equal(HttpStatusCode.NotFound, queues.StatusCode);

        using (await Api.SendAsync(HttpMethod.Put, "api/vhosts/short-lived", new { }))
        {
        }
        await using IConnection fresh = await ConnectAsync("short-lived");
        await using IChannel probe = await fresh.CreateChannelAsync();
        OperationInterruptedException missing = await Assert.ThrowsAsync<OperationInterruptedException>(() => probe.QueueDeclarePassiveAsync("gone-with-it"));
        Assert.Equal((ushort)404, missing.ShutdownReason?.ReplyCode);
    }

    [Fact]
    public async Task A_definitions_file_with_two_vhosts_makes_both_and_declares_each_queue_in_its_own()
    {
        var file = new JsonObject
        {
            ["vhosts"] = new JsonArray(new JsonObject { ["name"] = "/" }, new JsonObject { ["name"] = "imported" }),
            ["queues"] = new JsonArray(
                new JsonObject { ["name"] = "in-root", ["vhost"] = "/", ["durable"] = true, ["arguments"] = new JsonObject() },
                new JsonObject { ["name"] = "in-imported", ["vhost"] = "imported", ["durable"] = true, ["arguments"] = new JsonObject() }),
        };

        using HttpResponseMessage imported = await Api.SendAsync(HttpMethod.Post, "api/definitions", file);

        Assert.Equal(HttpStatusCode.NoContent, imported.StatusCode);
        JsonArray importedQueues = (JsonArray)await Api.GetAsync("api/queues/imported");
        Assert.Equal("in-imported", (string)Assert.Single(importedQueues)!["name"]!);
        JsonArray rootQueues = (JsonArray)await Api.GetAsync("api/queues/%2F");
        Assert.Equal("in-root", (string)Assert.Single(rootQueues)!["name"]!);
        JsonObject exported = (JsonObject)await Api.GetAsync("api/definitions");
        Assert.Equal(["/", "imported"], ((JsonArray)exported["vhosts"]!).Select(v => (string)v!["name"]!).ToArray());
    }

    private static T FindInner<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }
        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in {e}");
    }
}
