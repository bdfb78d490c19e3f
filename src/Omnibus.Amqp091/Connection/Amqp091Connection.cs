using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp091.Codec;
using Omnibus.Core.Engine;
using Omnibus.Core.Security;
using Omnibus.Transport.Output;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// One AMQP 0-9-1 connection: the handshake (start, tune, open), channel 0, and the frames of every
/// channel handed to its <see cref="Amqp091Channel"/>. Errors follow the spec's ladder: a channel
/// exception closes the channel, a connection exception the connection, each with its reply code.
/// </summary>
internal sealed partial class Amqp091Connection : IDisposable
{
    private readonly ConnectionContext _context;
    private readonly PipeReader _input;
    private readonly ConcurrentDictionary<ushort, Amqp091Channel> _channels = new();
    private readonly CancellationTokenSource _stop = new();
    private State _state = State.AwaitingStartOk;
    private bool _closeSent;
    private Dictionary<string, object?> _clientCapabilities = [];
    private long _lastReadMs = Environment.TickCount64;
    private readonly Amqp091ConnectionRegistry _registry;
    private Vhost _vhost;

    private enum State
    {
        AwaitingStartOk,
        AwaitingTuneOk,
        AwaitingOpen,
        Open,
        Closing,
    }

    public Amqp091Connection(ConnectionContext context, Amqp091Options options, ILogger logger, TimeProvider clock, Amqp091ConnectionRegistry registry)
    {
        _registry = registry;
        _context = context;
        _input = context.Transport.Input;
        _vhost = registry.Vhosts.Default;
        Options = options;
        Logger = logger;
        Clock = clock;
        Writer = new BackPressuredWriter(context.Transport.Output, clock: clock);
        FrameMax = options.FrameMax;
    }

    /// <summary>The namespace of the vhost the client opened (vhost <c>/</c> until <c>connection.open</c>).</summary>
    public Broker Broker => _vhost.Broker;

    /// <summary>The vhost the client opened.</summary>
    public string VirtualHost => _vhost.Name;

    public Amqp091Options Options { get; }

    public ILogger Logger { get; }

    public TimeProvider Clock { get; }

    public BackPressuredWriter Writer { get; }

    /// <summary>The negotiated frame size: body frames carry at most this less 8 bytes.</summary>
    public uint FrameMax { get; private set; }

    /// <summary>Who authenticated; every core call carries it.</summary>
    public CallerIdentity Caller { get; private set; } = new("anonymous", "amqp091");

    public CancellationToken Stopping => _stop.Token;

    public async Task RunAsync()
    {
        _ = Writer.RunFlushLoopAsync();
        try
        {
            if (!await ReadProtocolHeaderAsync().ConfigureAwait(false))
            {
                return;
            }
            SendStart();
            await ReadFramesAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away.
        }
        catch (Exception e)
        {
            Logger.LogError(e, "AMQP 0-9-1 connection {Connection} failed.", _context.ConnectionId);
        }
        finally
        {
            await ShutDownAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> ReadProtocolHeaderAsync()
    {
        while (true)
        {
            ReadResult result = await _input.ReadAsync(Stopping).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= 8)
            {
                byte[] header = buffer.Slice(0, 8).ToArray();
                _input.AdvanceTo(buffer.GetPosition(8));
                if (header.AsSpan().SequenceEqual(FrameCodec.ProtocolHeader))
                {
                    return true;
                }
                // Not 0-9-1: the spec asks for the header we speak, then a close.
                Writer.Write(FrameCodec.ProtocolHeader);
                return false;
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return false;
            }
        }
    }

    private async Task ReadFramesAsync()
    {
        var frames = new List<Frame>();
        while (!Stopping.IsCancellationRequested)
        {
            await Writer.WhenReadAllowedAsync().ConfigureAwait(false);
            ReadResult result = await _input.ReadAsync(Stopping).ConfigureAwait(false);
            Volatile.Write(ref _lastReadMs, Environment.TickCount64);
            ReadOnlySequence<byte> buffer = result.Buffer;
            frames.Clear();
            Amqp091Exception? framingError = null;
            SequencePosition consumed = Split(buffer, frames, ref framingError);
            _input.AdvanceTo(consumed, buffer.End);
            foreach (Frame frame in frames)
            {
                if (Broker.Space.IsFull && IsPublish(frame))
                {
                    await WaitForSpaceAsync().ConfigureAwait(false);
                }
                await HandleSafelyAsync(frame).ConfigureAwait(false);
                if (_state == State.Closing && !_closeSent)
                {
                    return;
                }
            }
            if (framingError is not null)
            {
                CloseConnection(framingError);
            }
            if (result.IsCompleted || (_state == State.Closing && _closeSent && frames.Count == 0 && result.IsCompleted))
            {
                return;
            }
        }
    }

    private SequencePosition Split(ReadOnlySequence<byte> buffer, List<Frame> frames, ref Amqp091Exception? error)
    {
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            while (FrameCodec.TryRead(ref reader, _state == State.Open ? FrameMax : Math.Max(FrameMax, 4096), out Frame frame))
            {
                frames.Add(frame);
            }
        }
        catch (Amqp091Exception e)
        {
            error = e;
            return buffer.End;
        }
        return reader.Position;
    }

    private async Task HandleSafelyAsync(Frame frame)
    {
        try
        {
            await HandleAsync(frame).ConfigureAwait(false);
        }
        catch (Amqp091Exception e) when (!e.ConnectionLevel && frame.Channel != 0 && _channels.TryGetValue(frame.Channel, out Amqp091Channel? channel))
        {
            channel.CloseWithError(e);
        }
        catch (Amqp091Exception e)
        {
            CloseConnection(e);
        }
    }

    private Task HandleAsync(Frame frame)
    {
        if (_state == State.Closing)
        {
            // After sending a close, everything but close-ok is discarded (section 2.2.4).
            if (frame.Type == FrameType.Method && frame.Channel == 0 && MethodReader.IdOf(frame.Payload.Span) is MethodIds.ConnectionCloseOk or MethodIds.ConnectionClose)
            {
                if (MethodReader.IdOf(frame.Payload.Span) == MethodIds.ConnectionClose)
                {
                    SendMethod(0, MethodIds.ConnectionCloseOk);
                }
                _stop.Cancel();
            }
            return Task.CompletedTask;
        }
        if (frame.Type == FrameType.Heartbeat)
        {
            return Task.CompletedTask;
        }
        if (frame.Channel == 0)
        {
            if (frame.Type != FrameType.Method)
            {
                throw new Amqp091Exception(ReplyCodes.UnexpectedFrame, $"UNEXPECTED_FRAME - {frame.Type} frame on channel 0", true);
            }
            HandleConnectionMethod(frame.Payload.Span);
            return Task.CompletedTask;
        }
        if (_state != State.Open)
        {
            throw new Amqp091Exception(ReplyCodes.ChannelError, "CHANNEL_ERROR - the connection is not open yet", true);
        }
        if (!_channels.TryGetValue(frame.Channel, out Amqp091Channel? channel))
        {
            if (frame.Type == FrameType.Method && MethodReader.IdOf(frame.Payload.Span) == MethodIds.ChannelOpen)
            {
                if (frame.Channel > Options.ChannelMax)
                {
                    throw new Amqp091Exception(ReplyCodes.ChannelError, $"CHANNEL_ERROR - channel {frame.Channel} is above channel_max {Options.ChannelMax}", true);
                }
                _channels[frame.Channel] = new Amqp091Channel(this, frame.Channel);
                SendMethod(frame.Channel, MethodIds.ChannelOpenOk, w => w.LongString(""u8));
                return Task.CompletedTask;
            }
            throw new Amqp091Exception(ReplyCodes.ChannelError, $"CHANNEL_ERROR - expected 'channel.open' on channel {frame.Channel}", true);
        }
        return channel.HandleAsync(frame);
    }

    /// <summary>
    /// Once tune-ok negotiated a heartbeat: a peer that sends nothing, not even heartbeats, for two
    /// intervals is gone (RabbitMQ: "missed heartbeats"). Checked once per interval against the time of
    /// the last read, on the system clock (a socket's silence is real time, whatever the broker's clock),
    /// so the read loop pays one timestamp per read and no timer.
    /// </summary>
    private async Task WatchPeerAsync(TimeSpan heartbeat)
    {
        using var timer = new PeriodicTimer(heartbeat);
        try
        {
            while (await timer.WaitForNextTickAsync(Stopping).ConfigureAwait(false))
            {
                long silentMs = Environment.TickCount64 - Volatile.Read(ref _lastReadMs);
                if (silentMs > 2 * heartbeat.TotalMilliseconds)
                {
                    if (Logger.IsEnabled(LogLevel.Information))
                    {
                        Logger.LogInformation("AMQP 0-9-1 connection {Connection}: missed heartbeats from the client, timeout {Timeout}.", _context.ConnectionId, heartbeat * 2);
                    }
                    Stop();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Called by a channel once it is closed both ways.</summary>
    public void Forget(ushort channel) => _channels.TryRemove(channel, out _);

    /// <summary>The queue state every connection to this vhost shares.</summary>
    internal QueueUsage Queues => _vhost.Queues;

    public bool ClientHas(string capability) => _clientCapabilities.TryGetValue(capability, out object? v) && v is true;

    /// <summary>Sends connection.close with the error and discards what follows until close-ok.</summary>
    public void CloseConnection(Amqp091Exception error)
    {
        if (_state == State.Closing)
        {
            return;
        }
        _state = State.Closing;
        _closeSent = true;
        SendMethod(0, MethodIds.ConnectionClose, w => w.Short(error.Code).ShortString(Truncate(error.Message)).Short(error.ClassId).Short(error.MethodId));
        // A peer that never answers close-ok is dropped after a moment.
        _ = Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => Stop(), TaskScheduler.Default);
    }

    private void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Releases the stop signal; the connection has shut down by then (<see cref="RunAsync"/> returned).</summary>
    public void Dispose() => _stop.Dispose();

    /// <summary>A reply text as a short string: at most 255 UTF-8 bytes (RabbitMQ's longest texts, the lock message, need more than 200).</summary>
    internal static string Truncate(string text)
    {
        int length = Math.Min(text.Length, 255);
        while (System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, length)) > 255)
        {
            length--;
        }
        return text[..length];
    }

    private async Task ShutDownAsync()
    {
        StopWatchingStorageSpace();
        _registry.Remove(this);
        _stop.Cancel();
        foreach (Amqp091Channel channel in _channels.Values.ToList())
        {
            await channel.ReleaseAsync().ConfigureAwait(false);
        }
        _channels.Clear();
        foreach (string queue in Queues.ReleaseExclusive(this))
        {
            try
            {
                Queues.Forget(queue);
                Broker.DeleteQueue(queue, Caller);
            }
            catch (Core.MessagingException)
            {
            }
        }
        await Writer.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        _context.Abort();
    }
}
