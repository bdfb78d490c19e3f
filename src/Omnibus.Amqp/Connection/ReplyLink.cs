using System.Collections.Concurrent;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// The receiving half of a request/response pair ($cbs, $management): replies queue here and go
/// out, pre-settled, as credit allows. Requests find it through reply-to (its target address,
/// else its name), see <see cref="ReplyLinkRegistry"/>.
/// </summary>
internal sealed class ReplyLink : OutgoingLink
{
    private readonly ConcurrentQueue<byte[]> _replies = new();
    private readonly object _sendGate = new();
    private long _nextTag;

    public ReplyLink(AmqpSession session, Attach attach, string? address)
        : base(session, attach, address)
    {
        TargetAddress = (attach.Target as Target)?.Address;
    }

    public string? TargetAddress { get; }

    public override void Start()
    {
        Writer.Write(Session.LocalChannel, new Attach
        {
            Name = Name,
            Handle = Handle,
            Role = LinkRole.Sender,
            SndSettleMode = RemoteAttach.SndSettleMode,
            RcvSettleMode = RemoteAttach.RcvSettleMode,
            Source = RemoteAttach.Source,
            Target = RemoteAttach.Target,
            InitialDeliveryCount = 0,
        });
        Connection.ReplyLinks.Add(this);
    }

    public void Enqueue(byte[] encodedMessage)
    {
        _replies.Enqueue(encodedMessage);
        Pump();
    }

    protected override void OnCreditChanged() => Pump();

    private void Pump()
    {
        Span<byte> tag = stackalloc byte[8];
        lock (_sendGate)
        {
            while (!IsDetaching && !_replies.IsEmpty && TryTakeCredit())
            {
                _replies.TryDequeue(out byte[]? reply);
                BitConverter.TryWriteBytes(tag, _nextTag++);
                if (!SendDelivery(new DeliveryTag(tag), reply, settled: true))
                {
                    return;
                }
            }
            if (Draining && _replies.IsEmpty)
            {
                CompleteDrain();
            }
        }
    }

    public override void Release() => Connection.ReplyLinks.Remove(this);
}
