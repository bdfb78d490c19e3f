using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace Omnibus.Transport.Output;

/// <summary>
/// The one way bytes leave a connection, for any protocol. Any thread may write; writes go straight
/// into the pipe under <see cref="Gate"/>, and a single flush loop pushes them to the socket, so
/// output produced together (a read batch's replies, a burst of deliveries) leaves in one flush.
/// A protocol frames its own output: it either hands over finished bytes (<see cref="Write(ReadOnlySpan{byte})"/>)
/// or, holding <see cref="Gate"/>, writes frames into <see cref="OutputLocked"/> and reports their size
/// with <see cref="CommitLocked"/>.
/// <para>
/// Back-pressure: the transport's pipe pauses a flush while the socket does not drain (Kestrel's
/// output pipe pauses at 64 KiB, its socket buffers hold a few MB more). Writes never block, so
/// the writer counts what was written beyond the last completed flush (the backlog): above
/// <see cref="BackPressureLimits.DataHighWater"/> data waits (<see cref="WhenWritableAsync"/>) until
/// it drops to <see cref="BackPressureLimits.DataLowWater"/>, while control output still goes in;
/// above <see cref="BackPressureLimits.ReadPauseLimit"/> the read loop stops taking new requests
/// (<see cref="WhenReadAllowedAsync"/>). A flush that stays paused longer than the stall limit means
/// the peer reads nothing: the stall callback runs (the protocol aborts the connection).
/// </para>
/// </summary>
public sealed class BackPressuredWriter
{
    private readonly PipeWriter _output;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _flushRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TimeSpan _stallLimit;
    private readonly Action? _onStalled;
    private readonly TimeProvider _clock;
    private Task _flushLoop = Task.CompletedTask;
    private long _written;
    private long _accepted;
    private long _lastWrite;
    private TaskCompletionSource? _writable;
    private TaskCompletionSource? _readable;
    private bool _closed;

    /// <param name="output">The connection's output pipe.</param>
    /// <param name="limits">Water marks; <see cref="BackPressureLimits.Default"/> when null.</param>
    /// <param name="stallLimit">How long a flush may stay paused before <paramref name="onStalled"/> runs; never when null.</param>
    /// <param name="onStalled">Runs once per stalled flush.</param>
    /// <param name="clock">The clock of <see cref="TimeSinceLastWrite"/>; the system clock when null.</param>
    public BackPressuredWriter(PipeWriter output, BackPressureLimits? limits = null, TimeSpan? stallLimit = null, Action? onStalled = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        Limits = limits ?? BackPressureLimits.Default;
        Limits.Validate();
        _stallLimit = stallLimit ?? Timeout.InfiniteTimeSpan;
        _onStalled = onStalled;
        _clock = clock ?? TimeProvider.System;
        _lastWrite = _clock.GetTimestamp();
    }

    /// <summary>The water marks this writer applies.</summary>
    public BackPressureLimits Limits { get; }

    /// <summary>The lock that orders output; a protocol that must number frames in write order holds it.</summary>
    public Lock Gate => _gate;

    /// <summary>How long since anything was written (heartbeats are due when this grows).</summary>
    public TimeSpan TimeSinceLastWrite => _clock.GetElapsedTime(Volatile.Read(ref _lastWrite));

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

    /// <summary>True while data should wait: the backlog is above the high water mark.</summary>
    public bool IsCongested
    {
        get
        {
            lock (_gate)
            {
                return !_closed && _written - _accepted > Limits.DataHighWater;
            }
        }
    }

    /// <summary>True once nothing more is accepted (closed, or the socket went away). Read under <see cref="Gate"/> to write after it.</summary>
    public bool IsClosedLocked => _closed;

    /// <summary>The pipe to frame into; only while holding <see cref="Gate"/> and not <see cref="IsClosedLocked"/>, followed by <see cref="CommitLocked"/>.</summary>
    public PipeWriter OutputLocked => _output;

    /// <summary>Counts <paramref name="bytes"/> just written into <see cref="OutputLocked"/> (caller holds <see cref="Gate"/>); the caller then calls <see cref="RequestFlush"/>.</summary>
    public void CommitLocked(long bytes)
    {
        _written += bytes;
        _lastWrite = _clock.GetTimestamp();
    }

    /// <summary>Nothing may follow what is written now (a protocol's close); caller holds <see cref="Gate"/>.</summary>
    public void CloseLocked() => _closed = true;

    /// <summary>Writes finished bytes; false when the writer no longer accepts output.</summary>
    public bool Write(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
            _output.Write(bytes);
            CommitLocked(bytes.Length);
        }
        RequestFlush();
        return true;
    }

    /// <summary>Writes finished bytes held in segments; false when the writer no longer accepts output.</summary>
    public bool Write(in ReadOnlySequence<byte> bytes)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
            foreach (ReadOnlyMemory<byte> segment in bytes)
            {
                _output.Write(segment.Span);
            }
            CommitLocked(bytes.Length);
        }
        RequestFlush();
        return true;
    }

    /// <summary>Completes at once unless congested; else once the backlog is down to the low water mark (or the connection ends).</summary>
    public Task WhenWritableAsync(CancellationToken cancellationToken)
    {
        Task wait;
        lock (_gate)
        {
            if (_closed || _written - _accepted <= Limits.DataHighWater)
            {
                return Task.CompletedTask;
            }
            _writable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _writable.Task;
        }
        return wait.WaitAsync(cancellationToken);
    }

    /// <summary>Completes at once unless the backlog is above the read pause limit; else once it is below it (or the connection ends).</summary>
    public Task WhenReadAllowedAsync()
    {
        lock (_gate)
        {
            if (_closed || _written - _accepted <= Limits.ReadPauseLimit)
            {
                return Task.CompletedTask;
            }
            _readable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _readable.Task;
        }
    }

    /// <summary>Asks the flush loop to push what is written; cheap, coalesced.</summary>
    public void RequestFlush() => _flushRequests.Writer.TryWrite(true);

    /// <summary>Starts the loop that pushes written output to the socket until the connection ends.</summary>
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
                // Nothing more reaches the socket: drop later output rather than buffer it.
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
                return await pending.WaitAsync(_stallLimit, _clock).ConfigureAwait(false);
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
            if (backlog <= Limits.DataLowWater)
            {
                writable = _writable;
                _writable = null;
            }
            if (backlog <= Limits.ReadPauseLimit)
            {
                readable = _readable;
                _readable = null;
            }
        }
        writable?.TrySetResult();
        readable?.TrySetResult();
    }

    /// <summary>Stops accepting output, lets the flush loop push what is written (up to <paramref name="drainLimit"/>: a peer may not be reading), then completes the output.</summary>
    public async Task CloseAsync(TimeSpan? drainLimit = null)
    {
        lock (_gate)
        {
            _closed = true;
        }
        _flushRequests.Writer.TryComplete();
        try
        {
            await _flushLoop.WaitAsync(drainLimit ?? TimeSpan.FromSeconds(5)).ConfigureAwait(false);
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
