using Confluent.Kafka;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>Consumer-group lag per partition in <c>/metrics</c>, from what Confluent.Kafka produced and committed.</summary>
public sealed class ConsumerLagMetricsTests
{
    [Fact]
    public async Task Metrics_show_each_partitions_end_offset_and_a_groups_committed_offset_and_lag()
    {
        KafkaBroker.LoadLibrdkafka();
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o => o.Host = h => h.Kafka.Configure = k => k.InitialRebalanceDelay = TimeSpan.FromMilliseconds(200));
        using (IProducer<string?, string?> producer = KafkaBroker.Producer(broker))
        {
            for (int i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("lagging", new Message<string?, string?> { Value = $"r{i}" });
            }
        }
        using (IConsumer<string?, string?> consumer = KafkaBroker.Consumer(broker, "slow-readers"))
        {
            consumer.Assign(new TopicPartitionOffset("lagging", 0, Offset.Beginning));
            List<ConsumeResult<string?, string?>> got = KafkaBroker.ConsumeMany(consumer, 4);
            consumer.Commit([new TopicPartitionOffset("lagging", 0, got[^1].Offset + 1)]);
        }

        using var http = new HttpClient { BaseAddress = broker.AdminEndpoint };
        string metrics = await http.GetStringAsync("metrics");

        Assert.Contains("omnibus_stream_end_offset{stream=\"lagging\",partition=\"0\"} 10", metrics, StringComparison.Ordinal);
        Assert.Contains("omnibus_stream_start_offset{stream=\"lagging\",partition=\"0\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("omnibus_consumer_group_committed_offset{group=\"slow-readers\",stream=\"lagging\",partition=\"0\"} 4", metrics, StringComparison.Ordinal);
        Assert.Contains("omnibus_consumer_group_lag{group=\"slow-readers\",stream=\"lagging\",partition=\"0\"} 6", metrics, StringComparison.Ordinal);
    }
}
