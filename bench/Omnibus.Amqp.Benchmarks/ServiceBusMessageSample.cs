using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Benchmarks;

/// <summary>A message shaped like what Azure.Messaging.ServiceBus sends: 1 KiB body, properties, application properties, annotations.</summary>
internal static class ServiceBusMessageSample
{
    public static AmqpMessage Create() => new()
    {
        Header = new MessageHeader { Durable = true, Ttl = 60_000 },
        MessageAnnotations = new AmqpMap
        {
            { KnownSymbols.ScheduledEnqueueTime, new AmqpTimestamp(1_700_000_000_000) },
            { KnownSymbols.PartitionKey, "customer-17" },
            { KnownSymbols.SequenceNumber, 1_234_567L },
            { KnownSymbols.EnqueuedTime, new AmqpTimestamp(1_700_000_000_000) },
        },
        Properties = new MessageProperties
        {
            MessageId = "7a3c6e1f0b2d4c5e8f9a0b1c2d3e4f50",
            To = "orders",
            Subject = "order-created",
            ReplyTo = "order-replies",
            CorrelationId = "c0ffee00-1234-5678-9abc-def012345678",
            ContentType = AmqpSymbol.FromString("application/json"),
            GroupId = "customer-17",
        },
        ApplicationProperties = new AmqpMap
        {
            { "tenant", "contoso" },
            { "region", "westeurope" },
            { "priority", 5 },
            { "amount", 129.95 },
            { "express", true },
            { "Diagnostic-Id", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        },
        Body = new DataBody(Enumerable.Range(0, 1024).Select(i => (byte)('a' + (i % 26))).ToArray()),
    };
}
