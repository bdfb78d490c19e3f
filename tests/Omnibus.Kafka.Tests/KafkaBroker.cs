using System.Runtime.InteropServices;
using Confluent.Kafka;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>An in-process broker with its Kafka listener, and Confluent.Kafka clients pointed at it.</summary>
internal static class KafkaBroker
{
    private static readonly Lock s_load = new();
    private static bool s_loaded;

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

    /// <summary>
    /// librdkafka.redist's default Linux build needs libsasl2.so.3, which Debian 12 lacks; its
    /// CentOS 8 build links only what every glibc system has, so the tests load that one.
    /// </summary>
    public static void LoadLibrdkafka()
    {
        lock (s_load)
        {
            if (s_loaded || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
            {
                return;
            }
            string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "centos8-librdkafka.so");
            if (File.Exists(path))
            {
                // Confluent.Kafka binds "librdkafka" by name (and "libdl", which Debian has only as libdl.so.2).
                NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, (name, _, _) => name switch
                {
                    "librdkafka" => NativeLibrary.Load(path),
                    "libdl" when NativeLibrary.TryLoad("libdl.so.2", out IntPtr handle) => handle,
                    _ => IntPtr.Zero,
                });
            }
            s_loaded = true;
        }
    }

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
