using System.IO.Pipelines;
using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Tests.Connection;

/// <summary>The writer's back-pressure over a pipe nobody reads (a peer that stopped reading its socket).</summary>
public sealed class ConnectionWriterTests
{
    private static readonly byte[] Body = new byte[64 * 1024];

    private static (Pipe Pipe, ConnectionWriter Writer) Create(TimeSpan? stallLimit = null, Action? onStalled = null)
    {
        // Kestrel's socket transport pauses its output pipe at 64 KiB too.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var writer = new ConnectionWriter(pipe.Writer, stallLimit, onStalled) { PeerMaxFrameSize = 65536 };
        _ = writer.RunFlushLoopAsync();
        return (pipe, writer);
    }

    private static void WriteDelivery(ConnectionWriter writer, uint id)
    {
        lock (writer.Gate)
        {
            writer.WriteTransferLocked(1, new Transfer { Handle = 0, DeliveryId = id, DeliveryTag = new DeliveryTag([1, 2, 3, 4]), MessageFormat = 0 }, Body);
        }
        writer.RequestFlush();
    }

    private static async Task<uint> WriteUntilCongestedAsync(ConnectionWriter writer)
    {
        uint id = 0;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!writer.IsCongested)
        {
            Assert.True(DateTime.UtcNow < deadline, "never congested");
            WriteDelivery(writer, id++);
            await Task.Delay(5); // let the flush loop run, as it would between deliveries
        }
        return id;
    }

    /// <summary>Reads until <paramref name="stop"/> ends it with <see cref="OperationCanceledException"/> (a read asked with a cancelled token throws at once).</summary>
    private static async Task DrainAsync(PipeReader reader, CancellationToken stop)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(stop);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    [Fact]
    public async Task Deliveries_wait_once_the_unread_backlog_passes_the_high_water_mark_and_resume_when_the_peer_reads()
    {
        (Pipe pipe, ConnectionWriter writer) = Create();
        uint written = await WriteUntilCongestedAsync(writer);

        // Bounded: the pipe's 64 KiB plus the writer's high-water mark plus the one delivery that crossed it.
        Assert.InRange(written, 2u, (uint)((ConnectionWriter.DataHighWater + (64 * 1024)) / Body.Length) + 2);
        Task writable = writer.WhenWritableAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(writable.IsCompleted);

        // Control frames still go in while deliveries wait.
        long backlog = writer.Backlog;
        writer.Write(1, new Flow { NextIncomingId = 0, IncomingWindow = 1, NextOutgoingId = 0, OutgoingWindow = 1, Handle = 0, LinkCredit = 0, DeliveryCount = written });
        Assert.True(writer.Backlog > backlog);

        using var stop = new CancellationTokenSource();
        Task reading = DrainAsync(pipe.Reader, stop.Token);
        await writable.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(writer.IsCongested);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task A_wait_for_writability_is_cancelled_with_its_token()
    {
        (_, ConnectionWriter writer) = Create();
        await WriteUntilCongestedAsync(writer);
        using var cancel = new CancellationTokenSource();
        Task writable = writer.WhenWritableAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writable);
    }

    [Fact]
    public async Task The_read_loop_is_held_only_past_the_read_pause_limit()
    {
        (Pipe pipe, ConnectionWriter writer) = Create();
        await WriteUntilCongestedAsync(writer);
        Assert.True(writer.WhenReadAllowedAsync().IsCompleted);
        uint id = 1000;
        while (writer.Backlog <= ConnectionWriter.ReadPauseLimit)
        {
            WriteDelivery(writer, id++);
        }
        Task readAllowed = writer.WhenReadAllowedAsync();
        await Task.Delay(100);
        Assert.False(readAllowed.IsCompleted);

        using var stop = new CancellationTokenSource();
        Task reading = DrainAsync(pipe.Reader, stop.Token);
        await readAllowed.WaitAsync(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task A_flush_paused_past_the_stall_limit_is_reported_once()
    {
        int stalls = 0;
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (_, ConnectionWriter writer) = Create(TimeSpan.FromMilliseconds(300), () =>
        {
            Interlocked.Increment(ref stalls);
            stalled.TrySetResult();
        });
        await WriteUntilCongestedAsync(writer);
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        Assert.Equal(1, stalls);
    }

    [Fact]
    public async Task When_the_transport_goes_away_waiting_deliveries_are_released_and_later_frames_dropped()
    {
        (Pipe pipe, ConnectionWriter writer) = Create();
        await WriteUntilCongestedAsync(writer);
        Task writable = writer.WhenWritableAsync(CancellationToken.None);
        await pipe.Reader.CompleteAsync();
        // The pending flush completes (the reader is gone) and ends the loop.
        await writable.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(writer.IsCongested);
        long backlog = writer.Backlog;
        WriteDelivery(writer, 99);
        Assert.Equal(backlog, writer.Backlog);
    }
}
