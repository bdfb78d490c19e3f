using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// A link this side sends on (the peer is the receiver): link credit and delivery-count
/// (spec part 2, 2.6.7), drain and echo, and numbering deliveries in the order they are written.
/// </summary>
internal abstract class OutgoingLink : AmqpLink
{
    private readonly object _flowGate = new();
    private uint _deliveryCount;
    private uint _credit;
    private bool _drain;

    protected OutgoingLink(AmqpSession session, Attach attach, string? address)
        : base(session, attach, address)
    {
    }

    /// <summary>Credit the peer has granted and this side has not used.</summary>
    public uint Credit
    {
        get
        {
            lock (_flowGate)
            {
                return _credit;
            }
        }
    }

    public bool Draining
    {
        get
        {
            lock (_flowGate)
            {
                return _drain;
            }
        }
    }

    public override void OnFlow(in Flow flow)
    {
        lock (_flowGate)
        {
            if (flow.LinkCredit is uint granted)
            {
                // credit = delivery-count(peer's view) + link-credit - delivery-count(ours).
                uint peerCount = flow.DeliveryCount ?? _deliveryCount;
                long credit = (long)peerCount + granted - _deliveryCount;
                _credit = (uint)Math.Clamp(credit, 0, uint.MaxValue);
            }
            _drain = flow.Drain;
        }
        OnCreditChanged();
        if (flow.Echo)
        {
            SendFlow();
        }
    }

    /// <summary>Called after every flow from the peer.</summary>
    protected abstract void OnCreditChanged();

    /// <summary>Takes one credit; false when none is left.</summary>
    protected bool TryTakeCredit()
    {
        lock (_flowGate)
        {
            if (_credit == 0)
            {
                return false;
            }
            _credit--;
            _deliveryCount++;
            return true;
        }
    }

    /// <summary>Ends a drain: the unused credit is spent by advancing delivery-count, and the peer is told.</summary>
    protected void CompleteDrain()
    {
        lock (_flowGate)
        {
            if (!_drain)
            {
                return;
            }
            _deliveryCount += _credit;
            _credit = 0;
            _drain = false;
        }
        SendFlow(drain: true);
    }

    protected void SendFlow(bool drain = false)
    {
        Flow flow;
        lock (_flowGate)
        {
            flow = Session.CreateFlow() with
            {
                Handle = Handle,
                DeliveryCount = _deliveryCount,
                LinkCredit = _credit,
                Available = 0,
                Drain = drain || _drain,
            };
        }
        WriteLinkFrame(flow);
    }

    /// <summary>
    /// Writes a delivery with the next delivery-id of the session; credit must have been taken.
    /// False when the link's detach is already written: the delivery did not go out.
    /// </summary>
    protected bool SendDelivery(DeliveryTag tag, ReadOnlySpan<byte> payload, bool settled, object? state = null)
    {
        lock (Writer.Gate)
        {
            if (DetachWritten)
            {
                return false;
            }
            uint id = Session.NextOutgoingId++;
            if (!settled)
            {
                Session.TrackUnsettled(id, this, state);
            }
            Writer.WriteTransferLocked(Session.LocalChannel, new Transfer
            {
                Handle = Handle,
                DeliveryId = id,
                DeliveryTag = tag,
                MessageFormat = 0,
                Settled = settled,
            }, payload);
        }
        Writer.RequestFlush();
        return true;
    }

    /// <summary>The peer settled (or changed the state of) a delivery this link sent.</summary>
    public virtual void OnDisposition(uint deliveryId, in Disposition disposition, object? state)
    {
    }
}
