using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Omnibus.Tests.Shared;

namespace Omnibus.Kafka.Tests;

/// <summary>
/// SIGKILL under load with <c>acks=all</c> and idempotence: every acknowledged record is there after the restart,
/// at its offset, in order per partition, once; a committed group offset never moves back.
/// </summary>
[Collection(KillCollection.Name)]
public sealed class KillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Topic = "kafka-kill";
    private const int Partitions = 3;
    private const string Group = "kafka-kill-readers";
    private int _commits;

    [Fact]
    public async Task Every_record_acknowledged_before_a_SIGKILL_is_there_after_restart_once_and_in_order_and_committed_offsets_hold()
    {
        KafkaBroker.LoadLibrdkafka();
        string data = Path.Combine(Path.GetTempPath(), "omnibus-kafka-kill-" + Guid.NewGuid().ToString("N"));
        var acknowledged = new ConcurrentDictionary<long, TopicPartitionOffset>();
        var committed = new ConcurrentDictionary<int, long>();
        (Process first, IReadOnlyDictionary<string, int> ports) = await ExampleHostProcess.StartWithPortsAsync(data);
        try
        {
            string servers = Servers(ports);
            using (IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).Build())
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = Partitions }]);
            }
            using var stop = new CancellationTokenSource();
            Task producing = Task.Run(() => Produce(servers, acknowledged, stop.Token));
            Task committing = Task.Run(() => ConsumeAndCommit(servers, committed, stop.Token));
            // The group's first assignment waits out the broker's initial rebalance delay: kill once it has committed a few times.
            var waited = Stopwatch.StartNew();
            while ((Volatile.Read(ref _commits) < 5 || waited.Elapsed < TimeSpan.FromSeconds(2)) && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            await stop.CancelAsync();
            await producing.WaitAsync(TimeSpan.FromSeconds(60));
            // A synchronous commit to a dead coordinator blocks inside librdkafka with no time-out of its own: the
            // member is left behind (it cannot add to what was committed once its broker is gone).
            await Task.WhenAny(committing, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await ExampleHostProcess.StopAsync(first);
        }
        output.WriteLine($"{acknowledged.Count} records acknowledged, {_commits} commits, offsets committed {string.Join(", ", committed.Select(c => $"{c.Key}:{c.Value}"))} before the kill");
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} records acknowledged");
        Assert.False(committed.IsEmpty, "the group committed offsets before the kill");

        (Process second, IReadOnlyDictionary<string, int> ports2) = await ExampleHostProcess.StartWithPortsAsync(data);
        try
        {
            string servers = Servers(ports2);
            Dictionary<int, List<(long Offset, long Value)>> stored = ReadAll(servers);
            var valuesSeen = new HashSet<long>();
            foreach ((int partition, List<(long Offset, long Value)> records) in stored)
            {
                Assert.All(records, r => Assert.True(valuesSeen.Add(r.Value), $"record {r.Value} stored twice"));
                long[] values = [.. records.Select(r => r.Value)];
                Assert.Equal(values.Order(), values); // in the order produced, per partition
            }
            var offsetOf = stored.SelectMany(p => p.Value.Select(r => (r.Value, At: new TopicPartitionOffset(Topic, p.Key, r.Offset)))).ToDictionary(x => x.Value, x => x.At);
            long[] lost = [.. acknowledged.Where(a => !offsetOf.TryGetValue(a.Key, out TopicPartitionOffset? at) || at != a.Value).Select(a => a.Key)];
            Assert.True(lost.Length == 0, $"{lost.Length} of {acknowledged.Count} acknowledged records lost or moved, e.g. {string.Join(", ", lost.Take(5))}");

            using IConsumer<string?, string?> reader = new ConsumerBuilder<string?, string?>(new ConsumerConfig { BootstrapServers = servers, GroupId = Group }).Build();
            List<TopicPartitionOffset> after = reader.Committed([.. Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Topic, p))], TimeSpan.FromSeconds(10));
            foreach ((int partition, long offset) in committed)
            {
                Assert.True(after.Single(o => o.Partition.Value == partition).Offset.Value >= offset, $"partition {partition}: committed offset {offset} moved back");
            }
        }
        finally
        {
            await ExampleHostProcess.StopAsync(second);
            ExampleHostProcess.DeleteDataDirectory(data);
        }
    }

    private static string Servers(IReadOnlyDictionary<string, int> ports) => "127.0.0.1:" + ports["KAFKA"].ToString(CultureInfo.InvariantCulture);

    /// <summary>Produces numbered keyed records until stopped or the broker is gone, noting where each acknowledged one landed.</summary>
    private static void Produce(string servers, ConcurrentDictionary<long, TopicPartitionOffset> acknowledged, CancellationToken stop)
    {
        var config = new ProducerConfig { BootstrapServers = servers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 2, MessageTimeoutMs = 5_000, SocketTimeoutMs = 3_000 };
        using IProducer<string?, string?> producer = new ProducerBuilder<string?, string?>(config).Build();
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            long value = i;
            try
            {
                producer.Produce(Topic, new Message<string?, string?> { Key = "key-" + (i % 7).ToString(CultureInfo.InvariantCulture), Value = value.ToString(CultureInfo.InvariantCulture) }, report =>
                {
                    if (report.Error.Code == ErrorCode.NoError)
                    {
                        acknowledged[value] = report.TopicPartitionOffset;
                    }
                });
            }
            catch (ProduceException<string?, string?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(20));
            }
        }
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>A group member that reads and commits synchronously, noting each offset the broker confirmed.</summary>
    private void ConsumeAndCommit(string servers, ConcurrentDictionary<int, long> committed, CancellationToken stop)
    {
        var config = new ConsumerConfig { BootstrapServers = servers, GroupId = Group, AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false, SessionTimeoutMs = 10_000, SocketTimeoutMs = 3_000 };
        using IConsumer<string?, string?> consumer = new ConsumerBuilder<string?, string?>(config).Build();
        consumer.Subscribe(Topic);
        int sinceCommit = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } && ++sinceCommit >= 20)
                {
                    sinceCommit = 0;
                    foreach (TopicPartitionOffset c in consumer.Commit().Where(c => c.Offset.Value >= 0))
                    {
                        committed.AddOrUpdate(c.Partition.Value, c.Offset.Value, (_, old) => Math.Max(old, c.Offset.Value));
                    }
                    Interlocked.Increment(ref _commits);
                }
            }
            catch (KafkaException)
            {
                // The broker is gone: what was committed before is what counts.
            }
        }
        consumer.Close();
    }

    private static Dictionary<int, List<(long Offset, long Value)>> ReadAll(string servers)
    {
        var config = new ConsumerConfig { BootstrapServers = servers, GroupId = "kafka-kill-check", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false, EnablePartitionEof = true };
        using IConsumer<string?, string?> consumer = new ConsumerBuilder<string?, string?>(config).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var stored = Enumerable.Range(0, Partitions).ToDictionary(p => p, _ => new List<(long, long)>());
        var atEnd = new HashSet<int>();
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (atEnd.Count < Partitions && DateTime.UtcNow < deadline)
        {
            ConsumeResult<string?, string?>? r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null)
            {
                continue;
            }
            if (r.IsPartitionEOF)
            {
                atEnd.Add(r.Partition.Value);
                continue;
            }
            stored[r.Partition.Value].Add((r.Offset.Value, long.Parse(r.Message.Value!, CultureInfo.InvariantCulture)));
        }
        Assert.Equal(Partitions, atEnd.Count);
        return stored;
    }
}
