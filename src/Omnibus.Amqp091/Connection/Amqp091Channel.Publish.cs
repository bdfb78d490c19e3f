using System.Threading.Channels;
using Omnibus.Amqp091.Codec;
using Omnibus.Core;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// basic.publish: method, content header, body frames, then one <c>PublishAsync</c> on the core.
/// Publishes start in the order they arrive; a loop awaits them in that order and sends
/// basic.return (mandatory and unroutable) before basic.ack, so confirms are strictly increasing.
/// </summary>
internal sealed partial class Amqp091Channel
{
    private PendingPublish? _publish;
    private bool _confirming;
    private ulong _nextPublishSequence = 1;
    private Channel<Published>? _published;

    private sealed class PendingPublish(string exchange, string routingKey, bool mandatory)
    {
        public string Exchange { get; } = exchange;
        public string RoutingKey { get; } = routingKey;
        public bool Mandatory { get; } = mandatory;
        public BasicProperties? Properties { get; set; }
        public byte[] Body { get; set; } = [];
        public int Received { get; set; }
    }

    private readonly record struct Published(ulong Sequence, PendingPublish Publish, BrokerMessage Message, Task<PublishResult> Result);

    private void BasicPublish(ref WireReader args)
    {
        args.ReadShort();
        string exchange = args.ReadShortString();
        string routingKey = args.ReadShortString();
        bool mandatory = args.ReadBit(), immediate = args.ReadBit();
        if (immediate)
        {
            throw new Amqp091Exception(ReplyCodes.NotImplemented, "NOT_IMPLEMENTED - immediate=true", false, 60, 40);
        }
        if (exchange.Length > 0 && !ExchangeOrTopicExists(exchange))
        {
            throw new Amqp091Exception(ReplyCodes.NotFound, $"NOT_FOUND - no exchange '{exchange}' in vhost '{Connection.Queues.Vhost}'", false, 60, 40);
        }
        _publish = new PendingPublish(exchange, routingKey, mandatory);
    }

    private bool ExchangeOrTopicExists(string exchange) => Exists(() => Broker.GetExchange(exchange)) || Broker.IsSendTarget(exchange);

    private Task OnContentHeaderAsync(ReadOnlySpan<byte> payload)
    {
        if (_publish is not { Properties: null } publish)
        {
            throw new Amqp091Exception(ReplyCodes.UnexpectedFrame, $"UNEXPECTED_FRAME - content header on channel {Id} without basic.publish", true);
        }
        ContentHeader header = ContentHeader.Read(payload);
        if (header.BodySize > 100UL * 1024 * 1024)
        {
            throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - message size {header.BodySize} is larger than configured max size 104857600", false, 60, 40);
        }
        publish.Properties = WithDirectReplyName(header.Properties);
        publish.Body = new byte[header.BodySize];
        return publish.Body.Length == 0 ? CompletePublishAsync(publish) : Task.CompletedTask;
    }

    private Task OnContentBodyAsync(ReadOnlyMemory<byte> chunk)
    {
        if (_publish is not { Properties: not null } publish || publish.Received + chunk.Length > publish.Body.Length)
        {
            throw new Amqp091Exception(ReplyCodes.UnexpectedFrame, $"UNEXPECTED_FRAME - body frame on channel {Id} beyond the announced content", true);
        }
        chunk.Span.CopyTo(publish.Body.AsSpan(publish.Received));
        publish.Received += chunk.Length;
        return publish.Received == publish.Body.Length ? CompletePublishAsync(publish) : Task.CompletedTask;
    }

    private Task CompletePublishAsync(PendingPublish publish)
    {
        _publish = null;
        BrokerMessage message = MessageMapping.ToCore(publish.Properties!, publish.Body);
        if (DelayOf(publish) is long delayMs)
        {
            // Routed now, visible in each queue it reached once the delay is over (the core's scheduled messages).
            message.ScheduledEnqueueTime = Connection.Clock.GetUtcNow().AddMilliseconds(delayMs);
        }
        if (_transactional)
        {
            _txPublishes.Add((publish, message));
            return Task.CompletedTask;
        }
        ulong sequence = _confirming ? _nextPublishSequence++ : 0;
        Task<PublishResult> result = Route(publish, message);
        if (!_confirming && !publish.Mandatory && result.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }
        _published ??= StartConfirmLoop();
        _published.Writer.TryWrite(new Published(sequence, publish, message, result));
        return Task.CompletedTask;
    }

    /// <summary>A positive <c>x-delay</c> header (ms) on a publish to a delayed-message exchange; null otherwise (no delay, as the plugin does for 0 or less).</summary>
    private long? DelayOf(PendingPublish publish)
    {
        if (publish.Exchange.Length == 0 || publish.Properties!.Headers?.GetValueOrDefault("x-delay") is not { } value)
        {
            return null;
        }
        long ms = value switch
        {
            sbyte v => v, byte v => v, short v => v, ushort v => v, int v => v, uint v => v, long v => v,
            byte[] text when long.TryParse(System.Text.Encoding.UTF8.GetString(text), System.Globalization.CultureInfo.InvariantCulture, out long parsed) => parsed,
            _ => 0,
        };
        return ms > 0 && Exists(() => Broker.GetExchange(publish.Exchange)) && Declarations.IsDelayed(Broker.GetExchange(publish.Exchange)) ? ms : null;
    }

    /// <summary>The core's publish through the exchange, or a direct reply; a refusal as a faulted task.</summary>
    private Task<PublishResult> Route(PendingPublish publish, BrokerMessage message)
    {
        try
        {
            return publish.Exchange.Length == 0 && IsDirectReplyName(publish.RoutingKey)
                ? PublishDirectReply(publish)
                : Broker.PublishAsync(publish.Exchange, publish.RoutingKey, message, Connection.Caller);
        }
        catch (MessagingException e)
        {
            return Task.FromException<PublishResult>(e);
        }
    }

    private void ConfirmSelect(ref WireReader args)
    {
        bool noWait = args.ReadBit();
        if (_transactional)
        {
            throw new Amqp091Exception(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - cannot switch from tx to confirm mode", false, 85, 10);
        }
        _confirming = true;
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.ConfirmSelectOk);
        }
    }

    private Channel<Published> StartConfirmLoop()
    {
        var queue = Channel.CreateUnbounded<Published>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _ = ConfirmLoopAsync(queue.Reader);
        return queue;
    }

    private async Task ConfirmLoopAsync(ChannelReader<Published> reader)
    {
        try
        {
            await foreach (Published p in reader.ReadAllAsync(Connection.Stopping).ConfigureAwait(false))
            {
                PublishResult? result = null;
                Exception? failure = null;
                try
                {
                    result = await p.Result.ConfigureAwait(false);
                }
                catch (Exception e) when (e is MessagingException or IOException or InvalidOperationException or ObjectDisposedException)
                {
                    failure = e;
                }
                if (result is { Routed: false } && p.Publish.Mandatory)
                {
                    Connection.SendContent(Id, MethodIds.BasicReturn,
                        w => w.Short(ReplyCodes.NoRoute).ShortString("NO_ROUTE").ShortString(p.Publish.Exchange).ShortString(p.Publish.RoutingKey),
                        p.Publish.Properties!, p.Publish.Body);
                }
                if (p.Sequence > 0)
                {
                    // Stored (or unroutable: confirmed at once, as RabbitMQ does) is an ack; a refusal a nack.
                    Connection.SendMethod(Id, failure is null ? MethodIds.BasicAck : MethodIds.BasicNack, w =>
                    {
                        w.LongLong(p.Sequence).Bit(false);
                        if (failure is not null)
                        {
                            w.Bit(false);
                        }
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
