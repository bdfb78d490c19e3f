using System.Globalization;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace Omnibus.Server.Tests;

public sealed class MetricsTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<Dictionary<string, double>> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        string text = await http.GetStringAsync("metrics");
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            int space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [Fact]
    public async Task Counts_and_totals_move_as_messages_are_sent_completed_and_dead_lettered()
    {
        var admin = new ServiceBusAdministrationClient(server.AdminConnectionString);
        await admin.CreateQueueAsync("metered");
        await using var client = new ServiceBusClient(server.AmqpConnectionString);
        await using ServiceBusSender sender = client.CreateSender("metered");
        await sender.SendMessagesAsync([new ServiceBusMessage("1"), new ServiceBusMessage("2"), new ServiceBusMessage("3")]);

        Dictionary<string, double> before = await ScrapeAsync();
        Assert.Equal(3, before["omnibus_messages{entity=\"metered\",state=\"active\"}"]);
        Assert.Equal(3, before["omnibus_messages_sent_total{entity=\"metered\"}"]);
        Assert.Equal(0, before["omnibus_messages{entity=\"metered\",state=\"dead_lettered\"}"]);

        await using ServiceBusReceiver receiver = client.CreateReceiver("metered");
        var got = new List<ServiceBusReceivedMessage>();
        while (got.Count < 2)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(2 - got.Count, TimeSpan.FromSeconds(5));
            Assert.NotEmpty(batch);
            got.AddRange(batch);
        }
        await receiver.CompleteMessageAsync(got[0]);
        await receiver.DeadLetterMessageAsync(got[1], "metrics-test", "dead on purpose");

        Dictionary<string, double> after = await ScrapeAsync();
        Assert.Equal(1, after["omnibus_messages{entity=\"metered\",state=\"active\"}"]);
        Assert.Equal(1, after["omnibus_messages{entity=\"metered\",state=\"dead_lettered\"}"]);
        Assert.Equal(2, after["omnibus_messages_received_total{entity=\"metered\"}"]);
        Assert.Equal(1, after["omnibus_messages_completed_total{entity=\"metered\"}"]);
        Assert.Equal(1, after["omnibus_messages_dead_lettered_total{entity=\"metered\"}"]);
        Assert.Equal(2, after["omnibus_lock_held_seconds_count{entity=\"metered\"}"]); // the completed and the dead-lettered lock
        Assert.True(after["omnibus_lock_held_seconds_sum{entity=\"metered\"}"] > 0);
        Assert.True(after["omnibus_entities{kind=\"queue\"}"] >= 1);
        Assert.True(after["process_cpu_seconds_total"] > 0);
        Assert.True(after["process_working_set_bytes"] > 0);
        Assert.Contains(after.Keys, k => k.StartsWith("dotnet_collection_count_total", StringComparison.Ordinal));
        Assert.True(after["omnibus_data_disk_free_bytes"] > 0);
        Assert.True(after["omnibus_connections{listener=\"amqp\"}"] >= 1);
        Assert.True(after["omnibus_connections_total{listener=\"amqp\"}"] >= 1);
        Assert.True(after["omnibus_connections_total{listener=\"http\"}"] >= 1);
        Assert.True(after["omnibus_network_bytes_total{listener=\"amqp\",direction=\"received\"}"] > 3); // the three sends and the AMQP handshakes, before the scrape
        Assert.True(after["omnibus_network_bytes_total{listener=\"amqp\",direction=\"received\"}"] > before["omnibus_network_bytes_total{listener=\"amqp\",direction=\"received\"}"]); // the receive and the settlements
        Assert.True(after["omnibus_network_bytes_total{listener=\"amqp\",direction=\"sent\"}"] > before.GetValueOrDefault("omnibus_network_bytes_total{listener=\"amqp\",direction=\"sent\"}"));
        Assert.True(after["omnibus_network_bytes_total{listener=\"http\",direction=\"received\"}"] > 0);
        Assert.True(after["omnibus_links{listener=\"amqp\"}"] >= 2); // the open sender and receiver (plus $cbs links)
    }

    [Fact]
    public async Task Failed_requests_are_counted_by_kind_and_deleted_entities_leave_the_series()
    {
        var admin = new ServiceBusAdministrationClient(server.AdminConnectionString);
        await Assert.ThrowsAsync<ServiceBusException>(() => admin.DeleteQueueAsync("not-there-for-metrics"));
        await admin.CreateQueueAsync("short-lived");
        Assert.Contains("omnibus_messages{entity=\"short-lived\",state=\"active\"}", (await ScrapeAsync()).Keys);
        await admin.DeleteQueueAsync("short-lived");

        Dictionary<string, double> samples = await ScrapeAsync();
        Assert.True(samples["omnibus_errors_total{kind=\"EntityNotFound\"}"] >= 1);
        Assert.DoesNotContain("omnibus_messages{entity=\"short-lived\",state=\"active\"}", samples.Keys);
    }

    [Fact]
    public async Task Health_endpoints_answer_live_and_ready()
    {
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        Assert.Equal("Healthy", await http.GetStringAsync("health/live"));
        Assert.Equal("Healthy", await http.GetStringAsync("health/ready"));
    }

    [Fact]
    public async Task Protocol_errors_the_AMQP_listener_sends_are_counted_by_condition()
    {
        Dictionary<string, double> before = await ScrapeAsync();
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync("127.0.0.1", server.AmqpPort);
            System.Net.Sockets.NetworkStream stream = socket.GetStream();
            // AMQP protocol header, then a frame header whose size (4) is below the 8-byte minimum.
            await stream.WriteAsync(new byte[] { (byte)'A', (byte)'M', (byte)'Q', (byte)'P', 0, 1, 0, 0, 0, 0, 0, 4, 2, 0, 0, 0 });
            var buffer = new byte[512];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // read until the broker closes the connection
            }
        }
        Dictionary<string, double> after = await ScrapeAsync();
        string key = "omnibus_errors_total{kind=\"amqp:decode-error\"}";
        Assert.True(after.ContainsKey(key), string.Join(", ", after.Keys.Where(k => k.StartsWith("omnibus_errors", StringComparison.Ordinal))));
        Assert.Equal(before.GetValueOrDefault(key) + 1, after[key]);
    }
}
