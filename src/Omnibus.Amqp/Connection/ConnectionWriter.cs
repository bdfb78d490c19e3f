using System.IO.Pipelines;
using System.Threading.Channels;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// The one way frames leave a connection. Any thread may write; writes go straight into the
/// pipe under a lock, and a single flush loop pushes them to the socket, so frames produced
/// together (a read batch's replies, a burst of deliveries) leave in one flush.
/// <para>
/// Back-pressure: the transport's pipe pauses a flush while the socket does not drain (Kestrel's
/// output pipe pauses at 64 KiB, its socket buffers hold a few MB more). Writes never block, so
/// the writer counts what it wrote beyond the last completed flush (the backlog): above
/// <see cref="DataHighWater"/> deliveries wait (<see cref="WhenWritableAsync"/>) until it drops to
/// <see cref="DataLowWater"/>, while control frames (flow, disposition, detach, heartbeats) still
/// go in; above <see cref="ReadPauseLimit"/> the read loop stops taking new requests from the
/// peer too. A flush that stays paused longer than the stall limit means the peer reads nothing:
/// the connection is aborted.
/// </para>
/// </summary>
internal sealed class ConnectionWriter
{
    /// <summary>Backlog above which deliveries wait: a few 64 KiB messages, ~1 ms of a fast socket.</summary>
    public const long DataHighWater = 256 * 1024;

    /// <summary>Backlog at which waiting deliveries resume.</summary>
    public const long DataLowWater = 64 * 1024;

    /// <summary>Backlog above which the read loop pauses: a peer asking for answers it never reads.</summary>
    public const long ReadPauseLimit = 4 * 1024 * 1024;

    private readonly PipeWriter _output;
    private readonly object _gate = new();
    private readonly Channel<bool> _flushRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly HashSet<ushort> _endedChannels = [];
    private readonly TimeSpan _stallLimit;
    private readonly Action? _onStalled;
    private Task _flushLoop = Task.CompletedTask;
    private long _written;
    private long _accepted;
    private TaskCompletionSource? _writable;
    private TaskCompletionSource? _readable;
    private bool _closed;

    public ConnectionWriter(PipeWriter output, TimeSpan? stallLimit = null, Action? onStalled = null)
    {
        _output = output;
        _stallLimit = stallLimit ?? Timeout.InfiniteTimeSpan;
        _onStalled = onStalled;
    }

    /// <summary>The peer's max-frame-size (512 until its open arrives).</summary>
    public uint PeerMaxFrameSize { get; set; } = 512;

    /// <summary>Ticks (Environment.TickCount64) of the last write, for heartbeats.</summary>
    public long LastWriteTicks { get; private set; } = Environment.TickCount64;

    /// <summary>The lock that orders frames; callers that must number deliveries in write order hold it.</summary>
    public object Gate => _gate;

    /// <summary>Bytes written that the transport has not yet taken (its flush has not completed).</summary>
    public long Backlog
    {
        get
        {
            lock (_gate)
            {
                return _written - _accepted;
            }
        }
    }

    /// <summary>True while deliveries should wait: the backlog is above <see cref="DataHighWater"/>.</summary>
    public bool IsCongested
    {
        get
        {
            lock (_gate)
            {
                return !_closed && _written - _accepted > DataHighWater;
            }
        }
    }

    /// <summary>Completes at once unless congested; else once the backlog is down to <see cref="DataLowWater"/> (or the connection ends).</summary>
    public Task WhenWritableAsync(CancellationToken cancellationToken)
    {
        Task wait;
        lock (_gate)
        {
            if (_closed || _written - _accepted <= DataHighWater)
            {
                return Task.CompletedTask;
            }
            _writable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _writable.Task;
        }
        return wait.WaitAsync(cancellationToken);
    }

    /// <summary>Completes at once unless the backlog is above <see cref="ReadPauseLimit"/>; else once it is below it (or the connection ends).</summary>
    public Task WhenReadAllowedAsync()
    {
        lock (_gate)
        {
            if (_closed || _written - _accepted <= ReadPauseLimit)
            {
                return Task.CompletedTask;
            }
            _readable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _readable.Task;
        }
    }

    public void WriteProtocolHeader(ProtocolHeader header)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            AmqpFrameWriter.WriteProtocolHeader(_output, header);
            _written += 8;
        }
        RequestFlush();
    }

    public void Write<T>(ushort channel, in T performative)
        where T : struct, IPerformative<T>
    {
        lock (_gate)
        {
            // Open and close belong to the connection, not to a session that used channel 0.
            if (_closed || (_endedChannels.Count > 0 && _endedChannels.Contains(channel) && typeof(T) != typeof(Close) && typeof(T) != typeof(Open)))
            {
                return;
            }
            _written += AmqpFrameWriter.WriteFrame(_output, channel, performative);
            LastWriteTicks = Environment.TickCount64;
            if (typeof(T) == typeof(Close))
            {
                // Nothing may follow a close (a late settlement answer, a heartbeat).
                _closed = true;
            }
        }
        RequestFlush();
    }

    /// <summary>Writes a delivery, split into frames within the peer's max-frame-size. Caller holds <see cref="Gate"/> or accepts any order.</summary>
    public void WriteTransferLocked(ushort channel, in Transfer transfer, ReadOnlySpan<byte> payload)
    {
        if (_closed || (_endedChannels.Count > 0 && _endedChannels.Contains(channel)))
        {
            return;
        }
        int frames = AmqpFrameWriter.WriteTransfer(_output, channel, transfer, payload, PeerMaxFrameSize);
        // Close enough: the payload plus a frame header and transfer performative per frame.
        _written += payload.Length + (frames * 48L);
        LastWriteTicks = Environment.TickCount64;
    }

    /// <summary>
    /// Writes a session's end; frames for its channel written after it (an answer that lost the
    /// race with the end) are dropped, since the peer would take them for a protocol error.
    /// </summary>
    public void WriteEnd(ushort channel, in End end)
    {
        lock (_gate)
        {
            if (_closed || !_endedChannels.Add(channel))
            {
                return;
            }
            _written += AmqpFrameWriter.WriteFrame(_output, channel, end);
            LastWriteTicks = Environment.TickCount64;
        }
        RequestFlush();
    }

    /// <summary>A new session takes the channel: its frames are written again.</summary>
    public void OpenChannel(ushort channel)
    {
        lock (_gate)
        {
            _endedChannels.Remove(channel);
        }
    }

    public void WriteHeartbeat()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            AmqpFrameWriter.WriteEmptyFrame(_output);
            _written += 8;
            LastWriteTicks = Environment.TickCount64;
        }
        RequestFlush();
    }

    public void RequestFlush() => _flushRequests.Writer.TryWrite(true);

    /// <summary>Starts the loop that pushes written frames to the socket until the connection ends.</summary>
    public Task RunFlushLoopAsync() => _flushLoop = FlushLoopAsync();

    private async Task FlushLoopAsync()
    {
        try
        {
            bool more = true;
            while (more)
            {
                // Once closing, one last flush for what was written before.
                more = await _flushRequests.Reader.WaitToReadAsync().ConfigureAwait(false);
                _flushRequests.Reader.TryRead(out _);
                long upTo;
                ValueTask<FlushResult> flush;
                lock (_gate)
                {
                    upTo = _written;
                    flush = _output.FlushAsync();
                }
                FlushResult result = flush.IsCompleted ? flush.Result : await AwaitPausedFlushAsync(flush).ConfigureAwait(false);
                Accepted(upTo);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The transport completed under us: the connection is going away.
        }
        catch (IOException)
        {
        }
        finally
        {
            TaskCompletionSource? writable;
            TaskCompletionSource? readable;
            lock (_gate)
            {
                // Nothing more reaches the socket: drop later frames rather than buffer them.
                _closed = true;
                writable = _writable;
                readable = _readable;
                _writable = _readable = null;
            }
            writable?.TrySetResult();
            readable?.TrySetResult();
        }
    }

    /// <summary>Waits for a flush the transport paused (the peer is not reading); past the stall limit, reports the stall once and keeps waiting.</summary>
    private async Task<FlushResult> AwaitPausedFlushAsync(ValueTask<FlushResult> flush)
    {
        Task<FlushResult> pending = flush.AsTask();
        if (_stallLimit != Timeout.InfiniteTimeSpan)
        {
            try
            {
                return await pending.WaitAsync(_stallLimit).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _onStalled?.Invoke();
            }
        }
        return await pending.ConfigureAwait(false);
    }

    /// <summary>A flush completed: what was written before it started is the transport's now; waiting producers may resume.</summary>
    private void Accepted(long upTo)
    {
        TaskCompletionSource? writable = null;
        TaskCompletionSource? readable = null;
        lock (_gate)
        {
            _accepted = Math.Max(_accepted, upTo);
            long backlog = _written - _accepted;
            if (backlog <= DataLowWater)
            {
                writable = _writable;
                _writable = null;
            }
            if (backlog <= ReadPauseLimit)
            {
                readable = _readable;
                _readable = null;
            }
        }
        writable?.TrySetResult();
        readable?.TrySetResult();
    }

    /// <summary>Stops accepting frames, lets the flush loop push what is written (up to 5 s: a peer may not be reading), then completes the output.</summary>
    public async Task CloseAsync()
    {
        lock (_gate)
        {
            _closed = true;
        }
        _flushRequests.Writer.TryComplete();
        try
        {
            await _flushLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Peer not reading: give up on what is still buffered.
            _output.CancelPendingFlush();
            await _flushLoop.ConfigureAwait(false);
        }
        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
        }
    }
}
