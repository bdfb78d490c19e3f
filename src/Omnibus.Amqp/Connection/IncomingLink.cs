using System.Buffers;
using System.Threading.Channels;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Connection;

/// <summary>A whole delivery received on an <see cref="IncomingLink"/>.</summary>
internal sealed record IncomingDelivery(uint DeliveryId, bool Settled, uint MessageFormat, byte[] Payload, DeliveryState? State);

/// <summary>What an incoming link does with each delivery: send it to an entity, answer a request, run a transaction verb.</summary>
internal interface IDeliveryHandler
{
    /// <summary>Handles one delivery and returns the outcome to settle it with.</summary>
    Task<DeliveryState> HandleAsync(IncomingLink link, IncomingDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// True when <see cref="HandleAsync"/> does everything order-sensitive (for a send: the core's
    /// ordered append, which assigns the sequence number) before its first await. Then the link
    /// keeps many deliveries in flight, so they share the storage's group commit, and their order
    /// is still the order they arrived in.
    /// </summary>
    bool Pipelined => false;
}

/// <summary>
/// A pipelined handler that can take every delivery already waiting on the link at once (a send
/// handler: one core call and one append for many deliveries). Same contract as
/// <see cref="IDeliveryHandler.HandleAsync"/>: everything order-sensitive before the first await.
/// </summary>
internal interface IBatchDeliveryHandler : IDeliveryHandler
{
    /// <summary>One result per delivery, in order: the outcome, or the error to turn into one (as a thrown one would be).</summary>
    Task<(DeliveryState? Outcome, Exception? Error)[]> HandleManyAsync(IncomingLink link, IReadOnlyList<IncomingDelivery> deliveries, CancellationToken cancellationToken);
}

/// <summary>
/// A link the peer sends on (this side is the receiver). Frames are assembled on the read loop;
/// whole deliveries are handled in order by a worker — one at a time, or up to
/// <see cref="MaxInFlight"/> at once for a pipelined handler — and each is settled with a
/// disposition of this side's own (rcv-settle-mode first) as soon as its outcome is known.
/// </summary>
internal sealed class IncomingLink : AmqpLink, IDisposable
{
    /// <summary>Credit kept open for the peer; topped up when half is used, so a sender never waits for a flow round trip.</summary>
    private const uint CreditWindow = 500;

    /// <summary>
    /// Deliveries of one link handled at once by a pipelined handler. One at a time, a sender link
    /// got one message per fdatasync (~4,000 msg/s here); in flight together they share flushes.
    /// </summary>
    private const int MaxInFlight = 256;

    /// <summary>Deliveries a batch handler takes in one call at most.</summary>
    private const int MaxBatch = 256;

    private readonly IDeliveryHandler _handler;
    private readonly ulong _maxMessageSize;
    private readonly DeliveryAssembler _assembler;
    private readonly Channel<IncomingDelivery> _deliveries = Channel.CreateUnbounded<IncomingDelivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Messaging.LinkTarget? _target;
    private readonly DispositionCoalescer _acceptedDispositions;
    private uint _deliveryCount;
    private uint _credit;

    public IncomingLink(AmqpSession session, Attach attach, string? address, IDeliveryHandler handler, ulong maxMessageSize, Messaging.LinkTarget? target = null)
        : base(session, attach, address)
    {
        _handler = handler;
        _maxMessageSize = maxMessageSize;
        _assembler = new DeliveryAssembler(maxMessageSize);
        _deliveryCount = attach.InitialDeliveryCount ?? 0;
        _target = target ?? attach.Target;
        _acceptedDispositions = new DispositionCoalescer(session.Connection.Writer, session.LocalChannel, LinkRole.Receiver, Accepted.Instance, EndOperations);
    }

    public override void Start()
    {
        Writer.Write(Session.LocalChannel, new Attach
        {
            Name = Name,
            Handle = Handle,
            Role = LinkRole.Receiver,
            SndSettleMode = RemoteAttach.SndSettleMode,
            RcvSettleMode = ReceiverSettleMode.First,
            Source = RemoteAttach.Source,
            Target = _target,
            MaxMessageSize = _maxMessageSize,
        });
        _credit = CreditWindow;
        SendFlow();
        _ = RunWorkerAsync();
    }

    private void SendFlow() => Writer.Write(Session.LocalChannel, Session.CreateFlow() with
    {
        Handle = Handle,
        DeliveryCount = _deliveryCount,
        LinkCredit = _credit,
    });

    public override void OnFlow(in Flow flow)
    {
        if (flow.DeliveryCount is uint count)
        {
            // The sender may advance delivery-count (drain); credit stays anchored to what this side granted.
            uint used = count - _deliveryCount;
            _deliveryCount = count;
            _credit = used >= _credit ? 0 : _credit - used;
        }
        if (_credit < CreditWindow / 2 || flow.Echo)
        {
            _credit = CreditWindow;
            SendFlow();
        }
    }

    /// <summary>Called on the read loop for each transfer frame; the payload is copied before it returns.</summary>
    public void OnTransfer(in Transfer transfer, in ReadOnlySequence<byte> payload)
    {
        Transfer first;
        byte[] bytes;
        if (!_assembler.InProgress && !transfer.More)
        {
            if (transfer.Aborted)
            {
                CountDelivery();
                return;
            }
            if ((ulong)payload.Length > _maxMessageSize)
            {
                throw AmqpProtocolException.Link(ErrorConditions.MessageSizeExceeded, $"The message of {payload.Length} bytes exceeds the link's limit of {_maxMessageSize} bytes.");
            }
            first = transfer;
            bytes = payload.ToArray();
        }
        else
        {
            switch (_assembler.Add(transfer, payload))
            {
                case DeliveryAssemblyResult.Incomplete:
                    return;
                case DeliveryAssemblyResult.Aborted:
                    CountDelivery();
                    return;
                case DeliveryAssemblyResult.TooLarge:
                    throw AmqpProtocolException.Link(ErrorConditions.MessageSizeExceeded, $"The message exceeds the link's limit of {_maxMessageSize} bytes.");
                case DeliveryAssemblyResult.Mismatch:
                    throw AmqpProtocolException.Link(ErrorConditions.NotAllowed, "A continuation frame names another delivery.");
                default:
                    first = _assembler.First;
                    bytes = _assembler.Message.ToArray();
                    break;
            }
        }
        if (first.DeliveryId is not uint deliveryId)
        {
            throw AmqpProtocolException.Connection(ErrorConditions.DecodeError, "The first transfer of a delivery has no delivery-id.");
        }
        CountDelivery();
        // In flight until its disposition is written (or it is dropped): the detach echo waits for it.
        BeginOperation();
        if (!_deliveries.Writer.TryWrite(new IncomingDelivery(deliveryId, first.Settled ?? false, first.MessageFormat ?? 0, bytes, first.State)))
        {
            EndOperation();
        }
    }

    private void EndOperations(int count)
    {
        for (int i = 0; i < count; i++)
        {
            EndOperation();
        }
    }

    private void CountDelivery()
    {
        _deliveryCount++;
        _credit = _credit == 0 ? 0 : _credit - 1;
        if (_credit <= CreditWindow / 2)
        {
            _credit = CreditWindow;
            SendFlow();
        }
    }

    /// <summary>
    /// Handles the link's deliveries until <see cref="Release"/> completes the queue: the ones that
    /// arrived before a detach are still handled and answered (the detach echo waits for them).
    /// </summary>
    private async Task RunWorkerAsync()
    {
        using var window = new SemaphoreSlim(MaxInFlight);
        await foreach (IncomingDelivery delivery in _deliveries.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (!_handler.Pipelined)
            {
                if (!await SettleAsync(delivery).ConfigureAwait(false))
                {
                    break; // the link failed: what is still queued is dropped below
                }
                continue;
            }
            await window.WaitAsync().ConfigureAwait(false);
            // The handler runs synchronously up to the core's ordered append, so starting the next
            // call only after this one returns keeps arrival order. A batch handler takes what else
            // is already waiting along with the delivery.
            Task<bool> settling;
            if (_handler is IBatchDeliveryHandler batcher)
            {
                var batch = new List<IncomingDelivery> { delivery };
                while (batch.Count < MaxBatch && _deliveries.Reader.TryRead(out IncomingDelivery? next))
                {
                    batch.Add(next);
                }
                settling = SettleManyAsync(batcher, batch);
            }
            else
            {
                settling = SettleAsync(delivery);
            }
            _ = settling.ContinueWith(static (_, w) => ((SemaphoreSlim)w!).Release(), window, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        // The queue is complete: let the deliveries in flight finish and answer.
        for (int i = 0; i < MaxInFlight; i++)
        {
            await window.WaitAsync().ConfigureAwait(false);
        }
        // Deliveries queued but never handled (the link failed) are not in flight any more.
        while (_deliveries.Reader.TryRead(out _))
        {
            EndOperation();
        }
    }

    /// <summary>Handles one delivery and writes its disposition (ending its operation); false when the link failed and must stop.</summary>
    private async Task<bool> SettleAsync(IncomingDelivery delivery)
    {
        DeliveryState? outcome;
        try
        {
            outcome = await _handler.HandleAsync(this, delivery, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            outcome = OutcomeOf(e);
        }
        return Answer(delivery, outcome);
    }

    /// <summary>Handles deliveries with one call of a batch handler and writes their dispositions; false when the link failed.</summary>
    private async Task<bool> SettleManyAsync(IBatchDeliveryHandler handler, List<IncomingDelivery> batch)
    {
        (DeliveryState? Outcome, Exception? Error)[] results;
        try
        {
            results = await handler.HandleManyAsync(this, batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            DeliveryState? outcome = OutcomeOf(e);
            results = [.. batch.Select(_ => (outcome, (Exception?)null))];
        }
        bool alive = true;
        for (int i = 0; i < batch.Count; i++)
        {
            DeliveryState? outcome = results[i].Error is { } error ? OutcomeOf(error) : results[i].Outcome;
            alive &= Answer(batch[i], outcome, queueFlush: false);
        }
        // The whole batch is decided: its range leaves now, not after a trip through the thread
        // pool's queue (the peer's unsettled window waits on it).
        _acceptedDispositions.Flush();
        return alive;
    }

    /// <summary>The outcome a handler's error settles its delivery with; null when the link failed instead.</summary>
    private Rejected? OutcomeOf(Exception error)
    {
        switch (error)
        {
            case AmqpDecodeException e:
                return new Rejected(new AmqpError(ErrorConditions.DecodeError, e.Message));
            case AmqpProtocolException e when e.Scope == ErrorScope.Link:
                Fail(e.ToError());
                return null;
            default:
                if (Connection.Application.TryMapError(error) is { } mapped)
                {
                    return new Rejected(mapped);
                }
                AmqpLog.LinkUnexpected(Connection.Logger, Name, error);
                return new Rejected(new AmqpError(ErrorConditions.InternalError, "Internal error."));
        }
    }

    /// <summary>Writes a delivery's disposition (unless the peer settled it) and ends its operation; false when there is no outcome.</summary>
    private bool Answer(IncomingDelivery delivery, DeliveryState? outcome, bool queueFlush = true)
    {
        if (outcome is null || delivery.Settled)
        {
            EndOperation();
            return outcome is not null;
        }
        if (ReferenceEquals(outcome, Accepted.Instance))
        {
            _acceptedDispositions.Add(delivery.DeliveryId, queueFlush); // its operation ends when the range is written
            return true;
        }
        Writer.Write(Session.LocalChannel, new Disposition
        {
            Role = LinkRole.Receiver,
            First = delivery.DeliveryId,
            Settled = true,
            State = outcome,
        });
        EndOperation();
        return true;
    }

    public override void Release()
    {
        // Settlements already decided leave before the detach that follows. Deliveries that arrived
        // before the detach are still handled and settled (the worker finishes the queue, then
        // stops): the detach echo waits for them, so the peer learns every outcome, and nothing it
        // sent is silently dropped. A connection that is gone just loses the answers.
        _acceptedDispositions.Flush();
        _deliveries.Writer.TryComplete();
        // The assembler stays: Release may run on the worker while the read loop still holds a frame for it.
    }

    public void Dispose()
    {
        _assembler.Dispose();
    }
}
