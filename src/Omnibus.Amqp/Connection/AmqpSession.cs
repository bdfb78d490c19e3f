using System.Buffers;
using System.Collections.Concurrent;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Transport.Limits;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// One AMQP session: its links by handle and the delivery-ids of what this side sent and the
/// peer has not settled. Windows are announced wide open (2^31-1 transfers) and never shrink:
/// link credit is what bounds traffic here, as in every Service Bus client.
/// </summary>
internal sealed class AmqpSession
{
    public const uint Window = int.MaxValue;

    /// <summary>
    /// The highest link handle the peer may use on a session (announced in begin): 4,096 links per
    /// session. The SDKs use a handful (one session per link, or a few links on a shared one) and
    /// number handles from 0; Microsoft.Azure.Amqp announces 262,143, AMQP.NET Lite 255.
    /// </summary>
    public const uint HandleMax = 4095;

    /// <summary>How long a detach or end echo waits for the work in flight to write its frames (normally milliseconds: an fsync).</summary>
    public static readonly TimeSpan LingerLimit = TimeSpan.FromSeconds(10);

    private readonly Dictionary<uint, AmqpLink> _links = [];
    private readonly ConcurrentDictionary<uint, (OutgoingLink Link, object? State)> _unsettled = new();
    private readonly object _linksGate = new();
    private uint _nextIncomingId;

    public AmqpSession(AmqpConnection connection, ushort localChannel, ushort remoteChannel, Begin begin)
    {
        Connection = connection;
        LocalChannel = localChannel;
        RemoteChannel = remoteChannel;
        _nextIncomingId = begin.NextOutgoingId;
    }

    public AmqpConnection Connection { get; }

    public ushort LocalChannel { get; }

    public ushort RemoteChannel { get; }

    /// <summary>Work of this session's links that will still write frames; the end echo waits for it.</summary>
    public PendingOperations Pending { get; } = new();

    /// <summary>Transfer-id (and delivery-id) of this side's next transfer; guarded by the writer's gate.</summary>
    public uint NextOutgoingId { get; set; }

    public void SendBegin() => Connection.Writer.Write(LocalChannel, new Begin
    {
        RemoteChannel = RemoteChannel,
        NextOutgoingId = 0,
        IncomingWindow = Window,
        OutgoingWindow = Window,
        HandleMax = AmqpSession.HandleMax,
    });

    /// <summary>A session-level flow plus, when given, a link's part.</summary>
    public Flow CreateFlow() => new()
    {
        NextIncomingId = _nextIncomingId,
        IncomingWindow = Window,
        NextOutgoingId = NextOutgoingId,
        OutgoingWindow = Window,
    };

    public void OnFrame(ulong code, in ReadOnlySequence<byte> body)
    {
        AmqpLink? link = null;
        try
        {
            switch (code)
            {
                case DescriptorCodes.Attach:
                    OnAttach(PerformativeDecoder.Decode<Attach>(body, out _));
                    return;
                case DescriptorCodes.Flow:
                    Flow flow = PerformativeDecoder.Decode<Flow>(body, out _);
                    if (flow.Handle is uint flowHandle)
                    {
                        link = Find(flowHandle);
                        link?.OnFlow(flow);
                    }
                    else if (flow.Echo)
                    {
                        Connection.Writer.Write(LocalChannel, CreateFlow());
                    }
                    return;
                case DescriptorCodes.Transfer:
                    Transfer transfer = PerformativeDecoder.Decode<Transfer>(body, out ReadOnlySequence<byte> payload);
                    _nextIncomingId++;
                    link = Find(transfer.Handle);
                    if (link is IncomingLink incoming)
                    {
                        incoming.OnTransfer(transfer, payload);
                    }
                    else if (link is not null)
                    {
                        throw AmqpProtocolException.Link(ErrorConditions.NotAllowed, "Transfer on a link this side sends on.");
                    }
                    return;
                case DescriptorCodes.Disposition:
                    OnDisposition(PerformativeDecoder.Decode<Disposition>(body, out _));
                    return;
                case DescriptorCodes.Detach:
                    OnDetach(PerformativeDecoder.Decode<Detach>(body, out _));
                    return;
            }
        }
        catch (AmqpProtocolException e) when (e.Scope == ErrorScope.Link && link is not null)
        {
            DetachWithError(link, e.ToError());
        }
        catch (AmqpProtocolException e) when (e.Scope == ErrorScope.Session)
        {
            Connection.EndSessionWithError(this, e.ToError());
        }
    }

    private AmqpLink? Find(uint handle)
    {
        lock (_linksGate)
        {
            return _links.TryGetValue(handle, out AmqpLink? link) ? link : null;
        }
    }

    private void OnAttach(Attach attach)
    {
        if (attach.Handle > HandleMax)
        {
            // Spec part 2, 2.7.3: a handle outside the supported range closes the connection with framing-error.
            throw AmqpProtocolException.Connection(ErrorConditions.FramingError, $"Handle {attach.Handle} exceeds the session's handle-max of {HandleMax}.");
        }
        int linkCount;
        lock (_linksGate)
        {
            if (_links.ContainsKey(attach.Handle))
            {
                throw AmqpProtocolException.Session(ErrorConditions.HandleInUse, $"Handle {attach.Handle} is in use.");
            }
            linkCount = _links.Count;
        }
        ResourceTier limits = Connection.CurrentLimits;
        if (linkCount >= limits.LinksPerSession)
        {
            // Before authentication the tier is low: an anonymous peer cannot pile up links ($cbs included).
            Connection.Observer.ErrorSent(ErrorConditions.ResourceLimitExceeded.ToString());
            Refuse(attach, new AmqpError(ErrorConditions.ResourceLimitExceeded, Connection.IsAuthenticated
                ? $"A session may have at most {limits.LinksPerSession} links."
                : $"A session may have at most {limits.LinksPerSession} links before the connection authenticates."));
            return;
        }
        AmqpLink? link;
        try
        {
            link = Connection.Application.CreateLink(this, attach);
        }
        catch (AmqpProtocolException e) when (e.Scope == ErrorScope.Link)
        {
            Refuse(attach, e.ToError());
            return;
        }
        catch (Exception e) when (Connection.Application.TryMapError(e) is { } error)
        {
            Refuse(attach, error);
            return;
        }
        lock (_linksGate)
        {
            _links[attach.Handle] = link;
        }
        Connection.Observer.LinksChanged(1);
        link.Start();
    }

    /// <summary>Answers an attach with a null terminus and detaches at once, the spec's way of refusing a link.</summary>
    public void Refuse(Attach attach, AmqpError error)
    {
        WriteRefusingAttach(attach);
        Connection.Writer.Write(LocalChannel, new Detach { Handle = attach.Handle, Closed = true, Error = error });
        AmqpLog.LinkDetached(Connection.Logger, attach.Name, null, error.Condition.ToString(), error.Description ?? "");
    }

    /// <summary>The attach half of a refusal: the peer's attach echoed with a null terminus on this side.</summary>
    public void WriteRefusingAttach(in Attach attach) => Connection.Writer.Write(LocalChannel, new Attach
    {
        Name = attach.Name,
        Handle = attach.Handle,
        Role = attach.Role == LinkRole.Sender ? LinkRole.Receiver : LinkRole.Sender,
        SndSettleMode = attach.SndSettleMode,
        RcvSettleMode = attach.RcvSettleMode,
        Source = attach.Role == LinkRole.Sender ? attach.Source : null,
        Target = attach.Role == LinkRole.Sender ? null : attach.Target,
        InitialDeliveryCount = attach.Role == LinkRole.Receiver ? 0u : null,
    });

    private void OnDisposition(Disposition disposition)
    {
        if (disposition.Role != LinkRole.Receiver)
        {
            // The peer settling deliveries it sent: this side settles those on arrival (rcv-settle-mode first).
            return;
        }
        uint first = disposition.First;
        uint last = disposition.Last ?? first;
        if (last - first > 10_000)
        {
            foreach (uint id in _unsettled.Keys)
            {
                if (id - first <= last - first)
                {
                    SettleOne(id, disposition);
                }
            }
            return;
        }
        for (uint id = first; ; id++)
        {
            SettleOne(id, disposition);
            if (id == last)
            {
                break;
            }
        }
    }

    private void SettleOne(uint deliveryId, in Disposition disposition)
    {
        if (_unsettled.TryRemove(deliveryId, out (OutgoingLink Link, object? State) entry))
        {
            entry.Link.OnDisposition(deliveryId, disposition, entry.State);
        }
    }

    /// <summary>Remembers which link sent an unsettled delivery (called under the writer's gate).</summary>
    public void TrackUnsettled(uint deliveryId, OutgoingLink link, object? state) => _unsettled[deliveryId] = (link, state);

    private void OnDetach(Detach detach)
    {
        AmqpLink? link;
        lock (_linksGate)
        {
            if (!_links.Remove(detach.Handle, out link))
            {
                // Our detach of a refused link crossed theirs: nothing left to do.
                return;
            }
        }
        Connection.Observer.LinksChanged(-1);
        bool echo = link.TryBeginDetach();
        link.Release();
        if (echo)
        {
            _ = EchoDetachAsync(link, detach.Closed);
        }
        else
        {
            // The peer's answer to a detach of ours.
            ForgetUnsettled(link);
        }
    }

    /// <summary>
    /// Answers the peer's detach once the link's work in flight has written its frames: settlements
    /// it asked for before detaching are answered while it still listens on the link, and
    /// deliveries already taken from the core go out before the detach, not after it. Usually
    /// nothing is in flight and the echo is written at once, on the read loop.
    /// </summary>
    private async Task EchoDetachAsync(AmqpLink link, bool closed)
    {
        Task idle = link.WhenIdleAsync();
        if (!idle.IsCompleted)
        {
            try
            {
                await idle.WaitAsync(LingerLimit).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Something is stuck (a disk that stopped answering): the detach goes anyway.
            }
        }
        link.WriteDetach(new Detach { Handle = link.Handle, Closed = closed });
        ForgetUnsettled(link);
    }

    /// <summary>Detaches a link from this side (link scope of the error ladder); safe from any thread.</summary>
    public void DetachWithError(AmqpLink link, AmqpError? error)
    {
        if (!link.TryBeginDetach())
        {
            return;
        }
        link.Release();
        if (error is not null)
        {
            Connection.Observer.ErrorSent(error.Condition.ToString());
            AmqpLog.LinkDetached(Connection.Logger, link.Name, link.Address, error.Condition.ToString(), error.Description ?? "");
        }
        link.WriteDetach(new Detach { Handle = link.Handle, Closed = true, Error = error });
    }

    /// <summary>
    /// Drops the deliveries of a detached link that the peer never settled: their locks stay until
    /// they expire (Service Bus keeps them too; the SDKs then settle through $management by lock
    /// token), and the session no longer answers for them.
    /// </summary>
    private void ForgetUnsettled(AmqpLink link)
    {
        if (link is not OutgoingLink outgoing || _unsettled.IsEmpty)
        {
            return;
        }
        foreach (KeyValuePair<uint, (OutgoingLink Link, object? State)> entry in _unsettled)
        {
            if (ReferenceEquals(entry.Value.Link, outgoing))
            {
                _unsettled.TryRemove(entry);
            }
        }
    }

    /// <summary>The session or connection ends: every link stops, gives back what it holds, and takes no new work.</summary>
    public void Release()
    {
        List<AmqpLink> links;
        lock (_linksGate)
        {
            links = [.. _links.Values];
            _links.Clear();
        }
        if (links.Count > 0)
        {
            Connection.Observer.LinksChanged(-links.Count);
        }
        foreach (AmqpLink link in links)
        {
            // The session (or connection) is ending: nothing more is written for its links.
            link.TryBeginDetach(answerAttach: false);
            link.Release();
        }
    }
}
