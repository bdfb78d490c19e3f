using System.Diagnostics;

namespace Omnibus.Storage.Tests;

public sealed class LazyAppendTests
{
    [Fact]
    public async Task A_lazy_append_alone_is_written_within_the_delay()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        var watch = Stopwatch.StartNew();
        long sequence = await log.AppendBatchAsync([Payload.For(0)], urgent: false).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, sequence);
        Assert.Equal(Payload.For(0), log.ReadOne(0)!.Body);
        Assert.Equal(1, log.FlushCount);
        // It waited for company first (the delay), then went on its own.
        Assert.True(watch.Elapsed >= PartitionLog.LazyWriteDelay * 0.5, $"written after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Lazy_records_ride_with_the_next_urgent_append_in_order()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        var watch = Stopwatch.StartNew();
        Task<long> lazy = log.AppendBatchAsync([Payload.For(0), Payload.For(1)], urgent: false);
        Task<long> urgent = log.AppendAsync(Payload.For(2));
        TimeSpan between = watch.Elapsed;
        Assert.Equal(0, await lazy.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, await urgent.WaitAsync(TimeSpan.FromSeconds(5)));
        if (between < PartitionLog.LazyWriteDelay / 2)
        {
            Assert.Equal(1, log.WriteCount); // one write and one flush carried all three
            Assert.Equal(1, log.FlushCount);
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Payload.For(i), log.ReadOne(i)!.Body);
        }
    }
}
