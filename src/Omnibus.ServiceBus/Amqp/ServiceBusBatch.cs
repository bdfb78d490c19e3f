using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// The Service Bus batch format: a transfer with message-format 0x80013700 carries an envelope
/// message whose data sections each hold one complete encoded message.
/// </summary>
public static class ServiceBusBatch
{
    public const uint MessageFormat = 0x80013700;

    /// <summary>Decodes the messages inside a batch envelope; each is a slice of the envelope's memory.</summary>
    public static IReadOnlyList<AmqpMessage> Decode(AmqpMessage envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Body is not DataBody data)
        {
            throw new AmqpDecodeException("A batch envelope's body must be data sections.");
        }

        var messages = new AmqpMessage[data.Sections.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = AmqpMessage.Decode(data.Sections[i]);
        }

        return messages;
    }

    /// <summary>
    /// Builds an envelope the way the SDKs do: message-id, group-id and the partition-key
    /// annotation of the first message copied onto it, one data section per encoded message.
    /// </summary>
    public static AmqpMessage CreateEnvelope(IReadOnlyList<AmqpMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var first = messages.Count > 0 ? messages[0] : null;
        var envelope = new AmqpMessage
        {
            Body = new DataBody([.. messages.Select(m => (ReadOnlyMemory<byte>)m.ToArray())]),
        };
        if (first?.Properties is { } properties)
        {
            envelope.Properties = new MessageProperties { MessageId = properties.MessageId, GroupId = properties.GroupId };
        }

        if (first?.MessageAnnotations is { } annotations && annotations.TryGetValue("x-opt-partition-key"u8, out var key))
        {
            envelope.MessageAnnotations = new AmqpMap { { KnownSymbols.PartitionKey, key } };
        }

        return envelope;
    }
}
