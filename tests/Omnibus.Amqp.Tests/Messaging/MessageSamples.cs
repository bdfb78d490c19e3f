using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests;

/// <summary>Messages shaped like what the Service Bus SDKs send and receive.</summary>
internal static class MessageSamples
{
    public static AmqpMessage ServiceBusMessage(int bodySize = 1024) => new()
    {
        Header = new MessageHeader { Durable = true, Ttl = 60_000, DeliveryCount = 0 },
        MessageAnnotations = new AmqpMap
        {
            { KnownSymbols.SequenceNumber, 1234567L },
            { KnownSymbols.EnqueuedTime, new AmqpTimestamp(1_700_000_000_000) },
            { KnownSymbols.LockedUntil, new AmqpTimestamp(1_700_000_060_000) },
            { AmqpSymbol.FromString("x-opt-message-state"), 0 },
        },
        Properties = new MessageProperties
        {
            MessageId = "order-42",
            To = "orders",
            Subject = "created",
            ReplyTo = "replies",
            CorrelationId = Guid.Parse("6b8c3a57-1d2e-4f60-9a7b-0c1d2e3f4a5b"),
            ContentType = AmqpSymbol.FromString("application/json"),
            CreationTime = new AmqpTimestamp(1_700_000_000_000),
            GroupId = "session-1",
        },
        ApplicationProperties = new AmqpMap
        {
            { "tenant", "contoso" },
            { "priority", 5 },
            { "amount", 12.5 },
            { "express", true },
            { "diagnostic-id", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        },
        Body = new DataBody(Enumerable.Range(0, bodySize).Select(i => (byte)('a' + (i % 26))).ToArray()),
    };
}
