using Microsoft.AspNetCore.Connections.Features;
using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Listener;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Transport;
using Omnibus.Transport.Admission;
using Omnibus.Transport.Limits;
using Omnibus.Transport.Timers;

namespace Omnibus.Amqp.Connection;

/// <summary>Where a connection is in its life (spec part 2, 2.4 — the server side only).</summary>
internal enum ConnectionPhase
{
    ExpectHeader,
    Sasl,
    ExpectAmqpHeaderAfterSasl,
    ExpectOpen,
    Opened,
    Closed,
}

/// <summary>
/// One AMQP 1.0 connection: the read loop (protocol header, SASL, frames) runs here; frames go
/// to sessions, sessions to links. Errors follow the ladder: a protocol error closes the
/// connection with its condition, a link error detaches the link, anything unexpected is
/// logged and ends only this connection.
/// </summary>
internal sealed partial class AmqpConnection : IDisposable
{
    private readonly ConnectionContext _context;
    private readonly PipeReader _input;
    private readonly Dictionary<ushort, AmqpSession> _sessionsByRemoteChannel = [];
    private readonly Dictionary<ushort, AmqpSession> _sessionsByLocalChannel = [];
    private readonly Lock _channelsGate = new();
    // Remote channels of sessions this side ended with an error: the peer's answering end (and
    // anything it sent before seeing ours) is absorbed instead of failing the connection.
    private readonly HashSet<ushort> _endedByUs = [];
    private readonly IConnectionAuthenticationFeature _authentication;
    private ushort _nextLocalChannel;
    private ConnectionPhase _phase = ConnectionPhase.ExpectHeader;
    private ushort _channelMax = ushort.MaxValue;
    private uint _peerIdleTimeoutMs;
    private CancellationTokenSource? _heartbeatStop;

    public AmqpConnection(ConnectionContext context, IAmqpApplication application, AmqpListenerOptions options, ILogger logger, ResourceLimits? limits = null)
    {
        _context = context;
        _authentication = context.Authentication();
        Limits = limits ?? ResourceLimits.Default;
        _input = context.Transport.Input;
        Application = application;
        Options = options;
        Logger = logger;
        // A flush paused for twice the idle time-out: the peer has read nothing, heartbeats included.
        Writer = new ConnectionWriter(context.Transport.Output, options.IdleTimeout * 2, OnOutputStalled);
        ReplyLinks = new ReplyLinkRegistry();
        State = application.CreateConnectionState(this);
    }

    /// <summary>The dialect on top of the engine.</summary>
    public IAmqpApplication Application { get; }

    /// <summary>The application's own state for this connection (<see cref="IAmqpApplication.CreateConnectionState"/>).</summary>
    public object State { get; }

    public AmqpListenerOptions Options { get; }

    /// <summary>The host name the client named in its open (the virtual host it believes it reached), when it named one.</summary>
    public string? PeerHostname { get; private set; }

    /// <summary>Sessions per connection and links per session, by authentication phase.</summary>
    public ResourceLimits Limits { get; }

    /// <summary>The limits that apply now: the lower tier until the dialect reports authentication.</summary>
    public ResourceTier CurrentLimits => Limits.For(IsAuthenticated);

    /// <summary>True once the dialect reported that the peer authenticated (<see cref="MarkAuthenticated"/>).</summary>
    public bool IsAuthenticated => _authentication.IsAuthenticated;

    /// <summary>
    /// The dialect reports that the peer proved who it is (Service Bus: SASL PLAIN with a key, or
    /// the first valid token put on $cbs). The transport's gate stops the authentication time-out
    /// and stops counting the connection as unauthenticated; the higher resource tier applies.
    /// </summary>
    public void MarkAuthenticated() => _authentication.MarkAuthenticated();

    /// <summary>Where link counts and sent errors are reported (metrics).</summary>
    public IAmqpListenerObserver Observer { get; init; } = new NoAmqpListenerObserver();

    public ILogger Logger { get; }

    public ConnectionWriter Writer { get; }

    /// <summary>Reply links on this connection, by the address requests name in reply-to (request/response routing).</summary>
    public ReplyLinkRegistry ReplyLinks { get; }

    public string Id => _context.ConnectionId;

    /// <summary>Cancelled when the connection ends; link pumps and workers stop on it.</summary>
    public CancellationToken Closing => _closing.Token;

    private readonly CancellationTokenSource _closing = new();

    public async Task RunAsync()
    {
        Task flushLoop = Writer.RunFlushLoopAsync();
        // Kestrel asks open connections to close when the host stops: answer with an AMQP close
        // at once, so a graceful shutdown does not wait out its time-out for idle clients.
        using CancellationTokenRegistration shutdown = _context.Features.Get<IConnectionLifetimeNotificationFeature>()?
            .ConnectionClosedRequested.Register(() =>
            {
                CloseWithError(ErrorConditions.ConnectionForced, "The broker is shutting down.");
                _input.CancelPendingRead();
            }) ?? default;
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionResetException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away; nothing to answer.
        }
        catch (Exception e)
        {
            AmqpLog.Unexpected(Logger, Id, e);
            CloseWithError(ErrorConditions.InternalError, "Internal error.");
        }
        finally
        {
            _phase = ConnectionPhase.Closed;
            await _closing.CancelAsync().ConfigureAwait(false);
            _heartbeatStop?.Cancel();
            ReleaseAll();
            (State as IDisposable)?.Dispose();
            await Writer.CloseAsync().ConfigureAwait(false);
            await flushLoop.ConfigureAwait(false);
            await _input.CompleteAsync().ConfigureAwait(false);
            Dispose();
            AmqpLog.Closed(Logger, Id);
        }
    }

    /// <summary>The peer took none of our output for the stall limit: abort the socket (a close frame could not reach it).</summary>
    private void OnOutputStalled()
    {
        string description = $"The peer read nothing for {(Options.IdleTimeout * 2).TotalSeconds} s; {Writer.Backlog} bytes waiting.";
        AmqpLog.ClosedWithError(Logger, Id, ErrorConditions.ResourceLimitExceeded.ToString(), description);
        Observer.ErrorSent(ErrorConditions.ResourceLimitExceeded.ToString());
        _context.Abort(new ConnectionAbortedException(description));
    }

    private async Task ReadLoopAsync()
    {
        using var idle = new ReadIdleTimer(TimeProvider.System);
        // Before open, a peer gets the same allowance as after: two idle periods. (Before
        // authentication the transport's gate may close it sooner: its authentication time-out.)
        TimeSpan allowance = Options.IdleTimeout * 2;
        while (_phase != ConnectionPhase.Closed)
        {
            // A peer that reads none of our answers gets no new requests read either (back-pressure).
            Task readAllowed = Writer.WhenReadAllowedAsync();
            if (!readAllowed.IsCompleted)
            {
                await readAllowed.ConfigureAwait(false);
            }
            if (!idle.Rearm(allowance))
            {
                break;
            }
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (idle.Expired)
            {
                CloseWithError(ErrorConditions.ResourceLimitExceeded, "Idle time-out: nothing received for " + allowance.TotalSeconds + " s.");
                break;
            }
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = Process(buffer);
            _input.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }

    /// <summary>Handles every whole header or frame in the buffer; returns how far it got.</summary>
    private SequencePosition Process(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (_phase != ConnectionPhase.Closed)
        {
            if (_phase is ConnectionPhase.ExpectHeader or ConnectionPhase.ExpectAmqpHeaderAfterSasl)
            {
                if (!AmqpFrameReader.TryReadProtocolHeader(ref reader, out ProtocolHeader header, out ProtocolHeaderKind kind))
                {
                    break;
                }
                OnProtocolHeader(header, kind);
                continue;
            }
            if (!AmqpFrameReader.TryReadFrame(ref reader, Options.MaxFrameSize, out AmqpFrame frame, out FrameError error))
            {
                if (error != FrameError.None)
                {
                    CloseWithError(error.ToCondition(), error == FrameError.TooLarge
                        ? $"Frame larger than the max-frame-size of {Options.MaxFrameSize} bytes."
                        : "Malformed frame header: " + error + ".");
                    return buffer.End;
                }
                break;
            }
            OnFrame(frame);
        }
        return _phase == ConnectionPhase.Closed ? buffer.End : reader.Position;
    }

    private void OnFrame(in AmqpFrame frame)
    {
        try
        {
            if (_phase == ConnectionPhase.Sasl)
            {
                if (frame.Type != FrameType.Sasl)
                {
                    throw AmqpProtocolException.Connection(ErrorConditions.DecodeError, "Expected a SASL frame.");
                }
                OnSaslFrame(frame);
                return;
            }
            if (frame.Type != FrameType.Amqp)
            {
                throw AmqpProtocolException.Connection(ErrorConditions.DecodeError, "Unexpected frame type " + (byte)frame.Type + ".");
            }
            if (frame.IsEmpty)
            {
                return;
            }
            OnPerformative(frame);
        }
        catch (AmqpDecodeException e)
        {
            CloseWithError(ErrorConditions.DecodeError, e.Message);
        }
        catch (AmqpProtocolException e)
        {
            CloseWithError(e.Condition, e.Message);
        }
    }

    private void OnProtocolHeader(ProtocolHeader header, ProtocolHeaderKind kind)
    {
        if (_phase == ConnectionPhase.ExpectHeader && kind == ProtocolHeaderKind.Sasl)
        {
            Writer.WriteProtocolHeader(ProtocolHeader.Sasl);
            Writer.Write(0, new Sasl.SaslMechanisms([.. Application.SaslMechanisms]));
            _phase = ConnectionPhase.Sasl;
            return;
        }
        if (kind == ProtocolHeaderKind.Amqp)
        {
            Writer.WriteProtocolHeader(ProtocolHeader.Amqp);
            _phase = ConnectionPhase.ExpectOpen;
            return;
        }
        // Spec part 2, 2.2: answer with the header we do support, then close the socket.
        AmqpLog.RefusedHeader(Logger, Id, kind + " " + header);
        Writer.WriteProtocolHeader(_phase == ConnectionPhase.ExpectHeader ? ProtocolHeader.Sasl : ProtocolHeader.Amqp);
        _phase = ConnectionPhase.Closed;
    }

    private void OnPerformative(in AmqpFrame frame)
    {
        ulong code = PerformativeDecoder.PeekDescriptorCode(frame.Body);
        if (_phase == ConnectionPhase.ExpectOpen)
        {
            if (code != DescriptorCodes.Open)
            {
                throw AmqpProtocolException.Connection(ErrorConditions.IllegalState, "The first frame must be open.");
            }
            OnOpen(PerformativeDecoder.Decode<Open>(frame.Body, out _));
            return;
        }
        switch (code)
        {
            case DescriptorCodes.Open:
                throw AmqpProtocolException.Connection(ErrorConditions.IllegalState, "Open received twice.");
            case DescriptorCodes.Close:
                PerformativeDecoder.Decode<Close>(frame.Body, out _);
                Writer.Write(0, new Close(null));
                _phase = ConnectionPhase.Closed;
                return;
            case DescriptorCodes.Begin:
                OnBegin(frame.Channel, PerformativeDecoder.Decode<Begin>(frame.Body, out _));
                return;
            case DescriptorCodes.End:
                OnEnd(frame.Channel, PerformativeDecoder.Decode<End>(frame.Body, out _));
                return;
            case DescriptorCodes.Attach:
            case DescriptorCodes.Flow:
            case DescriptorCodes.Transfer:
            case DescriptorCodes.Disposition:
            case DescriptorCodes.Detach:
                if (_endedByUs.Contains(frame.Channel))
                {
                    // Sent before the peer saw this side's end.
                    return;
                }
                SessionFor(frame.Channel).OnFrame(code, frame.Body);
                return;
            default:
                throw AmqpProtocolException.Connection(ErrorConditions.DecodeError, $"Unknown performative 0x{code:x}.");
        }
    }

    private void OnOpen(Open open)
    {
        Writer.PeerMaxFrameSize = Math.Max(open.MaxFrameSize ?? uint.MaxValue, AmqpListenerOptions.MinimumMaxFrameSize);
        _channelMax = open.ChannelMax ?? ushort.MaxValue;
        _peerIdleTimeoutMs = open.IdleTimeOut ?? 0;
        PeerHostname = open.Hostname;
        Writer.Write(0, new Open(Options.ContainerId)
        {
            MaxFrameSize = Options.MaxFrameSize,
            ChannelMax = _channelMax,
            IdleTimeOut = (uint)Options.IdleTimeout.TotalMilliseconds,
        });
        _phase = ConnectionPhase.Opened;
        AmqpLog.Opened(Logger, Id, open.ContainerId);
        if (_peerIdleTimeoutMs > 0)
        {
            _heartbeatStop = new CancellationTokenSource();
            _ = Heartbeats.RunAsync(Writer.Transport, Heartbeats.IntervalFor(TimeSpan.FromMilliseconds(_peerIdleTimeoutMs)), Writer.WriteHeartbeat, TimeProvider.System, _heartbeatStop.Token);
        }
    }

    private void OnBegin(ushort remoteChannel, Begin begin)
    {
        if (begin.RemoteChannel is not null)
        {
            throw AmqpProtocolException.Connection(ErrorConditions.NotAllowed, "This server does not begin sessions.");
        }
        if (_sessionsByRemoteChannel.ContainsKey(remoteChannel))
        {
            throw AmqpProtocolException.Connection(ErrorConditions.IllegalState, $"Channel {remoteChannel} already has a session.");
        }
        _endedByUs.Remove(remoteChannel);
        ResourceTier limits = CurrentLimits;
        bool overLimit = _sessionsByRemoteChannel.Count >= limits.Sessions;
        AmqpSession session;
        lock (_channelsGate)
        {
            // Round robin rather than lowest free: a frame written late for an ended session (an
            // answer that lost the race with the end) is dropped by the writer, and a channel
            // reused at once could carry it into the next session before that.
            ushort local = _nextLocalChannel;
            for (int tried = 0; _sessionsByLocalChannel.ContainsKey(local); tried++)
            {
                if (tried > _channelMax)
                {
                    throw AmqpProtocolException.Connection(ErrorConditions.ResourceLimitExceeded, "No free channel.");
                }
                local = local >= _channelMax ? (ushort)0 : (ushort)(local + 1);
            }
            _nextLocalChannel = local >= _channelMax ? (ushort)0 : (ushort)(local + 1);
            session = new AmqpSession(this, local, remoteChannel, begin);
            _sessionsByLocalChannel[local] = session;
        }
        _sessionsByRemoteChannel[remoteChannel] = session;
        Writer.OpenChannel(session.LocalChannel);
        session.SendBegin();
        if (overLimit)
        {
            // Spec part 2, 2.5.5: a session is refused by answering begin and ending it at once.
            Observer.ErrorSent(ErrorConditions.ResourceLimitExceeded.ToString());
            EndSessionWithError(session, new AmqpError(ErrorConditions.ResourceLimitExceeded, IsAuthenticated
                ? $"A connection may have at most {limits.Sessions} sessions."
                : $"A connection may have at most {limits.Sessions} sessions before it authenticates."));
        }
    }

    private void OnEnd(ushort remoteChannel, End end)
    {
        if (_endedByUs.Remove(remoteChannel))
        {
            // The peer's answer to an end this side sent.
            return;
        }
        AmqpSession session = SessionFor(remoteChannel);
        _sessionsByRemoteChannel.Remove(remoteChannel);
        session.Release();
        _ = EchoEndAsync(session);
    }

    /// <summary>
    /// Answers the peer's end once the session's work in flight (settlements it asked for,
    /// deliveries taken from the core) has written its frames; the local channel stays taken until then.
    /// </summary>
    private async Task EchoEndAsync(AmqpSession session)
    {
        Task idle = session.Pending.WhenIdleAsync();
        if (!idle.IsCompleted)
        {
            try
            {
                await idle.WaitAsync(AmqpSession.LingerLimit).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
        WriteEnd(session, new End(null));
    }

    /// <summary>Ends a session from this side with an error (session scope of the error ladder).</summary>
    public void EndSessionWithError(AmqpSession session, AmqpError error)
    {
        if (_sessionsByRemoteChannel.Remove(session.RemoteChannel))
        {
            _endedByUs.Add(session.RemoteChannel);
        }
        session.Release();
        WriteEnd(session, new End(error));
    }

    /// <summary>Writes end (after which the writer drops the channel's frames) and frees the local channel.</summary>
    private void WriteEnd(AmqpSession session, End end)
    {
        Writer.WriteEnd(session.LocalChannel, end);
        lock (_channelsGate)
        {
            _sessionsByLocalChannel.Remove(session.LocalChannel);
        }
    }

    private AmqpSession SessionFor(ushort remoteChannel) =>
        _sessionsByRemoteChannel.TryGetValue(remoteChannel, out AmqpSession? session)
            ? session
            : throw AmqpProtocolException.Connection(ErrorConditions.NotFound, $"No session on channel {remoteChannel}.");

    /// <summary>Sends close with an error and stops reading (connection scope of the error ladder).</summary>
    public void CloseWithError(AmqpSymbol condition, string description)
    {
        if (_phase == ConnectionPhase.Closed)
        {
            return;
        }
        AmqpLog.ClosedWithError(Logger, Id, condition.ToString(), description);
        Observer.ErrorSent(condition.ToString());
        if (_phase is ConnectionPhase.ExpectHeader or ConnectionPhase.ExpectAmqpHeaderAfterSasl)
        {
            // No AMQP header exchanged yet: a close frame would mean nothing to the peer.
            Writer.WriteProtocolHeader(ProtocolHeader.Amqp);
        }
        else if (_phase is ConnectionPhase.ExpectOpen)
        {
            Writer.Write(0, new Open(Options.ContainerId));
            Writer.Write(0, new Close(new AmqpError(condition, description)));
        }
        else if (_phase is ConnectionPhase.Opened)
        {
            Writer.Write(0, new Close(new AmqpError(condition, description)));
        }
        _phase = ConnectionPhase.Closed;
    }

    public void Dispose()
    {
        _closing.Dispose();
        _heartbeatStop?.Dispose();
    }

    private void ReleaseAll()
    {
        List<AmqpSession> sessions;
        lock (_channelsGate)
        {
            sessions = [.. _sessionsByLocalChannel.Values];
            _sessionsByLocalChannel.Clear();
        }
        foreach (AmqpSession session in sessions)
        {
            session.Release();
        }
        _sessionsByRemoteChannel.Clear();
    }
}
