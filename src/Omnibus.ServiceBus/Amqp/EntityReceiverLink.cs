using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// A receiver on a queue, subscription or dead-letter queue (this side sends). A pump turns
/// link credit into core receives: it long-polls while credit is open, answers a drain at once
/// when nothing is there, and never takes more messages from the core than the peer granted.
/// PeekLock (rcv-settle-mode second) sends unsettled deliveries tagged with the lock token;
/// ReceiveAndDelete (snd-settle-mode settled) sends them pre-settled.
/// </summary>
internal sealed partial class EntityReceiverLink : OutgoingLink, IDisposable
{
    private static readonly AmqpSymbol LockedUntilUtc = AmqpSymbol.FromString("com.microsoft:locked-until-utc");
    private static readonly AmqpSymbol TimeoutProperty = AmqpSymbol.FromString("com.microsoft:timeout");

    /// <summary>About how many bytes of messages one batch takes from the core (256 KiB-class messages: 4 at a time).</summary>
    private const long BatchBytes = 1024 * 1024;

    private readonly Receivable _receivable;
    private readonly string _entityKey;
    private readonly ReceiveMode _mode;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _pollGate = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private CancellationTokenSource? _poll;
    private SessionLock? _session;
    private bool _released;

    /// <summary>Moving average of encoded message sizes; starts large so the first batch of unknown messages is small.</summary>
    private long _averageSize = 64 * 1024;

    public EntityReceiverLink(AmqpSession session, Attach attach, string address, Receivable receivable)
        : base(session, attach, address)
    {
        _receivable = receivable;
        _entityKey = EntityAddress.Key(address);
        _mode = attach.SndSettleMode == SenderSettleMode.Settled ? ReceiveMode.ReceiveAndDelete : ReceiveMode.PeekLock;
        // A session receiver answers only once it holds a session, which may take a while.
        DeferAttach();
    }

    public override void Start() => _ = StartAsync();

    private async Task StartAsync()
    {
        try
        {
            Source? source = RemoteAttach.Source;
            AmqpMap? properties = null;
            if (ServiceBusLinkFactory.TryGetFilter(source, KnownSymbols.SessionFilter, out object? filter))
            {
                string? wanted = filter switch
                {
                    AmqpDescribed d => d.Value as string,
                    string s => s,
                    _ => null,
                };
                SessionLock accepted = await _receivable.AcceptSessionAsync(wanted, SessionWait(), _stop.Token).ConfigureAwait(false);
                if (!HoldSession(accepted))
                {
                    return;
                }
                var sessionFilter = new AmqpMap { { KnownSymbols.SessionFilter, accepted.SessionId } };
                source = source! with { Filter = sessionFilter };
                properties = new AmqpMap { { LockedUntilUtc, accepted.LockedUntil.UtcTicks } };
            }
            bool attached = TryWriteAttach(new Attach
            {
                Name = Name,
                Handle = Handle,
                Role = LinkRole.Sender,
                SndSettleMode = RemoteAttach.SndSettleMode,
                RcvSettleMode = RemoteAttach.RcvSettleMode,
                Source = source,
                Target = RemoteAttach.Target,
                InitialDeliveryCount = 0,
                Properties = properties,
            });
            if (!attached)
            {
                // The peer detached while the session was being accepted (that detach wrote a refusing attach).
                return;
            }
            await PumpAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (MessagingException e)
        {
            // Refused after the fact (session not available / locked): null source, then detach with the error.
            if (TryRefuse(ErrorMapper.ToError(e)))
            {
                Release();
            }
        }
        catch (Exception e)
        {
            AmqpLog.LinkUnexpected(Connection.Logger, Name, e);
            Fail(new AmqpError(ErrorConditions.InternalError, "Internal error."));
        }
    }

    /// <summary>Records the accepted session lock; false (and the lock given back) when the link was released meanwhile.</summary>
    private bool HoldSession(SessionLock accepted)
    {
        lock (_pollGate)
        {
            if (!_released)
            {
                _session = accepted;
                Connection.SessionLocks.Set(_entityKey, accepted);
                return true;
            }
        }
        ReleaseSessionLock(accepted);
        return false;
    }

    private TimeSpan SessionWait()
    {
        if (RemoteAttach.Properties is { } props && props.TryGetValue(TimeoutProperty, out object? value))
        {
            long ms = value switch
            {
                uint u => u,
                int i => i,
                long l => l,
                ulong ul => (long)Math.Min(ul, int.MaxValue),
                _ => 60_000,
            };
            return TimeSpan.FromMilliseconds(Math.Max(0, ms));
        }
        return TimeSpan.FromSeconds(60);
    }

    protected override void OnCreditChanged()
    {
        lock (_pollGate)
        {
            // A drain or a withdrawn credit must not wait for the long poll to end.
            if (Draining || Credit == 0)
            {
                _poll?.Cancel();
            }
        }
        _wake.Release();
    }

    private async Task PumpAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            uint credit = Credit;
            bool drain = Draining;
            if (credit == 0)
            {
                if (drain)
                {
                    // Deliveries used up the credit of a drain: the spec (part 2, 2.6.7) still asks
                    // for the flow state, and the SDK's drain (on receiver close) waits for it.
                    CompleteDrain();
                    continue;
                }
                await _wake.WaitAsync(stop).ConfigureAwait(false);
                continue;
            }
            if (Writer.IsCongested)
            {
                // The peer is not reading what is already written: take nothing more from the core
                // (the messages stay available to other receivers). A drain is answered at once,
                // with no messages, which the spec allows.
                if (drain)
                {
                    CompleteDrain();
                    continue;
                }
                await WaitInterruptiblyAsync(async token =>
                {
                    await Writer.WhenWritableAsync(token).ConfigureAwait(false);
                    return true;
                }, drainSeen: false, stop).ConfigureAwait(false);
                continue;
            }
            // A batch taken from the core is written whole before a detach echo (which waits for
            // this operation): after the echo the peer would not know the handle, and after a
            // release (cancellation first, then the echo waits) no new batch is taken.
            BeginOperation();
            try
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }
                IReadOnlyList<BrokerMessage> messages;
                try
                {
                    int max = (int)Math.Min(credit, BatchSize());
                    TimeSpan wait = drain ? TimeSpan.Zero : Timeout.InfiniteTimeSpan;
                    messages = await WaitInterruptiblyAsync(
                        token => _session is null
                            ? _receivable.ReceiveAsync(max, wait, _mode, token)
                            : _receivable.ReceiveAsync(_session, max, wait, _mode, token),
                        drain,
                        stop).ConfigureAwait(false) ?? [];
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    continue;
                }
                if (messages.Count == 0 && !drain)
                {
                    // The long poll was interrupted (a drain, withdrawn credit): look again.
                    continue;
                }
                await DeliverAsync(messages, stop).ConfigureAwait(false);
                if (messages.Count == 0 && drain)
                {
                    CompleteDrain();
                }
            }
            finally
            {
                EndOperation();
            }
        }
    }

    /// <summary>
    /// Runs a wait the peer's flow can cut short: a drain or withdrawn credit cancels it (see
    /// <see cref="OnCreditChanged"/>); returns default then. The link's release throws.
    /// </summary>
    private async Task<T?> WaitInterruptiblyAsync<T>(Func<CancellationToken, Task<T>> wait, bool drainSeen, CancellationToken stop)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stop);
        lock (_pollGate)
        {
            _poll = poll;
            // A flow that came after the pump looked, but before this wait was registered.
            if ((Draining && !drainSeen) || Credit == 0)
            {
                poll.Cancel();
            }
        }
        try
        {
            return await wait(poll.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return default;
        }
        finally
        {
            lock (_pollGate)
            {
                _poll = null;
            }
        }
    }

    /// <summary>
    /// How many messages to take at once: up to 256, but about <see cref="BatchBytes"/> of them, so
    /// a batch of large messages does not sit in memory while the peer reads slowly.
    /// </summary>
    private int BatchSize() => (int)Math.Clamp(BatchBytes / Math.Max(1, Interlocked.Read(ref _averageSize)), 1, 256);

    /// <summary>
    /// Writes a batch, waiting while the connection is congested. Should the link be released
    /// meanwhile, a peek-lock batch's rest is given back to the core at once (abandoned: the
    /// attempt was counted when it was taken, as for an expired lock); a receive-and-delete rest is
    /// written anyway, since the core no longer has it.
    /// </summary>
    private async Task DeliverAsync(IReadOnlyList<BrokerMessage> messages, CancellationToken stop)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            if (Writer.IsCongested && !stop.IsCancellationRequested)
            {
                try
                {
                    await Writer.WhenWritableAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            if (stop.IsCancellationRequested && _mode == ReceiveMode.PeekLock)
            {
                for (int rest = i; rest < messages.Count; rest++)
                {
                    _ = AbandonQuietlyAsync(messages[rest].Delivery.LockToken);
                }
                return;
            }
            Deliver(messages[i]);
        }
    }

    private void Deliver(BrokerMessage message)
    {
        // The core hands out at most the credit asked for; should the peer withdraw credit meanwhile,
        // the delivery still goes (AMQP allows a sender to overrun withdrawn credit it had granted).
        TryTakeCredit();
        // Encoded into a pooled buffer and copied once, into the connection's output.
        var payload = new AmqpWriter(4096);
        bool sent;
        bool settled = _mode == ReceiveMode.ReceiveAndDelete;
        try
        {
            MessageMapper.Encode(message, ref payload);
            long average = Interlocked.Read(ref _averageSize);
            Interlocked.Exchange(ref _averageSize, average + ((payload.WrittenSpan.Length - average) / 8));
            DeliveryTag tag = settled ? SequenceTag(message.SequenceNumber) : DeliveryTag.FromLockToken(message.Delivery.LockToken);
            sent = SendDelivery(tag, payload.WrittenSpan, settled, message.Delivery.LockToken);
        }
        finally
        {
            payload.Dispose();
        }
        if (!sent && !settled)
        {
            // This side detached the link (an error) while the batch was out: give the lock back
            // at once rather than leave the message locked for nobody until the lock expires.
            _ = AbandonQuietlyAsync(message.Delivery.LockToken);
        }
    }

    private async Task AbandonQuietlyAsync(Guid lockToken)
    {
        try
        {
            await _receivable.AbandonAsync(lockToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessagingException or ObjectDisposedException)
        {
        }
    }

    private static DeliveryTag SequenceTag(long sequence)
    {
        Span<byte> bytes = stackalloc byte[8];
        BitConverter.TryWriteBytes(bytes, sequence);
        return new DeliveryTag(bytes);
    }

    public override void Release()
    {
        SessionLock? session;
        lock (_pollGate)
        {
            if (_released)
            {
                return;
            }
            _released = true;
            session = _session;
        }
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        if (session is not null)
        {
            ReleaseSessionLock(session);
        }
    }

    private void ReleaseSessionLock(SessionLock session)
    {
        Connection.SessionLocks.Remove(_entityKey, session.SessionId);
        try
        {
            _receivable.ReleaseSession(session);
        }
        catch (MessagingException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        _wake.Dispose();
    }
}
