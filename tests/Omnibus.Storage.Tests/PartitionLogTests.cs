using System.Text;

namespace Omnibus.Storage.Tests;

/// <summary>The log contract: every test here runs against the file store and the memory store.</summary>
public abstract class PartitionLogTests
{
    protected abstract ILogStore Store { get; }

    private static LogOptions Small => new() { SegmentSize = 8 * 1024, IndexInterval = 512 };

    [Fact]
    public async Task Appended_records_get_dense_sequence_numbers_from_zero_and_read_back()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path);
        for (int i = 0; i < 10; i++)
        {
            long seq = await log.AppendAsync(Encoding.UTF8.GetBytes($"record {i}"));
            Assert.Equal(i, seq);
        }
        Assert.Equal(10, log.NextSequence);
        IReadOnlyList<StoredRecord> records = log.Read(0, 100);
        Assert.Equal(10, records.Count);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i, records[i].Sequence);
            Assert.Equal($"record {i}", Encoding.UTF8.GetString(records[i].Body));
        }
    }

    [Fact]
    public async Task A_batch_is_appended_densely_and_returns_its_first_sequence()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path);
        await log.AppendAsync(new byte[] { 1 });
        long first = await log.AppendBatchAsync([Payload.For(1), Payload.For(2), Payload.For(3)]);
        Assert.Equal(1, first);
        Assert.Equal(4, log.NextSequence);
        Assert.Equal(Payload.For(3), log.ReadOne(3)!.Body);
    }

    [Fact]
    public async Task Empty_records_and_records_up_to_the_maximum_size_round_trip()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, new LogOptions { MaxRecordSize = 3 * 1024 * 1024, SegmentSize = 1024 * 1024 });
        await log.AppendAsync(Array.Empty<byte>());
        byte[] big = Payload.For(1, 3 * 1024 * 1024);
        await log.AppendAsync(big);
        await log.AppendAsync(new byte[] { 7 });
        Assert.Empty(log.ReadOne(0)!.Body);
        Assert.Equal(big, log.ReadOne(1)!.Body);
        Assert.Equal(new byte[] { 7 }, log.ReadOne(2)!.Body);
    }

    [Fact]
    public async Task A_record_larger_than_the_maximum_is_refused_and_nothing_is_appended()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, new LogOptions { MaxRecordSize = 1000 });
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => log.AppendBatchAsync([new byte[10], new byte[1001]]));
        Assert.Contains("1001", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, log.NextSequence);
    }

    [Fact]
    public async Task Concurrent_appenders_share_flushes_and_every_record_lands_once()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, Small);
        const int appenders = 32, each = 50;
        var sequences = new long[appenders][];
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            sequences[a] = new long[each];
            for (int i = 0; i < each; i++)
            {
                sequences[a][i] = await log.AppendAsync(Encoding.UTF8.GetBytes($"{a}:{i}"));
            }
        })));
        long[] all = sequences.SelectMany(s => s).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, appenders * each).Select(i => (long)i), all);
        if (log is PartitionLog file)
        {
            Assert.True(file.FlushCount < appenders * each, $"expected shared flushes, saw {file.FlushCount} for {appenders * each} appends");
        }
        var seen = new HashSet<string>();
        foreach (StoredRecord r in log.Read(0, int.MaxValue))
        {
            Assert.True(seen.Add(Encoding.UTF8.GetString(r.Body)));
        }
        Assert.Equal(appenders * each, seen.Count);
        // Within one appender, order of acknowledgement is order in the log.
        foreach (long[] s in sequences)
        {
            Assert.Equal(s.Order(), s);
        }
    }

    [Fact]
    public async Task Segments_roll_at_the_configured_size_and_are_named_by_first_sequence()
    {
        using var dir = new TempDirectory();
        using (var log = Store.OpenLog(dir.Path, Small))
        {
            for (int i = 0; i < 300; i++)
            {
                await log.AppendAsync(Payload.For(i));
            }
            IReadOnlyList<SegmentInfo> segments = log.Segments;
            Assert.True(segments.Count > 3);
            foreach (SegmentInfo s in segments)
            {
                Assert.Equal($"{s.BaseSequence:D20}", Path.GetFileNameWithoutExtension(s.Path));
                Assert.True(s.Length <= Small.SegmentSize);
            }
            Assert.All(segments.Take(segments.Count - 1), s => Assert.True(s.IsSealed));
            if (Store.IsDurable)
            {
                Assert.All(segments, s => Assert.Equal(".seg", Path.GetExtension(s.Path)));
                Assert.All(segments.Take(segments.Count - 1), s => Assert.True(File.Exists(Path.ChangeExtension(s.Path, ".idx"))));
            }
        }
        using var reopened = Store.OpenLog(dir.Path, Small);
        Assert.True(reopened.Recovery.IsClean, reopened.Recovery.ToString());
        Assert.Equal(300, reopened.NextSequence);
        IReadOnlyList<StoredRecord> all = reopened.Read(0, 1000);
        Assert.Equal(300, all.Count);
        Assert.All(all, r => Assert.Equal(Payload.For(r.Sequence), r.Body));
        Assert.Equal(300, await reopened.AppendAsync(new byte[] { 1 }));
    }

    [Fact]
    public async Task A_batch_never_spans_two_segments()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, Small);
        for (int i = 0; i < 20; i++)
        {
            await log.AppendBatchAsync(Enumerable.Range(0, 7).Select(j => (ReadOnlyMemory<byte>)Payload.For(i * 7 + j)).ToArray());
        }
        Assert.All(log.Segments, s => Assert.Equal(0, s.BaseSequence % 7));
    }

    [Fact]
    public async Task Reading_from_any_sequence_finds_it_through_the_sparse_index()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, Small);
        for (int i = 0; i < 500; i++)
        {
            await log.AppendAsync(Payload.For(i, 37 + (i % 50)));
        }
        foreach (int from in new[] { 0, 1, 17, 63, 64, 199, 250, 498, 499 })
        {
            using ILogReader reader = log.OpenReader(from);
            Assert.True(reader.TryRead(out LogRecord record));
            Assert.Equal(from, record.Sequence);
            Assert.Equal(Payload.For(from, 37 + (from % 50)), record.Body.ToArray());
        }
        using ILogReader end = log.OpenReader(500);
        Assert.False(end.TryRead(out _));
    }

    [Fact]
    public async Task ReadMany_returns_each_requested_record_in_and_across_segments_and_null_for_missing_ones()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, Small);
        for (int i = 0; i < 500; i++)
        {
            await log.AppendAsync(Payload.For(i, 37 + (i % 50)));
        }
        long[] wanted = [3, 4, 5, 90, 91, 60, 2, 499, 250, 251, 1000, -1];
        IReadOnlyList<StoredRecord?> got = log.ReadMany(wanted);
        for (int i = 0; i < wanted.Length; i++)
        {
            if (wanted[i] is < 0 or >= 500)
            {
                Assert.Null(got[i]);
                continue;
            }
            Assert.Equal(wanted[i], got[i]!.Sequence);
            Assert.Equal(Payload.For(wanted[i], 37 + (int)(wanted[i] % 50)), got[i]!.Body);
        }
    }

    [Fact]
    public async Task A_reader_follows_the_log_as_it_grows()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Path, Small);
        using ILogReader reader = log.OpenReader(0);
        Assert.False(reader.TryRead(out _));
        for (int i = 0; i < 200; i++)
        {
            await log.AppendAsync(Payload.For(i));
            Assert.True(reader.TryRead(out LogRecord record));
            Assert.Equal(i, record.Sequence);
            Assert.False(reader.TryRead(out _));
        }
    }

    [Theory]
    [InlineData("always")]
    [InlineData("none")]
    [InlineData("interval:5")]
    public async Task Every_durability_policy_keeps_records_across_a_clean_close(string policy)
    {
        using var dir = new TempDirectory();
        var options = Small with { Durability = DurabilityPolicy.Parse(policy) };
        using (var log = Store.OpenLog(dir.Path, options))
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => log.AppendAsync(Payload.For(i))));
        }
        using var reopened = Store.OpenLog(dir.Path, options);
        Assert.Equal(100, reopened.NextSequence);
    }

    [Theory]
    [InlineData("always", DurabilityMode.Always, 0)]
    [InlineData("NONE", DurabilityMode.None, 0)]
    [InlineData("interval:250", DurabilityMode.Interval, 250)]
    public void Durability_policies_parse(string text, DurabilityMode mode, int ms)
    {
        DurabilityPolicy policy = DurabilityPolicy.Parse(text);
        Assert.Equal(mode, policy.Mode);
        Assert.Equal(TimeSpan.FromMilliseconds(ms), policy.Interval);
        Assert.Equal(policy, DurabilityPolicy.Parse(policy.ToString()));
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("interval:")]
    [InlineData("interval:0")]
    [InlineData("interval:-5")]
    [InlineData("interval:99999999")]
    public void Bad_durability_policies_are_refused_with_the_allowed_forms(string text)
    {
        var ex = Assert.Throws<FormatException>(() => DurabilityPolicy.Parse(text));
        Assert.Contains("interval:<ms>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_name_the_setting()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Store.OpenLog(dir.Path, new LogOptions { SegmentSize = 10 }));
        Assert.Equal("SegmentSize", ex.ParamName);
    }

    [Fact]
    public async Task Appending_after_dispose_is_refused()
    {
        using var dir = new TempDirectory();
        var log = Store.OpenLog(dir.Path);
        await log.AppendAsync(new byte[] { 1 });
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { _ = log.AppendAsync(new byte[] { 2 }); });
    }
}

public class DurabilityPolicyBehaviourTests
{
    [Fact]
    public async Task Policy_none_never_flushes_while_open()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { Durability = DurabilityPolicy.None });
        for (int i = 0; i < 50; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        Assert.Equal(0, log.FlushCount);
        Assert.Equal(50, log.WriteCount);
    }

    [Fact]
    public async Task Policy_always_flushes_before_acknowledging()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path);
        for (int i = 0; i < 5; i++)
        {
            await log.AppendAsync(Payload.For(i));
            Assert.Equal(i + 1, log.FlushCount);
        }
    }

    [Fact]
    public async Task Policy_interval_flushes_in_the_background_after_the_interval()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { Durability = DurabilityPolicy.Every(TimeSpan.FromMilliseconds(20)) });
        await log.AppendAsync(Payload.For(0));
        await log.AppendAsync(Payload.For(1)); // right after: not flushed by itself
        long deadline = Environment.TickCount64 + 5000;
        while (log.FlushCount < 1 && Environment.TickCount64 < deadline)
        {
            await Task.Delay(10);
        }
        Assert.True(log.FlushCount >= 1);
        Assert.True(log.FlushCount <= 2);
    }
}

public sealed class FilePartitionLogTests : PartitionLogTests
{
    protected override ILogStore Store => FileLogStore.Instance;
}

public sealed class MemoryPartitionLogTests : PartitionLogTests
{
    protected override ILogStore Store { get; } = new Memory.MemoryLogStore();
}
