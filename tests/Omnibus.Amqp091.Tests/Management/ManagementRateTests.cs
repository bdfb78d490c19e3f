using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>The <c>*_details.rate</c> figures KEDA scales on, from counters sampled on the broker's clock.</summary>
public sealed class ManagementRateTests
{
    [Fact]
    public async Task The_publish_rate_is_the_publishes_of_the_last_statistics_interval_per_second()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o => o.TimeProvider = clock);
        using var api = new ManagementClient(broker);
        await using IConnection connection = await new ConnectionFactory { Uri = new Uri(broker.RabbitMqUri) }.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("jobs", durable: true, exclusive: false, autoDelete: false);
        clock.Advance(TimeSpan.FromSeconds(5));
        for (int i = 0; i < 10; i++)
        {
            await channel.BasicPublishAsync("", "jobs", "job"u8.ToArray());
        }
        await channel.BasicGetAsync("jobs", autoAck: true);

        double before = (double)(await api.GetAsync("api/queues/%2F/jobs"))["message_stats"]!["publish_details"]!["rate"]!;
        clock.Advance(TimeSpan.FromSeconds(5));
        JsonNode queue = await api.GetAsync("api/queues/%2F/jobs");
        clock.Advance(TimeSpan.FromSeconds(5));
        JsonNode idle = await api.GetAsync("api/queues/%2F/jobs");
        JsonNode overview = await api.GetAsync("api/overview");

        Assert.Equal(0, before);
        Assert.Equal(2.0, (double)queue["message_stats"]!["publish_details"]!["rate"]!);
        Assert.Equal(0.2, (double)queue["message_stats"]!["deliver_get_details"]!["rate"]!);
        Assert.Equal(0, (double)idle["message_stats"]!["publish_details"]!["rate"]!);
        Assert.Equal(10, (long)idle["message_stats"]!["publish"]!);
        Assert.Equal(0, (double)overview["message_stats"]!["publish_details"]!["rate"]!);
    }
}
