using Confluent.Kafka;
using Omnibus.Testing;
using Omnibus.Tests.Shared;

namespace Omnibus.Kafka.Tests;

/// <summary>An in-process broker with its Kafka listener, and Confluent.Kafka clients pointed at it.</summary>
internal static class KafkaBroker
{
    public static async Task<OmnibusTestBroker> StartAsync(Action<KafkaOptions>? kafka = null, string? dataDirectory = null, TimeProvider? clock = null)
    {
        LoadLibrdkafka();
        return await OmnibusTestBroker.StartAsync(o =>
        {
            o.EnableHttp = false;
            o.DataDirectory = dataDirectory;
            o.KeepDataDirectory = dataDirectory is not null;
            o.TimeProvider = clock ?? TimeProvider.System;
            o.Host = h => h.Kafka.Configure = k =>
            {
                // Tests start their consumers together: no need to wait for latecomers.
                k.InitialRebalanceDelay = TimeSpan.FromMilliseconds(200);
                kafka?.Invoke(k);
            };
        });
    }

    /// <summary>Loads the librdkafka build that runs on Debian (see <see cref="Librdkafka"/>).</summary>
    public static void LoadLibrdkafka() => Librdkafka.Load();

    public static IProducer<string?, string?> Producer(OmnibusTestBroker broker, Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig { BootstrapServers = broker.KafkaBootstrapServers, Acks = Acks.All, LingerMs = 5, MessageTimeoutMs = 20_000 };
        configure?.Invoke(config);
        return new ProducerBuilder<string?, string?>(config).Build();
    }

    public static IConsumer<string?, string?> Consumer(OmnibusTestBroker broker, string group, Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = broker.KafkaBootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 500,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<string?, string?>(config).Build();
    }

    public static IAdminClient Admin(OmnibusTestBroker broker) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.KafkaBootstrapServers }).Build();

    /// <summary>Consumes until <paramref name="count"/> records arrived or the time is up.</summary>
    public static List<ConsumeResult<string?, string?>> ConsumeMany(IConsumer<string?, string?> consumer, int count, TimeSpan? within = null)
    {
        var results = new List<ConsumeResult<string?, string?>>();
        DateTime end = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (results.Count < count && DateTime.UtcNow < end)
        {
            ConsumeResult<string?, string?>? r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is not null && !r.IsPartitionEOF)
            {
                results.Add(r);
            }
        }
        return results;
    }
}
