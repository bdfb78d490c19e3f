using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Omnibus.Tests.Shared;

// Usage: Omnibus.Kafka.LoadTest --bootstrap host:port --disk-dir DIR [--seconds N]
// No Kafka can run beside Omnibus on these machines, so durable produce is printed against the disk's own
// write + fdatasync bandwidth measured in the same run (DIR must be on the broker's file system).
string bootstrap = Arg("--bootstrap") ?? "127.0.0.1:9092";
string diskDirectory = Arg("--disk-dir") ?? Path.GetTempPath();
int seconds = int.Parse(Arg("--seconds") ?? "10", CultureInfo.InvariantCulture);
const int ValueBytes = 1024;
const int ProbeBlockBytes = 1 << 20;
Librdkafka.Load();

double disk = DiskBandwidth.MeasureBytesPerSecond(diskDirectory, ProbeBlockBytes, TimeSpan.FromSeconds(Math.Min(seconds, 5)));
Console.WriteLine($"disk: {disk / 1e6:N1} MB/s sequential write with fsync after each {ProbeBlockBytes >> 10} KiB block");

string topic = await CreateTopicAsync("bench-produce");
(long produced, double produceSeconds) = Produce(topic, TimeSpan.FromSeconds(seconds));
double producedBytesPerSecond = produced * (double)ValueBytes / produceSeconds;
Console.WriteLine($"produce acks=all idempotent, {ValueBytes} B values, 1 partition: {produced / produceSeconds:N0} records/s, {producedBytesPerSecond / 1e6:N1} MB/s of values = {producedBytesPerSecond / disk:P0} of the disk's bandwidth");

(long consumed, double consumeSeconds) = ConsumeAll(topic, produced);
Console.WriteLine($"consume from the beginning: {consumed / consumeSeconds:N0} records/s ({consumed:N0} records in {consumeSeconds:N2} s)");

(double p50, double p99, int samples) = await EndToEndLatencyAsync(await CreateTopicAsync("bench-latency"), ratePerSecond: 10_000, TimeSpan.FromSeconds(seconds));
Console.WriteLine($"end to end at 10,000 records/s (acks=all, produce to consumer): p50 {p50:N1} ms, p99 {p99:N1} ms over {samples:N0} records");

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

async Task<string> CreateTopicAsync(string prefix)
{
    string name = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
    using IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
    await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = 1 }]);
    return name;
}

(long Acknowledged, double Seconds) Produce(string name, TimeSpan duration)
{
    var config = new ProducerConfig
    {
        BootstrapServers = bootstrap,
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = 5,
        BatchSize = 1_000_000,
        QueueBufferingMaxMessages = 500_000,
    };
    using IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(config).Build();
    byte[] value = new byte[ValueBytes];
    Random.Shared.NextBytes(value);
    long acknowledged = 0;
    long failed = 0;
    Action<DeliveryReport<Null, byte[]>> report = r =>
    {
        if (r.Error.Code == ErrorCode.NoError)
        {
            Interlocked.Increment(ref acknowledged);
        }
        else
        {
            Interlocked.Increment(ref failed);
        }
    };
    var message = new Message<Null, byte[]> { Value = value };
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < duration)
    {
        try
        {
            producer.Produce(name, message, report);
        }
        catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            producer.Poll(TimeSpan.FromMilliseconds(1));
        }
    }
    producer.Flush(TimeSpan.FromSeconds(60));
    double elapsed = clock.Elapsed.TotalSeconds;
    if (failed > 0)
    {
        Console.WriteLine($"  {failed:N0} records failed");
    }
    return (acknowledged, elapsed);
}

(long Count, double Seconds) ConsumeAll(string name, long expected)
{
    var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-" + name, EnableAutoCommit = false, FetchMaxBytes = 50 << 20, MaxPartitionFetchBytes = 50 << 20 };
    using IConsumer<Ignore, byte[]> consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
    consumer.Assign(new TopicPartitionOffset(name, 0, Offset.Beginning));
    long count = 0;
    Stopwatch? clock = null;
    DateTime giveUp = DateTime.UtcNow.AddSeconds(120);
    while (count < expected && DateTime.UtcNow < giveUp)
    {
        if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { IsPartitionEOF: false })
        {
            clock ??= Stopwatch.StartNew(); // from the first record: the assignment's set-up is not reading
            count++;
        }
    }
    return (count, clock?.Elapsed.TotalSeconds ?? double.NaN);
}

async Task<(double P50, double P99, int Samples)> EndToEndLatencyAsync(string name, int ratePerSecond, TimeSpan duration)
{
    var latencies = new List<double>();
    using var stop = new CancellationTokenSource();
    Task consuming = Task.Run(() =>
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-" + name, EnableAutoCommit = false, FetchWaitMaxMs = 100 };
        using IConsumer<Ignore, byte[]> consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(new TopicPartitionOffset(name, 0, Offset.Beginning));
        while (!stop.IsCancellationRequested)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r)
            {
                long sent = BitConverter.ToInt64(r.Message.Value);
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }
    });
    await Task.Delay(1000); // the consumer is assigned and polling before the first record
    var config = new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = 1 };
    using (IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(config).Build())
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            long due = (long)(clock.Elapsed.TotalSeconds * ratePerSecond);
            for (; sent < due; sent++)
            {
                byte[] value = new byte[ValueBytes];
                BitConverter.TryWriteBytes(value, Stopwatch.GetTimestamp());
                producer.Produce(name, new Message<Null, byte[]> { Value = value });
            }
            await Task.Delay(1);
        }
        producer.Flush(TimeSpan.FromSeconds(30));
    }
    await Task.Delay(1000);
    await stop.CancelAsync();
    await consuming;
    latencies.Sort();
    return latencies.Count == 0 ? (double.NaN, double.NaN, 0) : (latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], latencies.Count);
}
