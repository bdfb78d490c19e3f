using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Transport.Output;

namespace Omnibus.Transport.Tests;

/// <summary>The neutral writer's back-pressure over a pipe nobody reads (a peer that stopped reading its socket).</summary>
public sealed class BackPressuredWriterTests
{
    private static readonly byte[] Chunk = new byte[16 * 1024];

    private static readonly BackPressureLimits Small = new() { DataLowWater = 32 * 1024, DataHighWater = 128 * 1024, ReadPauseLimit = 512 * 1024 };

    private static Pipe UnreadPipe() =>
        // Kestrel's socket transport pauses its output pipe at 64 KiB too.
        new(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));

    private static async Task WriteUntilAsync(BackPressuredWriter writer, Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was never reached");
            Assert.True(writer.Write(Chunk));
            await Task.Delay(2); // let the flush loop run, as it would between writes
        }
    }

    [Fact]
    public async Task Data_waits_above_the_high_water_mark_and_resumes_once_the_peer_reads_down_to_the_low_water_mark()
    {
        Pipe pipe = UnreadPipe();
        var writer = new BackPressuredWriter(pipe.Writer, Small);
        _ = writer.RunFlushLoopAsync();

        await WriteUntilAsync(writer, () => writer.IsCongested);
        Task writable = writer.WhenWritableAsync(CancellationToken.None);
        Assert.False(writable.IsCompleted);
        Assert.InRange(writer.Backlog, Small.DataHighWater + 1, Small.DataHighWater + (64 * 1024) + Chunk.Length);

        // The peer reads everything: the flushes complete and data may flow again.
        using var stop = new CancellationTokenSource();
        Task drain = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                ReadResult r = await pipe.Reader.ReadAsync(stop.Token);
                pipe.Reader.AdvanceTo(r.Buffer.End);
            }
        });
        writer.RequestFlush();
        await writable.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(writer.IsCongested);
        Assert.True(writer.Backlog <= Small.DataLowWater);
        await stop.CancelAsync();
        await writer.CloseAsync(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drain);
    }

    [Fact]
    public async Task The_read_loop_is_paused_only_once_the_backlog_passes_the_read_pause_limit()
    {
        Pipe pipe = UnreadPipe();
        var writer = new BackPressuredWriter(pipe.Writer, Small);
        _ = writer.RunFlushLoopAsync();

        await WriteUntilAsync(writer, () => writer.IsCongested);
        Assert.True(writer.WhenReadAllowedAsync().IsCompleted);
        // Control output (answers, heartbeats) still goes in while data waits: the backlog grows past the pause limit.
        await WriteUntilAsync(writer, () => writer.Backlog > Small.ReadPauseLimit);
        Task readAllowed = writer.WhenReadAllowedAsync();
        Assert.False(readAllowed.IsCompleted);

        // Closing releases everyone waiting.
        pipe.Reader.Complete();
        await writer.CloseAsync(TimeSpan.FromMilliseconds(200));
        await readAllowed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(writer.WhenWritableAsync(CancellationToken.None).IsCompleted);
        Assert.False(writer.Write(Chunk));
    }

    [Fact]
    public async Task A_flush_paused_past_the_stall_limit_reports_the_stall_once()
    {
        Pipe pipe = UnreadPipe();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        int stalls = 0;
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = new BackPressuredWriter(pipe.Writer, Small, TimeSpan.FromSeconds(30), () =>
        {
            Interlocked.Increment(ref stalls);
            stalled.TrySetResult();
        }, clock);
        _ = writer.RunFlushLoopAsync();

        await WriteUntilAsync(writer, () => writer.IsCongested);
        clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.Equal(0, Volatile.Read(ref stalls));
        clock.Advance(TimeSpan.FromSeconds(2));
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(60));
        await Task.Delay(50);
        Assert.Equal(1, Volatile.Read(ref stalls));
        pipe.Reader.Complete();
        await writer.CloseAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Bytes_in_segments_reach_the_pipe_in_order()
    {
        var pipe = new Pipe();
        var writer = new BackPressuredWriter(pipe.Writer);
        _ = writer.RunFlushLoopAsync();
        var first = new TestSegment("ab"u8.ToArray());
        TestSegment last = first.Append("cd"u8.ToArray());
        Assert.True(writer.Write("01"u8));
        Assert.True(writer.Write(new System.Buffers.ReadOnlySequence<byte>(first, 0, last, 2)));
        await writer.CloseAsync();
        ReadResult read = await pipe.Reader.ReadAtLeastAsync(6);
        Assert.Equal("01abcd"u8.ToArray(), System.Buffers.BuffersExtensions.ToArray(read.Buffer));
    }

    private sealed class TestSegment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public TestSegment(byte[] bytes) => Memory = bytes;

        public TestSegment Append(byte[] bytes)
        {
            var next = new TestSegment(bytes) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
