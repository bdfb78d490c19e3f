using System.Diagnostics;

namespace Omnibus.Storage.Tests;

public class WriterPoolTests
{
    [Fact]
    public async Task Two_thousand_logs_share_a_fixed_set_of_writer_threads()
    {
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(4);
        var options = new LogOptions { WriterPool = pool, PreallocateSegments = false };
        int threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var logs = new List<PartitionLog>();
        try
        {
            for (int i = 0; i < 2000; i++)
            {
                logs.Add(PartitionLog.Open(dir.Sub($"log{i}"), options));
            }
            await Task.WhenAll(logs.Select((log, i) => log.AppendAsync(Payload.For(i))));
            int threadsAfter = Process.GetCurrentProcess().Threads.Count;

            Assert.True(threadsAfter - threadsBefore < 40, $"threads grew from {threadsBefore} to {threadsAfter}");
            for (int i = 0; i < logs.Count; i++)
            {
                Assert.Equal(Payload.For(i), logs[i].ReadOne(0)!.Body);
            }
        }
        finally
        {
            foreach (PartitionLog log in logs)
            {
                log.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_durable_append_completes_only_after_its_log_was_flushed()
    {
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(1);
        using var log = PartitionLog.Open(dir.Path, new LogOptions { WriterPool = pool });

        await log.AppendAsync(Payload.For(1));

        Assert.True(log.FlushCount >= 1);
        Assert.True(pool.FlushCount >= 1);
    }

    [Fact]
    public async Task Logs_on_one_writer_thread_all_make_progress_under_load()
    {
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(1);
        var options = new LogOptions { WriterPool = pool, Durability = DurabilityPolicy.None };
        using var busy = PartitionLog.Open(dir.Sub("busy"), options);
        using var quiet = PartitionLog.Open(dir.Sub("quiet"), options);
        using var stop = new CancellationTokenSource();
        Task flood = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await busy.AppendAsync(Payload.For(0));
            }
        });

        for (int i = 0; i < 50; i++)
        {
            await quiet.AppendAsync(Payload.For(i)).WaitAsync(TimeSpan.FromSeconds(10));
        }
        stop.Cancel();
        await flood;

        Assert.Equal(50, quiet.NextSequence);
    }

    [Fact]
    public async Task A_log_closed_with_pending_appends_writes_them_before_closing()
    {
        using var dir = new TempDirectory();
        using var pool = new LogWriterPool(2);
        var options = new LogOptions { WriterPool = pool };
        Task<long>[] appends;
        using (var log = PartitionLog.Open(dir.Path, options))
        {
            appends = Enumerable.Range(0, 100).Select(i => log.AppendAsync(Payload.For(i))).ToArray();
        }
        await Task.WhenAll(appends);
        using var reopened = PartitionLog.Open(dir.Path, options);
        Assert.Equal(100, reopened.NextSequence);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void A_pool_refuses_a_thread_count_outside_one_to_sixty_four(int threads)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogWriterPool(threads));
    }
}
