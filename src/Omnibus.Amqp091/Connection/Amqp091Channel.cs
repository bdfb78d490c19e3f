using Omnibus.Amqp091.Codec;
using Omnibus.Core;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// One channel: its methods dispatched to the core, a publish assembled from method, header and
/// body frames, consumers and the deliveries they hold. Runs on the connection's read loop; the
/// consumers' pumps and the confirm loop write from their own tasks.
/// </summary>
internal sealed partial class Amqp091Channel(Amqp091Connection connection, ushort id)
{
    private bool _closing;

    public ushort Id { get; } = id;

    public Amqp091Connection Connection { get; } = connection;

    public Task HandleAsync(Frame frame)
    {
        if (_closing)
        {
            // Waiting for close-ok: everything else is discarded (section 2.2.4).
            if (frame.Type == FrameType.Method && MethodReader.IdOf(frame.Payload.Span) is MethodIds.ChannelCloseOk or MethodIds.ChannelClose)
            {
                if (MethodReader.IdOf(frame.Payload.Span) == MethodIds.ChannelClose)
                {
                    Connection.SendMethod(Id, MethodIds.ChannelCloseOk);
                }
                Connection.Forget(Id);
            }
            return Task.CompletedTask;
        }
        switch (frame.Type)
        {
            case FrameType.Header:
                return OnContentHeaderAsync(frame.Payload.Span);
            case FrameType.Body:
                return OnContentBodyAsync(frame.Payload);
            case FrameType.Method:
                break;
            default:
                throw new Amqp091Exception(ReplyCodes.UnexpectedFrame, $"UNEXPECTED_FRAME - {frame.Type} frame on channel {Id}", true);
        }
        if (_publish is not null)
        {
            throw new Amqp091Exception(ReplyCodes.UnexpectedFrame, "UNEXPECTED_FRAME - a method arrived before the content of basic.publish was complete", true);
        }
        ReadOnlySpan<byte> payload = frame.Payload.Span;
        uint method = MethodReader.IdOf(payload);
        WireReader args = MethodReader.Arguments(payload);
        try
        {
            return Dispatch(method, ref args);
        }
        catch (MessagingException e)
        {
            throw ErrorMapping.ToChannelError(e, method);
        }
    }

    private Task Dispatch(uint method, ref WireReader args)
    {
        switch (method)
        {
            case MethodIds.ChannelClose:
                return CloseByPeerAsync();
            case MethodIds.ChannelFlow:
                if (!args.ReadBit())
                {
                    throw new Amqp091Exception(ReplyCodes.NotImplemented, "NOT_IMPLEMENTED - active=false is not supported", false, 20, 20);
                }
                Connection.SendMethod(Id, MethodIds.ChannelFlowOk, w => w.Bit(true));
                return Task.CompletedTask;
            case MethodIds.ExchangeDeclare: ExchangeDeclare(ref args); break;
            case MethodIds.ExchangeDelete: ExchangeDelete(ref args); break;
            case MethodIds.ExchangeBind: ExchangeBind(ref args, bind: true); break;
            case MethodIds.ExchangeUnbind: ExchangeBind(ref args, bind: false); break;
            case MethodIds.QueueDeclare: QueueDeclare(ref args); break;
            case MethodIds.QueueBind: QueueBind(ref args, bind: true); break;
            case MethodIds.QueueUnbind: QueueBind(ref args, bind: false); break;
            case MethodIds.QueueDelete: QueueDelete(ref args); break;
            case MethodIds.QueuePurge: return QueuePurgeAsync(ref args);
            case MethodIds.BasicQos: BasicQos(ref args); break;
            case MethodIds.BasicConsume: BasicConsume(ref args); break;
            case MethodIds.BasicCancel: BasicCancel(ref args); break;
            case MethodIds.BasicPublish: BasicPublish(ref args); break;
            case MethodIds.BasicGet: return BasicGetAsync(ref args);
            case MethodIds.BasicAck: BasicAck(ref args); break;
            case MethodIds.BasicNack: BasicNack(ref args); break;
            case MethodIds.BasicReject: BasicReject(ref args); break;
            case MethodIds.BasicRecover or MethodIds.BasicRecoverAsync: BasicRecover(method); break;
            case MethodIds.ConfirmSelect: ConfirmSelect(ref args); break;
            case MethodIds.TxSelect: TxSelect(); break;
            case MethodIds.TxCommit: return TxCommitAsync();
            case MethodIds.TxRollback: TxRollback(); break;
            default:
                throw new Amqp091Exception(ReplyCodes.CommandInvalid, $"COMMAND_INVALID - unknown method {MethodIds.ClassOf(method)}/{MethodIds.MethodOf(method)}", true, MethodIds.ClassOf(method), MethodIds.MethodOf(method));
        }
        return Task.CompletedTask;
    }

    /// <summary>A channel exception: its deliveries go back, the peer is told, and the rest is discarded until close-ok.</summary>
    public void CloseWithError(Amqp091Exception error)
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        _publish = null;
        _ = ReleaseAsync();
        Connection.SendMethod(Id, MethodIds.ChannelClose, w => w.Short(error.Code).ShortString(Amqp091Connection.Truncate(error.Message)).Short(error.ClassId).Short(error.MethodId));
    }

    private async Task CloseByPeerAsync()
    {
        _closing = true;
        await ReleaseAsync().ConfigureAwait(false);
        Connection.SendMethod(Id, MethodIds.ChannelCloseOk);
        Connection.Forget(Id);
    }

    /// <summary>Stops the consumers and requeues every delivery not acknowledged (as RabbitMQ does when a channel goes).</summary>
    public async Task ReleaseAsync()
    {
        StopTimeoutWatch();
        StopConsumers();
        await RequeueAllAsync().ConfigureAwait(false);
    }
}
