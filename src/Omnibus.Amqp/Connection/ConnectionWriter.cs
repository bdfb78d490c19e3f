using System.IO.Pipelines;
using System.Threading.Channels;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// The one way frames leave a connection. Any thread may write; writes go straight into the
/// pipe under a lock, and a single flush loop pushes them to the socket, so frames produced
/// together (a read batch's replies, a burst of deliveries) leave in one flush.
/// </summary>
internal sealed class ConnectionWriter
{
    private readonly PipeWriter _output;
    private readonly object _gate = new();
    private readonly Channel<bool> _flushRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly HashSet<ushort> _endedChannels = [];
    private bool _closed;

    public ConnectionWriter(PipeWriter output) => _output = output;

    /// <summary>The peer's max-frame-size (512 until its open arrives).</summary>
    public uint PeerMaxFrameSize { get; set; } = 512;

    /// <summary>Ticks (Environment.TickCount64) of the last write, for heartbeats.</summary>
    public long LastWriteTicks { get; private set; } = Environment.TickCount64;

    /// <summary>The lock that orders frames; callers that must number deliveries in write order hold it.</summary>
    public object Gate => _gate;

    public void WriteProtocolHeader(ProtocolHeader header)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            AmqpFrameWriter.WriteProtocolHeader(_output, header);
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
            AmqpFrameWriter.WriteFrame(_output, channel, performative);
            LastWriteTicks = Environment.TickCount64;
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
        AmqpFrameWriter.WriteTransfer(_output, channel, transfer, payload, PeerMaxFrameSize);
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
            AmqpFrameWriter.WriteFrame(_output, channel, end);
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
            LastWriteTicks = Environment.TickCount64;
        }
        RequestFlush();
    }

    public void RequestFlush() => _flushRequests.Writer.TryWrite(true);

    /// <summary>Pushes written frames to the socket until the connection ends.</summary>
    public async Task RunFlushLoopAsync()
    {
        try
        {
            while (await _flushRequests.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _flushRequests.Reader.TryRead(out _);
                ValueTask<FlushResult> flush;
                lock (_gate)
                {
                    if (_closed)
                    {
                        break;
                    }
                    flush = _output.FlushAsync();
                }
                FlushResult result = await flush.ConfigureAwait(false);
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
    }

    /// <summary>Flushes what is written, then stops accepting frames and completes the output.</summary>
    public async Task CloseAsync()
    {
        ValueTask<FlushResult> flush;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
            flush = _output.FlushAsync();
        }
        _flushRequests.Writer.TryComplete();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await flush.AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // Peer gone or not reading: nothing more to deliver.
        }
    }
}
