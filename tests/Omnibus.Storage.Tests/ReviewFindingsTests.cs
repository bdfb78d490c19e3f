using System.Buffers;
using System.Reflection;
using Omnibus.Storage.State;

namespace Omnibus.Storage.Tests;

/// <summary>
/// Tests written during the storage-engine review. Each one demonstrates a defect; they fail
/// against the code as reviewed and should pass once the defect is fixed.
/// </summary>
public class ReviewFindingsTests
{
    private static object Field(object target, string name) =>
        target.GetType().GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(target)!;

    private static void FlipByte(string path, long position, byte xor)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.Position = position;
        int b = f.ReadByte();
        f.Position = position;
        f.WriteByte((byte)(b ^ xor));
    }

    // F1. PartitionLog.Writer.cs: _dirty is set only after the whole batch is written, so a Roll in
    // the middle of a writer pass sees _dirty == false and seals the old segment without flushing
    // the bytes this very pass wrote to it. Under `always` those records are acknowledged without
    // ever being fdatasync'd (only the new active segment is flushed at the end of the pass).
    [Fact]
    public async Task ReviewFindings_F1_Roll_flushes_the_sealed_segment_bytes_written_in_the_same_pass()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentSize = 4096, IndexInterval = 512 });
        await log.AppendAsync(new byte[100]); // pass 1: write + flush, _dirty = false afterwards
        Assert.Equal(1, log.FlushCount);

        // Hold the append lock so that both appends land in one writer pass.
        object appendLock = Field(log, "_appendLock");
        Task<long> fits, rolls;
        Monitor.Enter(appendLock);
        try
        {
            fits = log.AppendAsync(new byte[100]);   // goes to segment 0 (32 + 128 + 128 bytes)
            rolls = log.AppendAsync(new byte[4000]); // 4028 more bytes would pass 4096: roll to segment 1
        }
        finally
        {
            Monitor.Exit(appendLock);
        }
        await Task.WhenAll(fits, rolls);
        Assert.Equal(2, log.Segments.Count);
        Assert.Equal(2, log.WriteCount); // both appends were written by one writer pass

        // Record 1 was written into segment 0 in this pass; sealing must flush it (docs: "Sealing
        // flushes the segment"), then segment 1 is flushed before acknowledging: two more flushes.
        Assert.Equal(3, log.FlushCount);
    }

    // F2. SegmentScanner.Scan / LogRecovery.OpenTail: a record whose *length field* is damaged so
    // that it appears to run past the end of the file is classified TornRecord, and the "search for
    // an intact record after the damage" is only done for BadRecord. A bit flip in the length of
    // record 10 of 50 therefore silently truncates 40 durable, acknowledged records.
    [Fact]
    public async Task ReviewFindings_F2_A_damaged_length_field_in_the_middle_of_the_tail_is_not_taken_for_a_torn_write()
    {
        using var dir = new TempDirectory();
        string tail;
        using (var log = PartitionLog.Open(dir.Path))
        {
            for (int i = 0; i < 50; i++)
            {
                await log.AppendAsync(Payload.For(i));
            }
            tail = log.Segments[^1].Path;
        }
        long length = new FileInfo(tail).Length;
        // Record 10 starts at 32 + 10 * 128; its u32 length is at +4..+7; flip the high byte: 100 -> 16,777,316.
        FlipByte(tail, 32 + (10 * 128) + 7, 0x01);

        PartitionLog? reopened = null;
        try
        {
            reopened = PartitionLog.Open(dir.Path);
        }
        catch (StorageCorruptionException)
        {
            // The documented behaviour for damage followed by intact records.
        }
        if (reopened is not null)
        {
            using (reopened)
            {
                Assert.Fail($"Recovery cut {reopened.Recovery.TruncatedBytes} bytes ({reopened.Recovery.Reason}); " +
                            $"the log now ends at {reopened.NextSequence} although records 11..49 are intact.");
            }
        }
        Assert.Equal(length, new FileInfo(tail).Length);
    }

    // F3. DeliveryStateStore.ApplyAsync applies the change to the in-memory state before the append
    // and never rolls it back. When the append fails (I/O error, disk full), a retry of the same
    // change "alters nothing", writes nothing and completes successfully, although nothing durable
    // records it; after a restart the change is gone.
    [Fact]
    public async Task ReviewFindings_F3_Retrying_a_change_whose_append_failed_does_not_report_success()
    {
        using var dir = new TempDirectory();
        var store = DeliveryStateStore.Open(dir.Path);
        await store.ApplyAsync(StateChange.Complete(0));

        // Simulate an I/O failure on the change log's next write.
        var changes = (PartitionLog)Field(store, "_changes");
        using (HandleLease file = ((Segment[])Field(changes, "_segments"))[^1].UseHandle())
        {
            file.Handle.Dispose();
        }

        bool firstFailed = false;
        try
        {
            await store.ApplyAsync(StateChange.Complete(5));
        }
        catch (LogFaultedException)
        {
            firstFailed = true;
        }
        Assert.True(firstFailed);

        bool retryFailed = false;
        try
        {
            await store.ApplyAsync(StateChange.Complete(5));
        }
        catch (LogFaultedException)
        {
            retryFailed = true;
        }
        bool settledInMemory = store.State.IsSettled(5);
        store.Dispose();
        bool settledAfterReopen;
        using (var reopened = DeliveryStateStore.Open(dir.Path))
        {
            settledAfterReopen = reopened.State.IsSettled(5);
        }
        Assert.True(retryFailed,
            $"The retry completed successfully (in memory IsSettled(5) = {settledInMemory}) but nothing was logged: after reopening IsSettled(5) = {settledAfterReopen}.");
    }

    // F4. DeliveryStateStore.CheckpointAsync waits for the covered change records to be *written*,
    // which under `interval`/`none` is not durable, then fsyncs a checkpoint that claims N records.
    // After a power loss the change log can end below N. On reopen nothing notices: _assignedNext is
    // the change log's NextSequence (< N), new changes get record numbers below N, and the next
    // reopen replays from N and silently skips them, even when they were appended with `always`.
    [Fact]
    public async Task ReviewFindings_F4_Changes_appended_after_a_checkpoint_that_outran_the_change_log_are_not_lost()
    {
        using var dir = new TempDirectory();
        var relaxed = new DeliveryStateOptions { Durability = DurabilityPolicy.None, CheckpointEvery = 1_000_000 };
        var first = DeliveryStateStore.Open(dir.Path, relaxed);
        for (int i = 0; i < 5; i++)
        {
            await first.ApplyAsync(StateChange.Complete(i)); // records 0..4, written to the OS only
        }
        await first.CheckpointAsync(); // checkpoint says 5 records, and is fsynced
        ((PartitionLog)Field(first, "_changes")).Dispose(); // the process dies here (no closing checkpoint)

        // Power loss: the unsynced tail of the change log (records 3 and 4, 30 bytes each) is gone.
        string changeSegment = Path.Combine(dir.Path, "changes", $"{0:D20}.seg");
        using (var f = new FileStream(changeSegment, FileMode.Open))
        {
            f.SetLength(32 + (3 * 30));
        }

        // Restart with `always`: a completion is acknowledged as durable, then the process is killed.
        var second = DeliveryStateStore.Open(dir.Path);
        Assert.Equal(5, second.State.AckFloor);
        await second.ApplyAsync(StateChange.Complete(7));
        Assert.True(second.State.IsSettled(7));
        ((PartitionLog)Field(second, "_changes")).Dispose(); // SIGKILL: no closing checkpoint

        using var third = DeliveryStateStore.Open(dir.Path);
        Assert.True(third.State.IsSettled(7), "The durable completion of 7 (change record 3) was skipped by replay from the checkpoint's record 5.");
    }

    // F5. LogMarker.Create writes omnibus.log.tmp then renames it. A crash between the two leaves a
    // directory holding only omnibus.log.tmp, which PrepareDirectory then refuses forever as "not
    // an Omnibus log" (it holds a foreign entry and no marker).
    [Fact]
    public void ReviewFindings_F5_A_crash_while_creating_the_marker_does_not_make_the_log_unopenable()
    {
        using var dir = new TempDirectory();
        string logDir = dir.Sub("log");
        Directory.CreateDirectory(logDir);
        File.WriteAllBytes(Path.Combine(logDir, "omnibus.log.tmp"), []); // what the crash leaves behind
        using var log = PartitionLog.Open(logDir);
        Assert.Equal(0, log.NextSequence);
    }

    // F6. Nothing stops two PartitionLog instances (two broker processes, or a restart racing the old
    // process) from opening the same directory: the tail is opened with FileShare.Read, which on
    // Linux takes no lock. Both writers assign sequence 0 and write at the same file position, so
    // acknowledged records overwrite each other.
    [Fact]
    public async Task ReviewFindings_F6_A_log_directory_cannot_be_opened_twice()
    {
        using var dir = new TempDirectory();
        using var a = PartitionLog.Open(dir.Path);
        PartitionLog? b = null;
        try
        {
            b = PartitionLog.Open(dir.Path);
        }
        catch (IOException)
        {
            return; // refused (StorageFormatException is an IOException too): correct
        }
        using (b)
        {
            long seqA = await a.AppendAsync(new byte[] { 0xAA, 0xAA });
            long seqB = await b.AppendAsync(new byte[] { 0xBB, 0xBB });
            byte[] readByA = a.ReadOne(0)!.Body;
            Assert.Fail($"Opened twice: both appends got sequence {seqA}/{seqB}; log A now reads {Convert.ToHexString(readByA)} at 0 instead of AAAA.");
        }
    }

    // F7. PartitionLog.AppendBatchAsync serialises a batch into the shared pending buffer record by
    // record under the append lock, but only advances _nextAssigned and adds the waiter at the end.
    // If serialising record i > 0 throws (a body whose Span throws, or an overflow/OOM on a huge
    // batch), records 0..i-1 stay in the pending buffer with sequence numbers that the next append
    // gets again: the writer writes both, readers return the orphan for the acknowledged sequence,
    // and recovery then cuts the acknowledged record as a "damaged record at the end of the log".
    [Fact]
    public async Task ReviewFindings_F7_A_batch_that_fails_while_serialising_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path))
        {
            await log.AppendAsync(Payload.For(0));
            using var bad = new ThrowingMemoryManager(100);
            bool threw = false;
            try
            {
                _ = log.AppendBatchAsync([Payload.For(100), bad.Create()]);
            }
            catch (ObjectDisposedException)
            {
                threw = true;
            }
            Assert.True(threw);
            long acknowledged = await log.AppendAsync(Payload.For(1));
            Assert.Equal(1, acknowledged);
            Assert.Equal(Payload.For(1), log.ReadOne(1)!.Body); // fails: returns the orphan Payload.For(100)
        }
        using var reopened = PartitionLog.Open(dir.Path);
        Assert.Equal(2, reopened.NextSequence); // the acknowledged record 1 must survive
    }

    // F8. LogReader hops from the sparse-index entry to the wanted record using the *unverified*
    // length of every record in between. docs/storage.md: "A damaged record in a sealed segment is
    // reported when read ... never skipped; records after it stay readable by sequence number."
    // With damage in a record's length field, the intact records after it and before the next index
    // entry are unreadable (the reader throws at the damaged record's position instead).
    [Fact]
    public async Task ReviewFindings_F8_Records_after_a_damaged_length_field_in_a_sealed_segment_stay_readable()
    {
        using var dir = new TempDirectory();
        var small = new LogOptions { SegmentSize = 8 * 1024, IndexInterval = 512 };
        using (var log = PartitionLog.Open(dir.Path, small))
        {
            for (int i = 0; i < 300; i++)
            {
                await log.AppendAsync(Payload.For(i));
            }
        }
        string first = Path.Combine(dir.Path, $"{0:D20}.seg");
        FlipByte(first, 32 + (5 * 128) + 7, 0x01); // record 5's length: 100 -> 16,777,316
        using var reopened = PartitionLog.Open(dir.Path, small);
        Assert.Throws<StorageCorruptionException>(() => reopened.ReadOne(5)); // correct: reported
        Assert.Equal(Payload.For(6), reopened.ReadOne(6)!.Body);              // fails: throws at record 5
    }

    // F9. DeliveryStateStore.ApplyAsync: a change that "alters nothing" returns Task.CompletedTask at
    // once, even when the change it duplicates was applied in memory by an earlier call whose record
    // is still on its way to disk. The second caller is told the change is durable before it is; a
    // crash at that moment loses a settlement both callers saw acknowledged as durable.
    [Fact]
    public async Task ReviewFindings_F9_A_duplicate_change_does_not_complete_before_the_original_is_durable()
    {
        using var dir = new TempDirectory();
        using var store = DeliveryStateStore.Open(dir.Path);
        var changes = (PartitionLog)Field(store, "_changes");
        object appendLock = Field(changes, "_appendLock");
        Task original = Task.CompletedTask, duplicate = Task.CompletedTask;
        bool originalDoneEarly, duplicateDoneEarly;
        Monitor.Enter(appendLock); // keeps the change log's writer from taking the pending record
        try
        {
            original = store.ApplyAsync(StateChange.Complete(5));
            duplicate = store.ApplyAsync(StateChange.Complete(5)); // e.g. a client retrying its settle
            originalDoneEarly = original.IsCompleted;
            duplicateDoneEarly = duplicate.IsCompleted;
        }
        finally
        {
            Monitor.Exit(appendLock);
        }
        await Task.WhenAll(original, duplicate);
        Assert.False(originalDoneEarly);
        Assert.False(duplicateDoneEarly, "The duplicate completed while the record that settles 5 was not even written.");
    }

    // F10. DeliveryStateOptions.InitialFloor is not persisted: until the first checkpoint (10,000
    // records by default, or a clean close) the store keeps no record of the floor it was created
    // with. After a crash it is re-created from whatever InitialFloor the caller passes on reopen
    // (e.g. the topic's end *now*), so messages that arrived since the subscription was created
    // are silently treated as settled (or, with a lower value, everything below becomes unsettled).
    [Fact]
    public async Task ReviewFindings_F10_A_subscriptions_initial_floor_survives_a_crash_before_its_first_checkpoint()
    {
        using var dir = new TempDirectory();
        var created = DeliveryStateStore.Open(dir.Path, new DeliveryStateOptions { InitialFloor = 100 });
        await created.ApplyAsync(StateChange.Complete(150)); // durable (always)
        ((PartitionLog)Field(created, "_changes")).Dispose(); // SIGKILL before any checkpoint

        // The core reopens its subscriptions; for a subscription created on a live topic it passes the topic's end.
        using var reopened = DeliveryStateStore.Open(dir.Path, new DeliveryStateOptions { InitialFloor = 200 });
        Assert.False(reopened.State.IsSettled(120), $"Message 120 arrived after the subscription was created and was never settled, but the floor is now {reopened.State.AckFloor}.");
    }

    [Fact]
    public void ReviewFindings_Checked_DeliveryState_matches_a_naive_model_and_its_checkpoint_round_trips()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var state = new DeliveryState(random.Next(0, 5));
            var settled = new HashSet<long>();
            for (long i = 0; i < state.AckFloor; i++) settled.Add(i);
            var deferred = new HashSet<long>();
            var counts = new Dictionary<long, int>();
            long completed = 0, dead = 0;
            for (int op = 0; op < 200; op++)
            {
                long s = random.Next(0, 60);
                int kind = random.Next(1, 6);
                StateChange c = kind switch
                {
                    1 => StateChange.Complete(s),
                    2 => StateChange.CompleteRange(s, s + random.Next(-2, 10)),
                    3 => StateChange.DeadLetter(s),
                    4 => StateChange.Defer(s),
                    _ => StateChange.DeliveryAttempt(s),
                };
                bool expectChange;
                switch (kind)
                {
                    case 1: case 3:
                        expectChange = settled.Add(s);
                        if (expectChange) { if (kind == 1) completed++; else dead++; deferred.Remove(s); counts.Remove(s); }
                        break;
                    case 2:
                        expectChange = false;
                        for (long x = s; x < c.EndSequence; x++) if (settled.Add(x)) { expectChange = true; completed++; deferred.Remove(x); counts.Remove(x); }
                        break;
                    case 4:
                        expectChange = !settled.Contains(s) && deferred.Add(s);
                        break;
                    default:
                        expectChange = !settled.Contains(s);
                        if (expectChange) counts[s] = counts.GetValueOrDefault(s) + 1;
                        break;
                }
                Assert.Equal(expectChange, state.Apply(c));
                long floor = 0; while (settled.Contains(floor)) floor++;
                Assert.Equal(floor, state.AckFloor);
            }
            for (long x = 0; x < 80; x++)
            {
                Assert.Equal(settled.Contains(x), state.IsSettled(x));
                Assert.Equal(deferred.Contains(x), state.IsDeferred(x));
                Assert.Equal(counts.GetValueOrDefault(x), state.DeliveryCount(x));
            }
            Assert.Equal(completed, state.CompletedCount);
            Assert.Equal(dead, state.DeadLetteredCount);
            var (copy, next) = StateCodec.DecodeCheckpoint(StateCodec.EncodeCheckpoint(state, 42), "x")!.Value;
            Assert.Equal(42, next);
            for (long x = 0; x < 80; x++)
            {
                Assert.Equal(state.IsSettled(x), copy.IsSettled(x));
                Assert.Equal(state.IsDeferred(x), copy.IsDeferred(x));
                Assert.Equal(state.DeliveryCount(x), copy.DeliveryCount(x));
                Assert.Equal(state.NextUnsettled(x), copy.NextUnsettled(x));
            }
            Assert.Equal(state.AckFloor, copy.AckFloor);
            Assert.Equal(state.FragmentCount, copy.FragmentCount);
        }
    }

    [Fact]
    public async Task ReviewFindings_Checked_Concurrent_appenders_readers_and_deletion_stay_consistent()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentSize = 4096, IndexInterval = 512, Durability = DurabilityPolicy.None });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var appenders = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var rnd = new Random(w);
            while (!cts.IsCancellationRequested)
            {
                if (rnd.Next(4) == 0)
                {
                    int n = rnd.Next(1, 4);
                    var bodies = new ReadOnlyMemory<byte>[n];
                    for (int i = 0; i < n; i++) bodies[i] = new byte[rnd.Next(0, 1500)];
                    await log.AppendBatchAsync(bodies);
                }
                else
                {
                    await log.AppendAsync(new byte[rnd.Next(0, 3000)]);
                }
            }
        })).ToArray();
        long errors = 0;
        string? firstError = null;
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var rnd = new Random(100 + r);
            while (!cts.IsCancellationRequested)
            {
                long from = Math.Max(log.FirstSequence, log.NextSequence - rnd.Next(0, 200));
                try
                {
                    using LogReader reader = log.OpenReader(from);
                    long expect = from;
                    int n = 0;
                    while (n++ < 500 && reader.TryRead(out LogRecord rec))
                    {
                        if (rec.Sequence != expect++) throw new InvalidOperationException($"seq {rec.Sequence} expected {expect - 1}");
                    }
                }
                catch (ArgumentOutOfRangeException)
                {
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= ex.ToString();
                }
            }
        })).ToArray();
        var deleter = Task.Run(() =>
        {
            while (!cts.IsCancellationRequested)
            {
                log.DeleteSegmentsBefore(log.NextSequence - 50);
                Thread.Sleep(1);
            }
        });
        await Task.WhenAll(appenders.Concat(readers).Append(deleter));
        Assert.True(errors == 0, firstError);
    }

    private sealed class ThrowingMemoryManager(int length) : MemoryManager<byte>
    {
        public ReadOnlyMemory<byte> Create() => CreateMemory(length);

        public override Span<byte> GetSpan() => throw new ObjectDisposedException("body", "The body's buffer was returned.");

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
