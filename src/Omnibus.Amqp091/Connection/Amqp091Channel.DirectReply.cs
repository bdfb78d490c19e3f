using System.Security.Cryptography;
using Omnibus.Amqp091.Codec;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// Direct reply-to (<c>amq.rabbitmq.reply-to</c>): a pseudo-queue with no core queue behind it. A channel that
/// consumes it (no-ack only) gets a routable name <c>amq.rabbitmq.reply-to.…</c>; its publishes with that
/// reply-to carry the name, and a publish to the name on the default exchange is delivered straight to the
/// channel's reply consumer, from whichever connection it comes. Nothing is stored: a reply to a channel that
/// is gone is dropped (returned when mandatory), as in RabbitMQ.
/// </summary>
internal sealed partial class Amqp091Channel
{
    public const string DirectReplyTo = "amq.rabbitmq.reply-to";
    private const string DirectReplyPrefix = DirectReplyTo + ".";

    private string? _replyConsumerTag;
    private string? _replyName;

    private static bool IsDirectReplyName(string routingKey) => routingKey.StartsWith(DirectReplyPrefix, StringComparison.Ordinal);

    private void ConsumeDirectReply(string tag, bool noAck, bool noWait)
    {
        if (!noAck)
        {
            throw new Amqp091Exception(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - reply consumer cannot acknowledge", false, 60, 20);
        }
        if (_replyConsumerTag is not null)
        {
            throw new Amqp091Exception(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - reply consumer already set", false, 60, 20);
        }
        lock (_gate)
        {
            if (_consumers.ContainsKey(tag))
            {
                throw new Amqp091Exception(ReplyCodes.NotAllowed, $"NOT_ALLOWED - attempt to reuse consumer tag '{tag}'", true, 60, 20);
            }
        }
        _replyConsumerTag = tag;
        _replyName = DirectReplyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        Connection.Queues.AddReplyChannel(_replyName, this);
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.BasicConsumeOk, w => w.ShortString(tag));
        }
    }

    /// <summary>basic.cancel of the reply consumer, or its channel going: replies to its name are dropped from now on.</summary>
    private bool CancelDirectReply(string tag)
    {
        if (_replyConsumerTag != tag || _replyName is null)
        {
            return false;
        }
        StopDirectReply();
        return true;
    }

    private void StopDirectReply()
    {
        if (_replyName is { } name)
        {
            Connection.Queues.RemoveReplyChannel(name, this);
        }
        _replyConsumerTag = null;
        _replyName = null;
    }

    /// <summary>A publish whose reply-to is the pseudo-queue carries this channel's routable name instead; 406 without a reply consumer.</summary>
    private BasicProperties WithDirectReplyName(BasicProperties properties)
    {
        if (properties.ReplyTo != DirectReplyTo)
        {
            return properties;
        }
        return _replyName is { } name
            ? properties with { ReplyTo = name }
            : throw new Amqp091Exception(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - fast reply consumer does not exist", false, 60, 40);
    }

    /// <summary>A publish to <c>amq.rabbitmq.reply-to.…</c> on the default exchange: delivered to that channel's reply consumer, if it is still there.</summary>
    private Task<PublishResult> PublishDirectReply(PendingPublish publish)
    {
        bool delivered = Connection.Queues.ReplyChannel(publish.RoutingKey) is { } target && target.DeliverReply(publish.RoutingKey, publish.Properties!, publish.Body);
        return Task.FromResult(new PublishResult(delivered, []));
    }

    private bool DeliverReply(string name, BasicProperties properties, byte[] body)
    {
        string? tag = _replyConsumerTag;
        if (tag is null || _closing || _replyName != name)
        {
            return false;
        }
        ulong deliveryTag;
        lock (_gate)
        {
            deliveryTag = ++_lastDeliveryTag;
        }
        return Connection.SendContent(Id, MethodIds.BasicDeliver,
            w => w.ShortString(tag).LongLong(deliveryTag).Bit(false).ShortString("").ShortString(name),
            properties, body);
    }
}
