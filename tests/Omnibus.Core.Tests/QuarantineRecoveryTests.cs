using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;
using Omnibus.Core.Streams;
using Omnibus.Storage;

namespace Omnibus.Core.Tests;

/// <summary>
/// A quarantined queue, topic or stream is recovered by salvaging its logs, and serves again
/// without a restart; every kind of lost segment quarantines the entity with what was lost.
/// </summary>
[Trait("Store", TestStore.FileOnly)] // damages files on disk
public sealed class QuarantineRecoveryTests : IDisposable
{
    private const int Count = 200;
    private readonly BrokerHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static string Body(int i) => $"m{i:D4}-" + new string('x', 1000);

    private async Task Fill(string queue, int from = 0, int count = Count)
    {
        for (int i = from; i < from + count; i++)
        {
            await _harness.Send(queue, Body(i));
        }
    }

    private string[] SegmentsOf(string kind, string entity, string log = "log")
    {
        string dir = Directory.GetDirectories(Path.Combine(_harness.Directory, kind)).Single(d => Path.GetFileName(d).StartsWith(entity, StringComparison.Ordinal));
        return Directory.GetFiles(Path.Combine(dir, log, "p0"), "*.seg").Order(StringComparer.Ordinal).ToArray();
    }

    private static void FlipByteInTheMiddle(string segment)
    {
        File.Delete(Path.ChangeExtension(segment, ".idx")); // the open scans the segment again
        using var f = new FileStream(segment, FileMode.Open);
        f.Position = f.Length / 2;
        int b = f.ReadByte();
        f.Position--;
        f.WriteByte((byte)(b ^ 0xFF));
    }

    private async Task<List<string>> Drain(string path) =>
        [.. (await _harness.Receive(path, 10_000, ReceiveMode.ReceiveAndDelete)).Select(BrokerHarness.Text)];

    [Fact]
    public async Task A_queue_with_a_flipped_byte_is_recovered_without_a_restart_keeping_every_other_message()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        _harness.Broker.DeclareExchange(new ExchangeDescription { Name = "x", Type = ExchangeTypes.Fanout });
        _harness.Broker.Bind(new BindingDescription { Source = "x", Destination = "orders", DestinationKind = BindingDestinationKind.Queue });
        await Fill("orders");
        _harness.Broker.Dispose();
        FlipByteInTheMiddle(SegmentsOf("queues", "orders")[0]);
        _harness.Restart();
        Assert.Equal("orders", Assert.Single(_harness.Broker.Quarantined).Name);

        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.SkipDamagedBatches);

        Assert.True(recovery.Opened, recovery.Reason);
        Assert.Equal((1L, 0L), (recovery.RecordsLost, recovery.RecordsDropped));
        Assert.Contains("1 records lost", recovery.Describe(), StringComparison.Ordinal);
        Assert.Contains("is damaged at byte", recovery.Describe(), StringComparison.Ordinal);
        Assert.Empty(_harness.Broker.Quarantined);
        await _harness.Broker.PublishAsync("x", "", [BrokerHarness.Message("through the binding")]);
        await _harness.Send("orders", "after");
        List<string> got = await Drain("orders");
        Assert.Equal(Count - 1 + 2, got.Count);
        Assert.Equal(Count - 1, got.Count(b => b.StartsWith('m')));
        Assert.Contains("through the binding", got);
        _harness.Restart();
        Assert.Empty(_harness.Broker.Quarantined);
        Assert.Empty(await Drain("orders"));
    }

    [Fact]
    public async Task A_topic_with_a_damaged_log_is_recovered_and_its_subscription_gets_every_intact_message()
    {
        _harness.Broker.CreateTopic(new TopicDescription { Name = "events" });
        _harness.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "all" });
        await Fill("events");
        _harness.Broker.Dispose();
        FlipByteInTheMiddle(SegmentsOf("topics", "events")[0]);
        _harness.Restart();
        Assert.Equal((EntityKind.Topic, "events"), (Assert.Single(_harness.Broker.Quarantined).Kind, _harness.Broker.Quarantined[0].Name));

        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("events", SalvageMode.KeepVerified);

        Assert.True(recovery.Opened, recovery.Reason);
        Assert.Equal(Count - 1, (await Drain("events/Subscriptions/all")).Count);
    }

    [Fact]
    public async Task A_deleted_first_segment_quarantines_the_queue_naming_the_lost_messages_and_recovery_accepts_the_loss()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await Fill("orders");
        Assert.Equal(100, (await _harness.Receive("orders", 100, ReceiveMode.ReceiveAndDelete)).Count);
        await _harness.Advance(TimeSpan.FromSeconds(2)); // the sweep deletes the consumed head segments
        _harness.Broker.Dispose();
        string[] segments = SegmentsOf("queues", "orders");
        long lostFrom = long.Parse(Path.GetFileNameWithoutExtension(segments[0]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lostFrom > 0, "consumed segments were deleted");
        long lostTo = long.Parse(Path.GetFileNameWithoutExtension(segments[1]), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(segments[0]);

        _harness.Restart();

        QuarantinedEntity q = Assert.Single(_harness.Broker.Quarantined);
        Assert.Contains($"records {lostFrom} to {lostTo - 1} are lost", q.Reason, StringComparison.Ordinal);
        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.SkipDamagedBatches);
        Assert.True(recovery.Opened, recovery.Reason);
        Assert.Equal(lostTo - lostFrom, recovery.RecordsLost);
        List<string> got = await Drain("orders");
        Assert.Equal(Count - lostTo, got.Count); // those below 100 were received before the loss
        Assert.Equal(Body(Count - 1), got[^1]);
    }

    [Fact]
    public async Task A_segment_deleted_from_the_middle_quarantines_the_queue_and_recovery_keeps_the_rest()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "healthy" });
        await Fill("orders");
        await _harness.Send("healthy", "fine");
        _harness.Broker.Dispose();
        string[] segments = SegmentsOf("queues", "orders");
        Assert.True(segments.Length >= 3);
        File.Delete(segments[1]);

        _harness.Restart();

        Assert.Contains("records are missing", Assert.Single(_harness.Broker.Quarantined).Reason, StringComparison.Ordinal);
        Assert.Equal(["fine"], await Drain("healthy"));
        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.SkipDamagedBatches);
        Assert.True(recovery.Opened);
        Assert.Equal(Count - recovery.RecordsLost, (await Drain("orders")).Count);
        Assert.True(recovery.RecordsLost > 0);
    }

    [Theory]
    [InlineData("header zeroed", "damaged header")]
    [InlineData("byte flipped", "is damaged at byte")]
    [InlineData("segment deleted", "no record of sequences")]
    [InlineData("first segment deleted", "no record of sequences")]
    public async Task Every_kind_of_damage_quarantines_the_queue_and_recovery_accounts_for_every_acknowledged_message(string damage, string finding)
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await Fill("orders");
        _harness.Broker.Dispose();
        string[] segments = SegmentsOf("queues", "orders");
        Assert.True(segments.Length >= 3);
        switch (damage)
        {
            case "header zeroed":
                using (var f = new FileStream(segments[1], FileMode.Open))
                {
                    f.Write(new byte[32]);
                }
                break;
            case "byte flipped":
                FlipByteInTheMiddle(segments[1]);
                break;
            case "segment deleted":
                File.Delete(segments[1]);
                break;
            default:
                File.Delete(segments[0]);
                break;
        }

        _harness.Restart();

        Assert.Equal("orders", Assert.Single(_harness.Broker.Quarantined).Name);
        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.SkipDamagedBatches);
        Assert.True(recovery.Opened, recovery.Reason);
        SalvageReport log = Assert.Single(recovery.Logs, l => l.Changed);
        Assert.Contains(log.Findings, f => f.Contains(finding, StringComparison.Ordinal));
        List<string> got = await Drain("orders");
        // Every acknowledged message is delivered or reported lost: none is missing silently.
        Assert.Equal(Count, got.Count + recovery.RecordsLost + recovery.RecordsDropped);
        Assert.Equal(got.Count, got.Distinct().Count());
        Assert.Equal(damage == "header zeroed" ? 0 : 1, Math.Sign(recovery.RecordsLost));
    }

    [Fact]
    public async Task A_deleted_tail_segment_quarantines_the_queue_and_recovery_reports_the_lost_tail_and_keeps_the_rest()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await Fill("orders");
        _harness.Broker.Dispose();
        string[] segments = SegmentsOf("queues", "orders");
        long tailBase = long.Parse(Path.GetFileNameWithoutExtension(segments[^1]), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(segments[^1]);

        _harness.Restart();

        Assert.Contains($"records from sequence {tailBase} on are lost", Assert.Single(_harness.Broker.Quarantined).Reason, StringComparison.Ordinal);
        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.SkipDamagedBatches);
        Assert.True(recovery.Opened, recovery.Reason);
        Assert.Contains($"the tail segment starting at sequence {tailBase} is missing", recovery.Describe(), StringComparison.Ordinal);
        List<string> got = await Drain("orders");
        Assert.Equal(tailBase, got.Count);
        Assert.Equal(Body((int)tailBase - 1), got[^1]);
        await _harness.Send("orders", "after");
        Assert.Equal(["after"], await Drain("orders"));
    }

    [Fact]
    public async Task After_a_lost_tail_whose_messages_were_settled_a_new_message_does_not_reuse_their_sequence_numbers()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await Fill("orders");
        Assert.Equal(Count, (await Drain("orders")).Count);
        _harness.Broker.Dispose();
        File.Delete(SegmentsOf("queues", "orders")[^1]);
        _harness.Restart();
        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.SkipDamagedBatches);
        Assert.True(recovery.Opened, recovery.Reason);

        // The delivery state settled every message of the lost tail: a new message at one of those numbers would read as settled.
        long sequence = (await _harness.Broker.SendAsync("orders", [new Omnibus.Core.Messages.BrokerMessage { Body = "after"u8.ToArray() }]))[0];

        Assert.True(sequence >= Count, $"the new message took sequence {sequence}, which the lost tail had");
        Assert.Equal(["after"], await Drain("orders"));
        _harness.Restart();
        Assert.Empty(await Drain("orders"));
    }

    [Fact]
    public async Task A_damaged_delivery_state_quarantines_the_queue_and_recovery_loses_no_unsettled_message()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await Fill("orders", count: 100);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(5, (await _harness.Receive("orders", 5, ReceiveMode.ReceiveAndDelete)).Count);
        }
        _harness.Broker.Dispose();
        string queueDir = Directory.GetDirectories(Path.Combine(_harness.Directory, "queues")).Single(d => Path.GetFileName(d).StartsWith("orders", StringComparison.Ordinal));
        string changes = Directory.GetFiles(Path.Combine(queueDir, "recv"), "*.seg", SearchOption.AllDirectories)
            .Where(p => !p.Contains("dlq", StringComparison.Ordinal)).OrderByDescending(p => new FileInfo(p).Length).First();
        FlipByteInTheMiddle(changes);

        _harness.Restart();

        Assert.Equal("orders", Assert.Single(_harness.Broker.Quarantined).Name);
        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.SkipDamagedBatches);
        Assert.True(recovery.Opened, recovery.Reason);
        Assert.Contains(recovery.Logs, l => l.Changed && l.Directory.Contains("recv", StringComparison.Ordinal));
        List<string> got = await Drain("orders");
        Assert.InRange(got.Count, 50, 100); // the 50 never received, and maybe received ones again (the checkpoint at close may cover the damage): none lost
        Assert.Equal(Enumerable.Range(50, 50).Select(Body), got.Where(b => string.CompareOrdinal(b, Body(50)) >= 0).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Recovering_a_name_that_is_not_quarantined_is_not_found()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(() => _harness.Broker.RecoverQuarantinedAsync("orders", SalvageMode.KeepVerified));
        Assert.Equal(MessagingErrorCode.EntityNotFound, e.Code);
    }

    [Fact]
    public async Task A_stream_with_a_damaged_partition_is_quarantined_while_the_broker_serves_and_is_recovered()
    {
        _harness.Broker.CreateTopicStream(new StreamDefinition { Name = "events" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "healthy" });
        for (int i = 0; i < Count; i++)
        {
            await _harness.Broker.AppendToTopicStreamAsync("events", 0, [new StreamRecord { Value = System.Text.Encoding.UTF8.GetBytes(Body(i)) }]);
        }
        _harness.Broker.Dispose();
        string streamDir = Directory.GetDirectories(Path.Combine(_harness.Directory, "streams")).Single(d => Path.GetFileName(d).StartsWith("events", StringComparison.Ordinal));
        FlipByteInTheMiddle(Directory.GetFiles(Path.Combine(streamDir, "p0"), "*.seg").Order(StringComparer.Ordinal).First());

        _harness.Restart();

        QuarantinedEntity q = Assert.Single(_harness.Broker.Quarantined);
        Assert.Equal((EntityKind.Stream, "events"), (q.Kind, q.Name));
        await _harness.Send("healthy", "fine");
        Assert.Equal(["fine"], await Drain("healthy"));
        MessagingException refused = Assert.Throws<MessagingException>(() => _harness.Broker.Streams.Get("events"));
        Assert.Equal(MessagingErrorCode.EntityDisabled, refused.Code);
        Assert.Contains("quarantined", refused.Message, StringComparison.Ordinal);
        MessagingException send = await Assert.ThrowsAsync<MessagingException>(() => _harness.Send("events", "to the topic"));
        Assert.Equal(MessagingErrorCode.EntityDisabled, send.Code);
        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, Assert.Throws<MessagingException>(() => _harness.Broker.Streams.Create(new StreamDefinition { Name = "events" })).Code);

        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("events", SalvageMode.SkipDamagedBatches);

        Assert.True(recovery.Opened, recovery.Reason);
        Assert.Equal(1, recovery.RecordsLost);
        Assert.Empty(_harness.Broker.Quarantined);
        MessageStream stream = _harness.Broker.Streams.Get("events");
        var entries = new List<StreamEntry>();
        long offset = 0;
        while (offset < stream.HighWatermark(0))
        {
            StreamReadResult read = await stream.ReadAsync(new StreamReadRequest { Partition = 0, Offset = offset });
            entries.AddRange(read.Entries);
            offset = read.NextOffset;
        }
        Assert.Equal(Count - 1, entries.Count);
        _harness.Restart();
        Assert.Empty(_harness.Broker.Quarantined);
    }

    [Fact]
    public async Task A_committed_transaction_naming_a_quarantined_queue_waits_for_it_and_is_applied_when_it_is_recovered()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "out" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "other" });
        await Fill("out");
        _harness.Broker.BeforeApplyingTransactionOperation = _ => throw new InvalidOperationException("simulated crash before applying");
        await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.Broker.CommitTransactionAsync(
        [
            new TransactionSend("other", [BrokerHarness.Message("to other")]),
            new TransactionSend("out", [BrokerHarness.Message("to out")]),
        ]));
        _harness.Broker.Dispose();
        FlipByteInTheMiddle(SegmentsOf("queues", "out")[0]);

        _harness.Restart();

        Assert.Equal("out", Assert.Single(_harness.Broker.Quarantined).Name);
        WaitingTransactionInfo waiting = Assert.Single(_harness.Broker.WaitingTransactions);
        Assert.Equal(["out"], waiting.WaitingFor);
        Assert.Equal(["to other"], await Drain("other"));
        _harness.Restart(); // still waiting, and the part already applied is not applied twice
        Assert.Single(_harness.Broker.WaitingTransactions);
        Assert.Empty(await Drain("other"));

        QuarantineRecovery recovery = await _harness.Broker.RecoverQuarantinedAsync("out", SalvageMode.SkipDamagedBatches);

        Assert.Equal(1, recovery.TransactionsApplied);
        Assert.Empty(_harness.Broker.WaitingTransactions);
        List<string> got = await Drain("out");
        Assert.Equal(Count - 1 + 1, got.Count);
        Assert.Contains("to out", got);
        _harness.Restart();
        Assert.Empty(_harness.Broker.WaitingTransactions);
        Assert.Empty(await Drain("out"));
    }
}
