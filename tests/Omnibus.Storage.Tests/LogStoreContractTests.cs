using System.Text;
using Omnibus.Storage.Memory;
using Omnibus.Storage.State;

namespace Omnibus.Storage.Tests;

/// <summary>What every <see cref="ILogStore"/> promises: appends at given offsets, reopening, documents, directories.</summary>
public abstract class LogStoreContractTests
{
    protected abstract ILogStore Store { get; }

    private static LogOptions Small => new() { SegmentSize = 8 * 1024, IndexInterval = 512 };

    [Fact]
    public async Task Records_appended_at_the_end_keep_the_sequences_and_times_they_were_given()
    {
        using var dir = new TempDirectory();
        using IPartitionLog log = Store.OpenLog(dir.Path, Small);
        await log.AppendAsync(Payload.For(0));
        long leaderTime = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds(); // a leader's clock, ahead of ours
        LogRecord[] copied = [.. Enumerable.Range(1, 3).Select(i => new LogRecord(i, leaderTime + i, Payload.For(i)))];

        Assert.Equal(1, await log.AppendAtAsync(copied));

        IReadOnlyList<StoredRecord> all = log.Read(0, 10);
        Assert.Equal([0L, 1, 2, 3], all.Select(r => r.Sequence));
        Assert.Equal([leaderTime + 1, leaderTime + 2, leaderTime + 3], all.Skip(1).Select(r => r.TimestampMs));
        Assert.All(all, r => Assert.Equal(Payload.For(r.Sequence), r.Body));
        Assert.Equal(2, log.FindSequenceAtOrAfterTime(leaderTime + 2));
    }

    [Fact]
    public async Task Records_appended_at_the_wrong_offset_are_refused_with_the_expected_one_and_nothing_lands()
    {
        using var dir = new TempDirectory();
        using IPartitionLog log = Store.OpenLog(dir.Path, Small);
        await log.AppendBatchAsync([Payload.For(0), Payload.For(1)]);

        var behind = await Assert.ThrowsAsync<LogOffsetMismatchException>(() => log.AppendAtAsync([new LogRecord(1, 0, Payload.For(1))]));
        var ahead = await Assert.ThrowsAsync<LogOffsetMismatchException>(() => log.AppendAtAsync([new LogRecord(5, 0, Payload.For(5))]));
        await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAtAsync([new LogRecord(2, 0, Payload.For(2)), new LogRecord(4, 0, Payload.For(4))]));

        Assert.Equal(2, behind.ExpectedSequence);
        Assert.Equal(2, ahead.ExpectedSequence);
        Assert.Equal(2, log.NextSequence);
        Assert.Equal(2, await log.AppendAtAsync([new LogRecord(2, 7, Payload.For(2))]));
    }

    [Fact]
    public async Task A_follower_copy_made_with_append_at_reads_the_same_as_its_leader()
    {
        using var dir = new TempDirectory();
        using IPartitionLog leader = Store.OpenLog(dir.Sub("leader"), Small);
        using IPartitionLog follower = Store.OpenLog(dir.Sub("follower"), Small);
        for (int i = 0; i < 300; i++)
        {
            await leader.AppendAsync(Payload.For(i));
        }
        using (ILogReader reader = leader.OpenReader(0))
        {
            var batch = new List<LogRecord>();
            while (reader.TryRead(out LogRecord record))
            {
                batch.Add(record with { Body = record.Body.ToArray() });
                if (batch.Count == 7)
                {
                    await follower.AppendAtAsync(batch);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                await follower.AppendAtAsync(batch);
            }
        }
        Assert.Equal(leader.Read(0, 1000), follower.Read(0, 1000), (a, b) => a.Sequence == b.Sequence && a.TimestampMs == b.TimestampMs && a.Body.AsSpan().SequenceEqual(b.Body));
    }

    [Fact]
    public async Task A_log_closed_and_opened_again_on_the_same_store_has_its_records()
    {
        using var dir = new TempDirectory();
        using (IPartitionLog log = Store.OpenLog(dir.Path, Small))
        {
            await log.AppendBatchAsync([.. Enumerable.Range(0, 50).Select(i => (ReadOnlyMemory<byte>)Payload.For(i))]);
        }
        using IPartitionLog reopened = Store.OpenLog(dir.Path, Small);
        Assert.Equal(50, reopened.NextSequence);
        Assert.Equal(Payload.For(49), reopened.ReadOne(49)!.Body);
        Assert.Equal(50, await reopened.AppendAsync(Payload.For(50)));
    }

    [Fact]
    public void A_log_already_open_cannot_be_opened_twice()
    {
        using var dir = new TempDirectory();
        using IPartitionLog log = Store.OpenLog(dir.Sub("log"));
        Assert.Throws<StorageException>(() => Store.OpenLog(dir.Sub("log")));
    }

    [Fact]
    public void A_document_is_replaced_whole_and_the_previous_one_can_be_kept()
    {
        using var dir = new TempDirectory();
        string path = dir.Sub("catalog.json");
        Assert.Null(Store.ReadDocument(path));
        Assert.False(Store.Exists(path));

        Store.WriteDocument(path, "one"u8);
        Store.WriteDocument(path, "two"u8, keepPreviousAs: dir.Sub("catalog.prev"));

        Assert.Equal("two", Encoding.UTF8.GetString(Store.ReadDocument(path)!));
        Assert.Equal("one", Encoding.UTF8.GetString(Store.ReadDocument(dir.Sub("catalog.prev"))!));
        Assert.True(Store.Exists(path));
    }

    [Fact]
    public async Task Deleting_a_directory_removes_its_logs_and_documents_and_nothing_beside_it()
    {
        using var dir = new TempDirectory();
        using (IPartitionLog doomed = Store.OpenLog(dir.Sub("queues/a/p0")))
        {
            await doomed.AppendAsync(Payload.For(0));
        }
        Store.WriteDocument(Path.Combine(dir.Sub("queues/a"), "state"), "x"u8);
        using (IPartitionLog kept = Store.OpenLog(dir.Sub("queues/ab/p0")))
        {
            await kept.AppendAsync(Payload.For(0));
        }
        Assert.True(Store.Exists(dir.Sub("queues/a")));

        Store.DeleteDirectory(dir.Sub("queues/a"));

        Assert.False(Store.Exists(dir.Sub("queues/a")));
        Assert.Null(Store.ReadDocument(Path.Combine(dir.Sub("queues/a"), "state")));
        using IPartitionLog recreated = Store.OpenLog(dir.Sub("queues/a/p0"));
        Assert.Equal(0, recreated.NextSequence);
        using IPartitionLog neighbour = Store.OpenLog(dir.Sub("queues/ab/p0"));
        Assert.Equal(1, neighbour.NextSequence);
    }

    [Fact]
    public void A_directory_held_by_one_owner_is_refused_to_a_second_until_released()
    {
        using var dir = new TempDirectory();
        IDisposable held = Store.Lock(dir.Sub("data"));
        Assert.Throws<StorageException>(() => Store.Lock(dir.Sub("data")));
        held.Dispose();
        Store.Lock(dir.Sub("data")).Dispose();
    }
}

public sealed class FileLogStoreContractTests : LogStoreContractTests
{
    protected override ILogStore Store => FileLogStore.Instance;
}

public sealed class MemoryLogStoreContractTests : LogStoreContractTests
{
    protected override ILogStore Store { get; } = new MemoryLogStore();

    [Fact]
    public async Task A_memory_store_writes_nothing_to_the_file_system()
    {
        using var dir = new TempDirectory();
        using (IPartitionLog log = Store.OpenLog(dir.Sub("log")))
        {
            await log.AppendAsync(Payload.For(0));
        }
        Store.WriteDocument(dir.Sub("doc"), "x"u8);
        DeliveryStateStore.Open(dir.Sub("state"), store: Store).Dispose();
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task Another_memory_store_is_empty()
    {
        using var dir = new TempDirectory();
        using (IPartitionLog log = Store.OpenLog(dir.Sub("log")))
        {
            await log.AppendAsync(Payload.For(0));
        }
        using IPartitionLog elsewhere = new MemoryLogStore().OpenLog(dir.Sub("log"));
        Assert.Equal(0, elsewhere.NextSequence);
    }
}
