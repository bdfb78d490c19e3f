namespace Omnibus.Storage.Tests;

/// <summary>
/// Durable appends to different logs of one writer pool share flushes (commit windows of the
/// pool's shared flusher); a failed window faults every log in it; closing a log whose batch waits
/// for a window completes or faults it, never hangs.
/// </summary>
public class SharedFlushTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Many_logs_appending_at_once_share_flushes_instead_of_one_per_log_and_pass()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        const int logCount = 40, appendersPerLog = 4, rounds = 20;
        using var dir = new TempDirectory();
        long shared = await FlushesFor(dir.Sub("shared"), sharedFlush: true);
        long own = await FlushesFor(dir.Sub("own"), sharedFlush: false);

        // Without sharing every log needs at least one flush per round of its appenders.
        Assert.True(own >= logCount * rounds, $"logs flushing themselves made only {own} flushes");
        Assert.True(shared < logCount * rounds / 4, $"shared flushes: {shared} for {logCount} logs x {rounds} rounds (own flushes: {own})");

        static async Task<long> FlushesFor(string root, bool sharedFlush)
        {
            using var pool = new LogWriterPool(4, sharedFlush);
            var options = new LogOptions { WriterPool = pool, PreallocateSegments = false };
            PartitionLog[] logs = Enumerable.Range(0, logCount).Select(i => PartitionLog.Open(Path.Combine(root, $"log{i}"), options)).ToArray();
            try
            {
                await Task.WhenAll(logs.SelectMany(log => Enumerable.Range(0, appendersPerLog).Select(_ => Task.Run(async () =>
                {
                    for (int r = 0; r < rounds; r++)
                    {
                        await log.AppendAsync(Payload.For(r));
                    }
                })))).WaitAsync(Patience);
                foreach (PartitionLog log in logs)
                {
                    Assert.Equal(appendersPerLog * rounds, log.NextSequence);
                }
                return pool.FlushCount;
            }
            finally
            {
                foreach (PartitionLog log in logs)
                {
                    log.Dispose();
                }
            }
        }
    }

    [SkippableFact]
    public async Task Records_of_a_batch_waiting_for_its_window_are_neither_visible_nor_acknowledged_until_it_ends()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { WriterPool = pool });
        using var gate = new WindowGate(); // released before the log closes, even if an assertion fails
        pool.Flusher.FaultInjection = gate.Hold;

        Task<long> append = log.AppendAsync(Payload.For(0));
        await WaitUntil(() => pool.SharedFlushWindows == 1);
        await Task.Delay(50);
        Assert.False(append.IsCompleted);
        Assert.Equal(0, log.NextSequence);
        Assert.Null(log.ReadOne(0));

        gate.Release();
        Assert.Equal(0, await append.WaitAsync(Patience));
        Assert.Equal(Payload.For(0), log.ReadOne(0)!.Body);
    }

    [SkippableFact]
    public async Task A_failed_window_faults_every_log_in_it_and_leaves_logs_outside_it_writable()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        pool.Flusher.InlineWindows = false; // every window on the flusher thread, so a held one blocks no writer
        var options = new LogOptions { WriterPool = pool };
        using var bystander = PartitionLog.Open(dir.Sub("bystander"), options);
        PartitionLog[] logs = Enumerable.Range(0, 10).Select(i => PartitionLog.Open(dir.Sub($"log{i}"), options)).ToArray();
        try
        {
            // The bystander's window is held until the ten logs have all registered for the next one, which fails.
            using var gate = new WindowGate();
            int windows = 0;
            pool.Flusher.FaultInjection = () => Interlocked.Increment(ref windows) == 1 ? gate.Hold() : new IOException("injected write-back failure", 5);
            Task<long> bystanderAppend = bystander.AppendAsync(Payload.For(0));
            await WaitUntil(() => pool.SharedFlushWindows == 1);
            Task<long>[] appends = logs.Select(log => log.AppendAsync(Payload.For(1))).ToArray();
            await WaitUntil(() => pool.Flusher.RegisteredCount == logs.Length);
            gate.Release();

            Assert.Equal(0, await bystanderAppend.WaitAsync(Patience));
            foreach (Task<long> append in appends)
            {
                LogFaultedException fault = await Assert.ThrowsAsync<LogFaultedException>(() => append.WaitAsync(Patience));
                Assert.Contains("injected write-back failure", fault.Message);
            }
            foreach (PartitionLog log in logs)
            {
                Assert.Throws<LogFaultedException>(() => { _ = log.AppendAsync(Payload.For(2)); }); // refused at once
                Assert.Equal(0, log.NextSequence);
            }
            pool.Flusher.FaultInjection = null;
            Assert.Equal(1, await bystander.AppendAsync(Payload.For(1)).WaitAsync(Patience));
        }
        finally
        {
            foreach (PartitionLog log in logs)
            {
                log.Dispose();
            }
        }
        // Reopening recovers a log (the unacknowledged record may or may not have reached the disk) and it takes appends again.
        using var reopened = PartitionLog.Open(dir.Sub("log0"), options);
        long next = reopened.NextSequence;
        Assert.Equal(next, await reopened.AppendAsync(Payload.For(3)).WaitAsync(Patience));
    }

    [SkippableFact]
    public async Task A_batch_written_before_a_window_of_its_file_system_failed_fails_even_if_its_own_window_succeeds()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        pool.Flusher.InlineWindows = false;
        var options = new LogOptions { WriterPool = pool };
        using var first = PartitionLog.Open(dir.Sub("first"), options);
        using var second = PartitionLog.Open(dir.Sub("second"), options);
        Task<long> late;
        Task<long> early;
        using (var gate = new WindowGate())
        {
            // The first window fails after the second log's batch was written: a write-back error
            // reported to that window may have been about the second log's pages.
            int windows = 0;
            pool.Flusher.FaultInjection = () => Interlocked.Increment(ref windows) == 1
                ? gate.Hold() ?? new IOException("injected write-back failure", 5)
                : null;
            early = first.AppendAsync(Payload.For(0));
            await WaitUntil(() => pool.SharedFlushWindows == 1);
            late = second.AppendAsync(Payload.For(0));
            await WaitUntil(() => pool.Flusher.RegisteredCount == 1);
        }

        await Assert.ThrowsAsync<LogFaultedException>(() => early.WaitAsync(Patience));
        await Assert.ThrowsAsync<LogFaultedException>(() => late.WaitAsync(Patience));
        Assert.Equal(2, pool.SharedFlushWindows);

        // A batch written after the failure is not affected by it.
        pool.Flusher.FaultInjection = null;
        using var third = PartitionLog.Open(dir.Sub("third"), options);
        Assert.Equal(0, await third.AppendAsync(Payload.For(0)).WaitAsync(Patience));
    }

    [SkippableFact]
    public async Task A_window_that_finds_the_disk_full_faults_its_logs_saying_the_disk_is_full()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        pool.Flusher.FaultInjection = () => new IOException("No space left on device", 28);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { WriterPool = pool });

        LogFaultedException fault = await Assert.ThrowsAsync<LogFaultedException>(() => log.AppendAsync(Payload.For(0)).WaitAsync(Patience));

        Assert.Contains("disk is full", fault.Message);
        Assert.IsType<StorageFullException>(fault.InnerException);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Closing_logs_whose_batches_wait_for_a_window_completes_or_faults_them_and_returns(bool windowFails)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        pool.Flusher.InlineWindows = false; // every window on the flusher thread, so a held one blocks no writer
        var options = new LogOptions { WriterPool = pool };
        using var bystander = PartitionLog.Open(dir.Sub("bystander"), options);
        PartitionLog[] logs = Enumerable.Range(0, 6).Select(i => PartitionLog.Open(dir.Sub($"log{i}"), options)).ToArray();
        Task[] closes;
        Task<long>[] appends;
        using (var gate = new WindowGate())
        {
            // The bystander's window is held; the six logs' batches are written and wait for the next one.
            int windows = 0;
            pool.Flusher.FaultInjection = () => Interlocked.Increment(ref windows) == 1
                ? gate.Hold()
                : windowFails ? new IOException("injected write-back failure", 5) : null;
            Task<long> bystanderAppend = bystander.AppendAsync(Payload.For(0));
            await WaitUntil(() => pool.SharedFlushWindows == 1);
            appends = logs.Select(log => log.AppendAsync(Payload.For(0))).ToArray();
            await WaitUntil(() => pool.Flusher.RegisteredCount == logs.Length);
            closes = logs.Select(log => Task.Run(log.Dispose)).ToArray();
            await Task.Delay(50);
            Assert.DoesNotContain(closes, c => c.IsCompleted);
        }
        await Task.WhenAll(closes).WaitAsync(Patience);
        pool.Flusher.FaultInjection = null;

        for (int i = 0; i < logs.Length; i++)
        {
            using var reopened = PartitionLog.Open(dir.Sub($"log{i}"), options);
            if (windowFails)
            {
                await Assert.ThrowsAsync<LogFaultedException>(() => appends[i].WaitAsync(Patience));
            }
            else
            {
                Assert.Equal(0, await appends[i].WaitAsync(Patience));
                Assert.Equal(Payload.For(0), reopened.ReadOne(0)!.Body);
            }
        }
    }

    [SkippableFact]
    public async Task A_log_written_alone_flushes_its_file_in_its_own_pass_once_per_batch()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { WriterPool = pool });

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i, await log.AppendAsync(Payload.For(i)));
        }

        // Nothing else is dirty, so each window is this log's batch, flushed inline with one fdatasync.
        Assert.Equal(20, pool.SharedFlushWindows);
        Assert.Equal(20, pool.FlushCount);
        Assert.Equal(20, log.FlushCount);
    }

    [Fact]
    public async Task A_pool_that_does_not_share_flushes_runs_no_windows()
    {
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2, sharedFlush: false);
        var options = new LogOptions { WriterPool = pool };
        using var a = PartitionLog.Open(dir.Sub("a"), options);
        using var b = PartitionLog.Open(dir.Sub("b"), options);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? a : b).AppendAsync(Payload.For(i))));

        Assert.Equal(0, pool.SharedFlushWindows);
        Assert.True(pool.FlushCount >= 2);
    }

    [SkippableFact]
    public async Task A_log_opened_without_shared_flush_flushes_its_own_file_on_a_sharing_pool()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "shared flushes need syncfs");
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { WriterPool = pool, SharedFlush = false });

        await log.AppendAsync(Payload.For(0));

        Assert.Equal(0, pool.SharedFlushWindows);
        Assert.Equal(1, log.FlushCount);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "timed out waiting");
            await Task.Delay(5);
        }
    }

    /// <summary>Holds windows until released; disposing releases it, so a failed assertion never leaves a flush blocked.</summary>
    private sealed class WindowGate : IDisposable
    {
        private readonly ManualResetEventSlim _released = new();

        public Exception? Hold()
        {
            _released.Wait();
            return null;
        }

        public void Release() => _released.Set();

        public void Dispose() => _released.Set(); // not disposed: a held flush may still be waking up
    }
}
