using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Omnibus.Kafka.Protocol;
using Omnibus.Testing;
using KafkaErrorCode = Omnibus.Kafka.Protocol.ErrorCode;

namespace Omnibus.Kafka.Tests;

/// <summary>Static membership (<c>group.instance.id</c>): a restarted member gets its assignment back without a rebalance; its old id is fenced.</summary>
public class ConfluentStaticMembershipTests
{
    private static IConsumer<string?, string?> Static(OmnibusTestBroker broker, string instance, List<List<int>> assignments) =>
        new ConsumerBuilder<string?, string?>(new ConsumerConfig
        {
            BootstrapServers = broker.KafkaBootstrapServers,
            GroupId = "static",
            GroupInstanceId = instance,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 30_000,
            HeartbeatIntervalMs = 500,
        }).SetPartitionsAssignedHandler((_, parts) => { lock (assignments) { assignments.Add([.. parts.Select(p => p.Partition.Value).Order()]); } }).Build();

    private static void PollUntil(Func<bool> done, params IConsumer<string?, string?>[] consumers)
    {
        DateTime end = DateTime.UtcNow.AddSeconds(30);
        while (!done() && DateTime.UtcNow < end)
        {
            foreach (IConsumer<string?, string?> c in consumers)
            {
                c.Consume(TimeSpan.FromMilliseconds(100));
            }
        }
        Assert.True(done());
    }

    [Fact]
    public async Task ARestartedStaticMemberGetsItsOldPartitionsBackWithoutARebalanceOfTheOthers()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using (IAdminClient admin = KafkaBroker.Admin(broker))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "static-topic", NumPartitions = 4, ReplicationFactor = 1 }]);
        }
        var leaderAssignments = new List<List<int>>();
        var firstAssignments = new List<List<int>>();
        using IConsumer<string?, string?> leader = Static(broker, "leader", leaderAssignments);
        leader.Subscribe("static-topic");
        PollUntil(() => leaderAssignments.Count > 0 && leaderAssignments[^1].Count == 4, leader);

        IConsumer<string?, string?> first = Static(broker, "second", firstAssignments);
        first.Subscribe("static-topic");
        PollUntil(() => firstAssignments.Count > 0 && leaderAssignments[^1].Count == 2, leader, first);
        List<int> owned = firstAssignments[^1];
        int leaderRebalances = leaderAssignments.Count;
        first.Close(); // a static member does not leave the group when it closes
        first.Dispose();

        var againAssignments = new List<List<int>>();
        using IConsumer<string?, string?> again = Static(broker, "second", againAssignments);
        again.Subscribe("static-topic");
        PollUntil(() => againAssignments.Count > 0, leader, again);
        Assert.Equal(owned, againAssignments[^1]);
        for (int i = 0; i < 10; i++)
        {
            leader.Consume(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(leaderRebalances, leaderAssignments.Count);
    }

    [Fact]
    public async Task TheOldMemberIdOfAReplacedStaticMemberIsFencedInEveryGroupCall()
    {
        await using var broker = await KafkaBroker.StartAsync();
        using var connection = await RawKafkaConnection.OpenAsync(broker);
        byte[] subscription = [0, 0, 0, 0, 0, 0, 0, 0];
        async Task<(KafkaErrorCode Error, int Generation, string Leader, string MemberId)> JoinAsync(string memberId)
        {
            KafkaReader r = await connection.CallAsync(ApiKey.JoinGroup, 5, w => w.String("raw-static").Int32(30_000).Int32(30_000).String(memberId).NullableString("instance-1")
                .String("consumer").ArrayLength(1).String("range").Bytes(subscription));
            r.Int32();
            var answer = ((KafkaErrorCode)r.Int16(), r.Int32(), r.String(), r.String(), r.String());
            return (answer.Item1, answer.Item2, answer.Item4, answer.Item5);
        }

        (KafkaErrorCode required, _, _, string firstId) = await JoinAsync(string.Empty);
        Assert.Equal(KafkaErrorCode.MemberIdRequired, required);
        (KafkaErrorCode joined, int generation, string leader, _) = await JoinAsync(firstId);
        Assert.Equal((KafkaErrorCode.None, firstId), (joined, leader));
        KafkaReader synced = await connection.CallAsync(ApiKey.SyncGroup, 3, w => w.String("raw-static").Int32(generation).String(firstId).NullableString("instance-1")
            .ArrayLength(1).String(firstId).Bytes([1, 2, 3]));
        synced.Int32();
        Assert.Equal(KafkaErrorCode.None, (KafkaErrorCode)synced.Int16());

        (KafkaErrorCode rejoined, int newGeneration, _, string secondId) = await JoinAsync(string.Empty);
        Assert.Equal(KafkaErrorCode.None, rejoined);
        Assert.NotEqual(firstId, secondId);

        KafkaReader heartbeat = await connection.CallAsync(ApiKey.Heartbeat, 3, w => w.String("raw-static").Int32(newGeneration).String(firstId).NullableString("instance-1"));
        heartbeat.Int32();
        Assert.Equal(KafkaErrorCode.FencedInstanceId, (KafkaErrorCode)heartbeat.Int16());
        KafkaReader sync = await connection.CallAsync(ApiKey.SyncGroup, 3, w => w.String("raw-static").Int32(newGeneration).String(firstId).NullableString("instance-1").ArrayLength(0));
        sync.Int32();
        Assert.Equal(KafkaErrorCode.FencedInstanceId, (KafkaErrorCode)sync.Int16());
        await connection.CallAsync(ApiKey.Metadata, 1, w => w.ArrayLength(1).String("static-raw-topic"));
        KafkaReader commit = await connection.CallAsync(ApiKey.OffsetCommit, 7, w => w.String("raw-static").Int32(newGeneration).String(firstId).NullableString("instance-1")
            .ArrayLength(1).String("static-raw-topic").ArrayLength(1).Int32(0).Int64(0).Int32(-1).NullableString(null));
        commit.Int32();
        Assert.Equal(1, commit.ArrayLength());
        Assert.Equal("static-raw-topic", commit.String());
        Assert.Equal(1, commit.ArrayLength());
        Assert.Equal((0, KafkaErrorCode.FencedInstanceId), (commit.Int32(), (KafkaErrorCode)commit.Int16()));
        (KafkaErrorCode stale, _, _, _) = await JoinAsync(firstId);
        Assert.Equal(KafkaErrorCode.FencedInstanceId, stale);
    }
}
