using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;
using Omnibus.Transport.Output;
using System.IO.Pipelines;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// The AMQP 1.0 framing of a connection's output over the transport's protocol-neutral
/// <see cref="BackPressuredWriter"/> (which owns the lock, the flush loop, the water marks, the
/// read pause and the stall abort). What is AMQP's stays here: frames and their sizes, a close
/// after which nothing is written, and channels whose end was written (their late frames are
/// dropped). Deliveries wait above the high water mark (<see cref="WhenWritableAsync"/>) while
/// control frames (flow, disposition, detach, heartbeats) still go in.
/// </summary>
internal sealed class ConnectionWriter
{
    /// <summary>Backlog above which deliveries wait (<see cref="BackPressureLimits.DataHighWater"/> by default).</summary>
    public static readonly long DataHighWater = BackPressureLimits.Default.DataHighWater;

    /// <summary>Backlog at which waiting deliveries resume.</summary>
    public static readonly long DataLowWater = BackPressureLimits.Default.DataLowWater;

    /// <summary>Backlog above which the read loop pauses.</summary>
    public static readonly long ReadPauseLimit = BackPressureLimits.Default.ReadPauseLimit;

    private readonly BackPressuredWriter _transport;
    private readonly HashSet<ushort> _endedChannels = [];

    public ConnectionWriter(PipeWriter output, TimeSpan? stallLimit = null, Action? onStalled = null)
    {
        _transport = new BackPressuredWriter(output, BackPressureLimits.Default, stallLimit, onStalled);
    }

    /// <summary>The neutral writer underneath (heartbeat timing, back-pressure state).</summary>
    public BackPressuredWriter Transport => _transport;

    /// <summary>The peer's max-frame-size (512 until its open arrives).</summary>
    public uint PeerMaxFrameSize { get; set; } = 512;

    /// <summary>The lock that orders frames; callers that must number deliveries in write order hold it.</summary>
    public Lock Gate => _transport.Gate;

    /// <summary>Bytes written that the transport has not yet taken (its flush has not completed).</summary>
    public long Backlog => _transport.Backlog;

    /// <summary>True while deliveries should wait: the backlog is above the high water mark.</summary>
    public bool IsCongested => _transport.IsCongested;

    /// <summary>Completes at once unless congested; else once the backlog is down to the low water mark (or the connection ends).</summary>
    public Task WhenWritableAsync(CancellationToken cancellationToken) => _transport.WhenWritableAsync(cancellationToken);

    /// <summary>Completes at once unless the backlog is above the read pause limit; else once it is below it (or the connection ends).</summary>
    public Task WhenReadAllowedAsync() => _transport.WhenReadAllowedAsync();

    public void WriteProtocolHeader(ProtocolHeader header)
    {
        lock (Gate)
        {
            if (_transport.IsClosedLocked)
            {
                return;
            }
            AmqpFrameWriter.WriteProtocolHeader(_transport.OutputLocked, header);
            _transport.CommitLocked(ProtocolHeader.Size);
        }
        RequestFlush();
    }

    public void Write<T>(ushort channel, in T performative)
        where T : struct, IPerformative<T>
    {
        lock (Gate)
        {
            // Open and close belong to the connection, not to a session that used channel 0.
            if (_transport.IsClosedLocked || (_endedChannels.Count > 0 && _endedChannels.Contains(channel) && typeof(T) != typeof(Close) && typeof(T) != typeof(Open)))
            {
                return;
            }
            _transport.CommitLocked(AmqpFrameWriter.WriteFrame(_transport.OutputLocked, channel, performative));
            if (typeof(T) == typeof(Close))
            {
                // Nothing may follow a close (a late settlement answer, a heartbeat).
                _transport.CloseLocked();
            }
        }
        RequestFlush();
    }

    /// <summary>Writes a delivery, split into frames within the peer's max-frame-size. Caller holds <see cref="Gate"/> or accepts any order.</summary>
    public void WriteTransferLocked(ushort channel, in Transfer transfer, ReadOnlySpan<byte> payload)
    {
        if (_transport.IsClosedLocked || (_endedChannels.Count > 0 && _endedChannels.Contains(channel)))
        {
            return;
        }
        int frames = AmqpFrameWriter.WriteTransfer(_transport.OutputLocked, channel, transfer, payload, PeerMaxFrameSize);
        // Close enough: the payload plus a frame header and transfer performative per frame.
        _transport.CommitLocked(payload.Length + (frames * 48L));
    }

    /// <summary>
    /// Writes a session's end; frames for its channel written after it (an answer that lost the
    /// race with the end) are dropped, since the peer would take them for a protocol error.
    /// </summary>
    public void WriteEnd(ushort channel, in End end)
    {
        lock (Gate)
        {
            if (_transport.IsClosedLocked || !_endedChannels.Add(channel))
            {
                return;
            }
            _transport.CommitLocked(AmqpFrameWriter.WriteFrame(_transport.OutputLocked, channel, end));
        }
        RequestFlush();
    }

    /// <summary>A new session takes the channel: its frames are written again.</summary>
    public void OpenChannel(ushort channel)
    {
        lock (Gate)
        {
            _endedChannels.Remove(channel);
        }
    }

    /// <summary>An empty frame: AMQP 1.0's heartbeat.</summary>
    public void WriteHeartbeat()
    {
        lock (Gate)
        {
            if (_transport.IsClosedLocked)
            {
                return;
            }
            AmqpFrameWriter.WriteEmptyFrame(_transport.OutputLocked);
            _transport.CommitLocked(8);
        }
        RequestFlush();
    }

    public void RequestFlush() => _transport.RequestFlush();

    /// <summary>Starts the loop that pushes written frames to the socket until the connection ends.</summary>
    public Task RunFlushLoopAsync() => _transport.RunFlushLoopAsync();

    /// <summary>Stops accepting frames, lets the flush loop push what is written (up to 5 s: a peer may not be reading), then completes the output.</summary>
    public Task CloseAsync() => _transport.CloseAsync();
}
