using System.Text.Json.Nodes;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>/api/connections, /api/channels, /api/consumers and /api/overview while RabbitMQ.Client is connected.</summary>
public sealed class ManagementConnectionTests : ManagementTestBase
{
    [Fact]
    public async Task An_open_connection_is_listed_with_its_user_name_and_channels_until_it_closes()
    {
        var factory = new ConnectionFactory { Uri = new Uri(Broker.RabbitMqUri), ClientProvidedName = "billing-worker" };
        IConnection connection = await factory.CreateConnectionAsync();
        await using IChannel first = await connection.CreateChannelAsync();
        await using IChannel second = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await second.BasicQosAsync(0, 7, false);

        JsonArray connections = (JsonArray)await Api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 1 && (long)c[0]!["channels"]! == 2);
        JsonNode listed = connections.Single()!;
        string name = (string)listed["name"]!;
        JsonArray channels = (JsonArray)await Api.GetAsync("api/channels");
        JsonArray ofConnection = (JsonArray)await Api.GetAsync($"api/connections/{Uri.EscapeDataString(name)}/channels");
        JsonNode one = await Api.GetAsync($"api/connections/{Uri.EscapeDataString(name)}");

        Assert.Equal("guest", (string)listed["user"]!);
        Assert.Equal("/", (string)listed["vhost"]!);
        Assert.Equal("AMQP 0-9-1", (string)listed["protocol"]!);
        Assert.Equal("PLAIN", (string)listed["auth_mechanism"]!);
        Assert.Equal("running", (string)listed["state"]!);
        Assert.Equal("billing-worker", (string)listed["user_provided_name"]!);
        Assert.Equal("billing-worker", (string)listed["client_properties"]!["connection_name"]!);
        Assert.Equal(Broker.AmqpPort, (int)listed["port"]!);
        Assert.Contains(" -> 127.0.0.1:", name, StringComparison.Ordinal);
        Assert.Equal(name, (string)one["name"]!);
        Assert.Equal(2, channels.Count);
        Assert.Equal(2, ofConnection.Count);
        JsonNode confirming = channels.Single(c => (bool)c!["confirm"]!)!;
        Assert.Equal(7, (long)confirming["prefetch_count"]!);
        Assert.Equal(name, (string)confirming["connection_details"]!["name"]!);
        Assert.StartsWith(name + " (", (string)confirming["name"]!, StringComparison.Ordinal);

        await connection.CloseAsync();
        await connection.DisposeAsync();
        await Api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 0);
    }

    [Fact]
    public async Task Deleting_a_connection_closes_it_with_connection_forced_and_the_reason_given()
    {
        IConnection connection = await new ConnectionFactory { Uri = new Uri(Broker.RabbitMqUri) }.CreateConnectionAsync();
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, e) =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        JsonArray listed = (JsonArray)await Api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 1);
        string name = (string)listed.Single()!["name"]!;

        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/connections/{Uri.EscapeDataString(name)}");
        request.Headers.Add("X-Reason", "maintenance");
        using HttpResponseMessage response = await Api.Http.SendAsync(request);
        ShutdownEventArgs shutdown = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(320, shutdown.ReplyCode);
        Assert.Contains("maintenance", shutdown.ReplyText, StringComparison.Ordinal);
        await Api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 0);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task Consumers_and_exclusive_auto_delete_queues_show_in_the_queue_consumer_and_overview_figures()
    {
        await using IConnection connection = await new ConnectionFactory { Uri = new Uri(Broker.RabbitMqUri) }.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        QueueDeclareOk reply = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        var consumer = new AsyncEventingBasicConsumer(channel);
        string tag = await channel.BasicConsumeAsync(reply.QueueName, autoAck: true, consumer);

        JsonNode queue = await Api.GetWhenAsync($"api/queues/%2F/{Uri.EscapeDataString(reply.QueueName)}", q => (long)q["consumers"]! == 1);
        JsonArray consumers = (JsonArray)await Api.GetAsync("api/consumers");
        JsonNode overview = await Api.GetAsync("api/overview");

        Assert.True((bool)queue["exclusive"]!);
        Assert.True((bool)queue["auto_delete"]!);
        Assert.NotNull(queue["owner_pid_details"]!["name"]);
        JsonNode listed = consumers.Single()!;
        Assert.Equal(tag, (string)listed["consumer_tag"]!);
        Assert.Equal(reply.QueueName, (string)listed["queue"]!["name"]!);
        Assert.False((bool)listed["ack_required"]!);
        JsonNode totals = overview["object_totals"]!;
        Assert.Equal(1, (long)totals["connections"]!);
        Assert.Equal(1, (long)totals["channels"]!);
        Assert.Equal(1, (long)totals["consumers"]!);
        Assert.Equal(1, (long)totals["queues"]!);
        Assert.True((long)totals["exchanges"]! >= 6);
        Assert.Equal("omnibus", (string)overview["cluster_name"]!);
        Assert.False(string.IsNullOrEmpty((string)overview["rabbitmq_version"]!));
        Assert.False(string.IsNullOrEmpty((string)overview["management_version"]!));
        Assert.False(string.IsNullOrEmpty((string)overview["node"]!));
        Assert.Equal(0, (long)overview["queue_totals"]!["messages"]!);
        Assert.NotNull(overview["message_stats"]!["publish_details"]!["rate"]);
    }

    [Fact]
    public async Task Whoami_vhosts_nodes_users_and_permissions_answer_as_rabbitmqadmin_reads_them()
    {
        JsonNode me = await Api.GetAsync("api/whoami");
        JsonArray vhosts = (JsonArray)await Api.GetAsync("api/vhosts");
        JsonNode vhost = await Api.GetAsync("api/vhosts/%2F");
        JsonArray nodes = (JsonArray)await Api.GetAsync("api/nodes");
        JsonArray users = (JsonArray)await Api.GetAsync("api/users");
        JsonArray permissions = (JsonArray)await Api.GetAsync("api/permissions");

        Assert.Equal("guest", (string)me["name"]!);
        Assert.Contains("administrator", ((JsonArray)me["tags"]!).Select(t => (string)t!));
        Assert.Equal("/", (string)vhosts.Single()!["name"]!);
        Assert.Equal(0, (long)vhost["messages"]!);
        Assert.True((bool)nodes.Single()!["running"]!);
        Assert.Equal("guest", (string)users.Single()!["name"]!);
        Assert.Null(users.Single()!["password_hash"]);
        Assert.Equal(".*", (string)permissions.Single()!["configure"]!);
    }
}
