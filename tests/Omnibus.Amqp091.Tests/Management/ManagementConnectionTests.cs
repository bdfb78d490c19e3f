using System.Text.Json.Nodes;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>/api/connections, /api/channels, /api/consumers and /api/overview while RabbitMQ.Client is connected.</summary>
public sealed class ManagementConnectionTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;
    private ManagementClient _api = null!;

    public async Task InitializeAsync()
    {
        _broker = await OmnibusTestBroker.StartAsync();
        _api = new ManagementClient(_broker);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task An_open_connection_is_listed_with_its_user_name_and_channels_until_it_closes()
    {
        var factory = new ConnectionFactory { Uri = new Uri(_broker.RabbitMqUri), ClientProvidedName = "billing-worker" };
        IConnection connection = await factory.CreateConnectionAsync();
        await using IChannel first = await connection.CreateChannelAsync();
        await using IChannel second = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await second.BasicQosAsync(0, 7, false);

        JsonArray connections = (JsonArray)await _api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 1 && (long)c[0]!["channels"]! == 2);
        JsonNode listed = connections.Single()!;
        string name = (string)listed["name"]!;
        JsonArray channels = (JsonArray)await _api.GetAsync("api/channels");
        JsonArray ofConnection = (JsonArray)await _api.GetAsync($"api/connections/{Uri.EscapeDataString(name)}/channels");
        JsonNode one = await _api.GetAsync($"api/connections/{Uri.EscapeDataString(name)}");

        Assert.Equal("guest", (string)listed["user"]!);
        Assert.Equal("/", (string)listed["vhost"]!);
        Assert.Equal("AMQP 0-9-1", (string)listed["protocol"]!);
        Assert.Equal("PLAIN", (string)listed["auth_mechanism"]!);
        Assert.Equal("running", (string)listed["state"]!);
        Assert.Equal("billing-worker", (string)listed["user_provided_name"]!);
        Assert.Equal("billing-worker", (string)listed["client_properties"]!["connection_name"]!);
        Assert.Equal(_broker.AmqpPort, (int)listed["port"]!);
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
        await _api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 0);
    }

    [Fact]
    public async Task Deleting_a_connection_closes_it_with_connection_forced_and_the_reason_given()
    {
        IConnection connection = await new ConnectionFactory { Uri = new Uri(_broker.RabbitMqUri) }.CreateConnectionAsync();
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, e) =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        JsonArray listed = (JsonArray)await _api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 1);
        string name = (string)listed.Single()!["name"]!;

        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/connections/{Uri.EscapeDataString(name)}");
        request.Headers.Add("X-Reason", "maintenance");
        using HttpResponseMessage response = await _api.Http.SendAsync(request);
        ShutdownEventArgs shutdown = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(320, shutdown.ReplyCode);
        Assert.Contains("maintenance", shutdown.ReplyText, StringComparison.Ordinal);
        await _api.GetWhenAsync("api/connections", c => ((JsonArray)c).Count == 0);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task Consumers_and_exclusive_auto_delete_queues_show_in_the_queue_consumer_and_overview_figures()
    {
        await using IConnection connection = await new ConnectionFactory { Uri = new Uri(_broker.RabbitMqUri) }.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        QueueDeclareOk reply = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        var consumer = new AsyncEventingBasicConsumer(channel);
        string tag = await channel.BasicConsumeAsync(reply.QueueName, autoAck: true, consumer);

        JsonNode queue = await _api.GetWhenAsync($"api/queues/%2F/{Uri.EscapeDataString(reply.QueueName)}", q => (long)q["consumers"]! == 1);
        JsonArray consumers = (JsonArray)await _api.GetAsync("api/consumers");
        JsonNode overview = await _api.GetAsync("api/overview");

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
        JsonNode me = await _api.GetAsync("api/whoami");
        JsonArray vhosts = (JsonArray)await _api.GetAsync("api/vhosts");
        JsonNode vhost = await _api.GetAsync("api/vhosts/%2F");
        JsonArray nodes = (JsonArray)await _api.GetAsync("api/nodes");
        JsonArray users = (JsonArray)await _api.GetAsync("api/users");
        JsonArray permissions = (JsonArray)await _api.GetAsync("api/permissions");

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
