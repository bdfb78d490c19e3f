using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>Request/response plumbing shared by $cbs and $management: reading requests, routing replies.</summary>
internal static class RequestReply
{
    public static string? ApplicationString(AmqpMessage request, string key) =>
        request.ApplicationProperties is { } properties && properties.TryGetValue(key, out object? value)
            ? value switch
            {
                string s => s,
                AmqpSymbol s => s.ToString(),
                _ => null,
            }
            : null;

    /// <summary>
    /// Sends a reply to the link named by the request's reply-to: a receiver whose target
    /// address is it, else one whose name is it, else the reply link on the same node of this session.
    /// </summary>
    public static void Send(IncomingLink requestLink, AmqpMessage request, AmqpMap replyProperties, object? body)
    {
        string? replyTo = request.Properties?.ReplyTo;
        ReplyLink? link = requestLink.Connection.ReplyLinks.Find(replyTo);
        if (link is null)
        {
            return;
        }
        var reply = new AmqpMessage
        {
            Properties = new MessageProperties
            {
                CorrelationId = request.Properties?.MessageId,
                To = replyTo,
            },
            ApplicationProperties = replyProperties,
            Body = new ValueBody(body),
        };
        link.Enqueue(reply.ToArray());
    }
}
