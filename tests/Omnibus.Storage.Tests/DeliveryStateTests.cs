using Omnibus.Storage.State;

namespace Omnibus.Storage.Tests;

/// <summary>The log contract: every test here runs against the file store and the memory store.</summary>
public abstract class DeliveryStateTests
{
    protected abstract ILogStore Store { get; }

    /// <summary>Bytes of log records kept under a directory (for the memory store: in the whole store).</summary>
    protected abstract long BytesStored(string directory);

    [Fact]
    public async Task In_order_completions_advance_the_floor_and_keep_no_fragments()
    {
        using var dir = new TempDirectory();
        using var store = DeliveryStateStore.Open(dir.Path, store: Store);
        for (long s = 0; s < 100; s++)
        {
            await store.ApplyAsync(StateChange.Complete(s));
        }
        Assert.Equal(100, store.State.AckFloor);
        Assert.Equal(0, store.State.FragmentCount);
        Assert.Equal(100, store.State.CompletedCount);
    }

    [Fact]
    public async Task Out_of_order_settlements_are_ranges_until_the_gap_closes()
    {
        using var dir = new TempDirectory();
        using var store = DeliveryStateStore.Open(dir.Path, store: Store);
        await store.ApplyAsync([StateChange.Complete(5), StateChange.CompleteRange(7, 10), StateChange.DeadLetter(2)]);
        DeliveryState state = store.State;
        Assert.Equal(0, state.AckFloor);
        Assert.Equal(3, state.FragmentCount);
        Assert.True(state.IsSettled(2));
        Assert.False(state.IsSettled(3));
        Assert.Equal(0, state.NextUnsettled(0));
        Assert.Equal(3, state.NextUnsettled(2));
        Assert.Equal(6, state.NextUnsettled(5));
        Assert.Equal(10, state.NextUnsettled(7));
        await store.ApplyAsync([StateChange.CompleteRange(0, 2), StateChange.Complete(3), StateChange.Complete(4), StateChange.Complete(6)]);
        Assert.Equal(10, state.AckFloor);
        Assert.Equal(0, state.FragmentCount);
        Assert.Equal(1, state.DeadLetteredCount);
        Assert.Equal(9, state.CompletedCount);
    }

    [Fact]
    public async Task Deferred_messages_hold_the_floor_until_settled()
    {
        using var dir = new TempDirectory();
        using var store = DeliveryStateStore.Open(dir.Path, store: Store);
        await store.ApplyAsync([StateChange.Defer(1), StateChange.Complete(0), StateChange.Complete(2)]);
        Assert.Equal(1, store.State.AckFloor);
        Assert.True(store.State.IsDeferred(1));
        Assert.Equal(1, store.State.LowestNeeded);
        await store.ApplyAsync(StateChange.Complete(1));
        Assert.False(store.State.IsDeferred(1));
        Assert.Equal(3, store.State.AckFloor);
    }

    [Fact]
    public async Task Delivery_counts_rise_per_attempt_and_vanish_on_settlement()
    {
        using var dir = new TempDirectory();
        using var store = DeliveryStateStore.Open(dir.Path, store: Store);
        await store.ApplyAsync(StateChange.DeliveryAttempt(4));
        await store.ApplyAsync(StateChange.DeliveryAttempt(4));
        Assert.Equal(2, store.State.DeliveryCount(4));
        await store.ApplyAsync(StateChange.DeadLetter(4));
        Assert.Equal(0, store.State.DeliveryCount(4));
        await store.ApplyAsync(StateChange.DeliveryAttempt(4));
        Assert.Equal(0, store.State.DeliveryCount(4));
    }

    [Fact]
    public async Task Changes_that_alter_nothing_write_nothing()
    {
        using var dir = new TempDirectory();
        using var store = DeliveryStateStore.Open(dir.Path, store: Store);
        await store.ApplyAsync(StateChange.Complete(0));
        long size = BytesStored(dir.Path);
        await store.ApplyAsync(StateChange.Complete(0));
        await store.ApplyAsync(StateChange.SetCursor(0));
        Assert.Equal(size, BytesStored(dir.Path));
    }

    [Fact]
    public async Task State_survives_reopening_by_replay_and_by_checkpoint()
    {
        using var dir = new TempDirectory();
        var options = new DeliveryStateOptions { CheckpointEvery = 50, ChangeLogSegmentSize = 4096 };
        using (var store = DeliveryStateStore.Open(dir.Path, options, Store))
        {
            for (long s = 0; s < 500; s++)
            {
                StateChange change = (s % 10) switch
                {
                    3 => StateChange.Defer(s),
                    7 => StateChange.DeadLetter(s),
                    9 => StateChange.DeliveryAttempt(s),
                    _ => StateChange.Complete(s),
                };
                await store.ApplyAsync(change);
            }
            await store.ApplyAsync(StateChange.SetCursor(321));
        }
        // Old change-log segments were deleted after checkpoints.
        Assert.True(Store.Exists(Path.Combine(dir.Path, "checkpoint")));
        using var reopened = DeliveryStateStore.Open(dir.Path, options, Store);
        DeliveryState state = reopened.State;
        Assert.True(reopened.ReplayedRecords < 50, $"replayed {reopened.ReplayedRecords}");
        Assert.Equal(3, state.AckFloor);
        Assert.Equal(50, state.Deferred.Count);
        Assert.Equal(1, state.DeliveryCount(499));
        Assert.Equal(50, state.DeadLetteredCount);
        Assert.Equal(350, state.CompletedCount);
        Assert.Equal(321, state.Cursor);
        Assert.True(state.IsSettled(497));
        Assert.False(state.IsSettled(493));
    }

    [Fact]
    public async Task A_damaged_checkpoint_falls_back_to_the_previous_one_and_replays_more()
    {
        using var dir = new TempDirectory();
        var options = new DeliveryStateOptions { CheckpointEvery = 20, ChangeLogSegmentSize = 4096 };
        using (var store = DeliveryStateStore.Open(dir.Path, options, Store))
        {
            for (long s = 0; s < 300; s++)
            {
                await store.ApplyAsync(StateChange.Complete(s * 2));
            }
        }
        string checkpoint = Path.Combine(dir.Path, "checkpoint");
        byte[] bytes = Store.ReadDocument(checkpoint)!;
        bytes[^7] ^= 0xFF;
        Store.WriteDocument(checkpoint, bytes);
        using var reopened = DeliveryStateStore.Open(dir.Path, options, Store);
        Assert.Equal(300, reopened.State.CompletedCount);
        Assert.True(reopened.State.IsSettled(598));
        Assert.False(reopened.State.IsSettled(597));
    }

    [Fact]
    public async Task Unreadable_checkpoints_with_a_trimmed_change_log_are_reported_not_guessed()
    {
        using var dir = new TempDirectory();
        var options = new DeliveryStateOptions { CheckpointEvery = 20, ChangeLogSegmentSize = 4096 };
        using (var store = DeliveryStateStore.Open(dir.Path, options, Store))
        {
            for (long s = 0; s < 2000; s++)
            {
                await store.ApplyAsync(StateChange.Complete(s * 2));
            }
        }
        Store.WriteDocument(Path.Combine(dir.Path, "checkpoint"), []);
        Store.WriteDocument(Path.Combine(dir.Path, "checkpoint.prev"), []);
        var ex = Assert.Throws<StorageCorruptionException>(() => DeliveryStateStore.Open(dir.Path, options, Store));
        Assert.Contains("no usable checkpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_subscription_starts_at_its_initial_floor()
    {
        using var dir = new TempDirectory();
        using var store = DeliveryStateStore.Open(dir.Path, new DeliveryStateOptions { InitialFloor = 1000 }, Store);
        Assert.True(store.State.IsSettled(999));
        Assert.Equal(1000, store.State.NextUnsettled(0));
        await store.ApplyAsync(StateChange.Complete(1000));
        Assert.Equal(1001, store.State.AckFloor);
    }

    [Fact]
    public async Task Segments_consumed_by_every_subscription_are_deleted()
    {
        using var dir = new TempDirectory();
        using var log = Store.OpenLog(dir.Sub("log"), new LogOptions { SegmentSize = 8 * 1024 });
        for (int i = 0; i < 400; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
        using var fast = DeliveryStateStore.Open(dir.Sub("sub-fast"), store: Store);
        using var slow = DeliveryStateStore.Open(dir.Sub("sub-slow"), store: Store);
        using var stream = DeliveryStateStore.Open(dir.Sub("sub-stream"), store: Store);
        await fast.ApplyAsync(StateChange.CompleteRange(0, 400));
        await slow.ApplyAsync(StateChange.CompleteRange(0, 150));
        await stream.ApplyAsync(StateChange.SetCursor(390));
        int segmentsBefore = log.Segments.Count;
        int deleted = ConsumedSegments.Delete(log, [fast, slow, stream]);
        Assert.True(deleted > 0);
        Assert.True(log.FirstSequence <= 150);
        Assert.Equal(segmentsBefore - deleted, log.Segments.Count);
        Assert.Equal(Payload.For(150), log.ReadOne(150)!.Body);
        await slow.ApplyAsync(StateChange.CompleteRange(150, 400));
        ConsumedSegments.Delete(log, [fast, slow, stream]);
        Assert.Single(log.Segments);
    }
}

public sealed class FileDeliveryStateTests : DeliveryStateTests
{
    protected override ILogStore Store => FileLogStore.Instance;

    protected override long BytesStored(string directory) =>
        Directory.GetFiles(directory, "*.seg", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    [Fact]
    public async Task Lost_checkpoint_files_with_a_trimmed_change_log_are_reported_not_guessed()
    {
        using var dir = new TempDirectory();
        var options = new DeliveryStateOptions { CheckpointEvery = 20, ChangeLogSegmentSize = 4096 };
        using (var store = DeliveryStateStore.Open(dir.Path, options))
        {
            for (long s = 0; s < 2000; s++)
            {
                await store.ApplyAsync(StateChange.Complete(s * 2));
            }
        }
        File.Delete(Path.Combine(dir.Path, "checkpoint"));
        File.Delete(Path.Combine(dir.Path, "checkpoint.prev"));
        var ex = Assert.Throws<StorageCorruptionException>(() => DeliveryStateStore.Open(dir.Path, options));
        Assert.Contains("no usable checkpoint", ex.Message, StringComparison.Ordinal);
    }
}

public sealed class MemoryDeliveryStateTests : DeliveryStateTests
{
    private readonly Memory.MemoryLogStore _store = new();

    protected override ILogStore Store => _store;

    protected override long BytesStored(string directory) => _store.SizeInBytes;
}
