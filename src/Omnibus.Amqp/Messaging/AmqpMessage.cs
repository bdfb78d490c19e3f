using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>
/// A message with every section typed. Decoded from memory the caller owns (binary values and
/// <see cref="Sections"/> are slices of it, not copies).
/// </summary>
public sealed class AmqpMessage
{
    /// <summary>message-format 0: a standard AMQP message.</summary>
    public const uint StandardFormat = 0;

    public MessageHeader? Header { get; set; }

    public AmqpMap? DeliveryAnnotations { get; set; }

    /// <summary>Symbol keys (x-opt-...). Service Bus broker annotations live here.</summary>
    public AmqpMap? MessageAnnotations { get; set; }

    public MessageProperties? Properties { get; set; }

    /// <summary>String keys, simple values.</summary>
    public AmqpMap? ApplicationProperties { get; set; }

    public MessageBody? Body { get; set; }

    public AmqpMap? Footer { get; set; }

    /// <summary>Where each section lay in the decoded bytes; null for a message built in code.</summary>
    public MessageSections? Sections { get; private set; }

    /// <summary>Decodes every section. <paramref name="encoded"/> must outlive the message.</summary>
    public static AmqpMessage Decode(ReadOnlyMemory<byte> encoded)
    {
        var reader = new AmqpReader(encoded);
        var message = new AmqpMessage();
        var order = new SectionOrder();
        List<ReadOnlyMemory<byte>>? data = null;
        List<IList<object?>>? sequences = null;
        var header = ReadOnlyMemory<byte>.Empty;
        var deliveryAnnotations = ReadOnlyMemory<byte>.Empty;
        var messageAnnotations = ReadOnlyMemory<byte>.Empty;
        var footer = ReadOnlyMemory<byte>.Empty;
        int bareStart = -1, bareEnd = -1, footerStart = -1;
        while (!reader.IsAtEnd)
        {
            var start = reader.Position;
            var code = reader.PeekDescriptorCode();
            order.Check(code);
            switch (code)
            {
                case DescriptorCodes.Header:
                    message.Header = MessageHeader.Decode(ref reader);
                    header = encoded[start..reader.Position];
                    continue;
                case DescriptorCodes.DeliveryAnnotations:
                    message.DeliveryAnnotations = ReadMapSection(ref reader);
                    deliveryAnnotations = encoded[start..reader.Position];
                    continue;
                case DescriptorCodes.MessageAnnotations:
                    message.MessageAnnotations = ReadMapSection(ref reader);
                    messageAnnotations = encoded[start..reader.Position];
                    continue;
                case DescriptorCodes.Footer:
                    message.Footer = ReadMapSection(ref reader);
                    footer = encoded[start..reader.Position];
                    footerStart = start;
                    continue;
                case DescriptorCodes.Properties:
                    message.Properties = MessageProperties.Decode(ref reader);
                    break;
                case DescriptorCodes.ApplicationProperties:
                    message.ApplicationProperties = ReadMapSection(ref reader);
                    break;
                case DescriptorCodes.Data:
                    reader.ReadDescriptorCode();
                    (data ??= []).Add(reader.ReadBinaryMemory());
                    break;
                case DescriptorCodes.AmqpSequence:
                    reader.ReadDescriptorCode();
                    (sequences ??= []).Add(reader.ReadList());
                    break;
                default:
                    reader.ReadDescriptorCode();
                    message.Body = new ValueBody(reader.ReadValue());
                    break;
            }

            bareStart = bareStart < 0 ? start : bareStart;
            bareEnd = reader.Position;
        }

        if (data is not null)
        {
            message.Body = new DataBody(data);
        }
        else if (sequences is not null)
        {
            message.Body = new SequenceBody(sequences);
        }

        var bare = MessageSections.Bare(encoded, bareStart, bareEnd, footerStart, footer.Length);
        message.Sections = new MessageSections(header, deliveryAnnotations, messageAnnotations, bare, footer);
        return message;
    }

    /// <summary>Encodes every section from the typed fields.</summary>
    public void Encode(ref AmqpWriter writer)
    {
        WriteAnnotations(ref writer);
        WriteBareMessage(ref writer);
        WriteMapSection(ref writer, DescriptorCodes.Footer, Footer);
    }

    /// <summary>
    /// Encodes header and annotations from the typed fields around the bare message exactly as
    /// it was received: the cheap way for a broker to stamp x-opt-sequence-number and friends on
    /// a stored message without touching what the sender wrote.
    /// </summary>
    public void EncodeWithBareMessage(ref AmqpWriter writer)
    {
        if (Sections is not { } sections)
        {
            throw new InvalidOperationException("Only a decoded message has its bare message bytes.");
        }

        WriteAnnotated(ref writer, Header, DeliveryAnnotations, MessageAnnotations, sections.BareMessage.Span, Footer);
    }

    /// <summary>
    /// Writes a message from its annotations and bare message bytes kept elsewhere (a broker that
    /// stored <see cref="MessageSections.BareMessage"/> and re-attaches fresh annotations on
    /// delivery, without a typed message at all).
    /// </summary>
    public static void WriteAnnotated(
        ref AmqpWriter writer,
        MessageHeader? header,
        AmqpMap? deliveryAnnotations,
        AmqpMap? messageAnnotations,
        scoped ReadOnlySpan<byte> bareMessage,
        AmqpMap? footer)
    {
        header?.Encode(ref writer);
        WriteMapSection(ref writer, DescriptorCodes.DeliveryAnnotations, deliveryAnnotations);
        WriteMapSection(ref writer, DescriptorCodes.MessageAnnotations, messageAnnotations);
        writer.WriteRaw(bareMessage);
        WriteMapSection(ref writer, DescriptorCodes.Footer, footer);
    }

    /// <summary>The encoded message as a new array (for tests and cold paths).</summary>
    public byte[] ToArray()
    {
        var writer = new AmqpWriter(1024);
        try
        {
            Encode(ref writer);
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private void WriteAnnotations(ref AmqpWriter writer)
    {
        Header?.Encode(ref writer);
        WriteMapSection(ref writer, DescriptorCodes.DeliveryAnnotations, DeliveryAnnotations);
        WriteMapSection(ref writer, DescriptorCodes.MessageAnnotations, MessageAnnotations);
    }

    private void WriteBareMessage(ref AmqpWriter writer)
    {
        Properties?.Encode(ref writer);
        WriteMapSection(ref writer, DescriptorCodes.ApplicationProperties, ApplicationProperties);
        switch (Body)
        {
            case DataBody data:
                // Indexed loops: foreach over an interface would box an enumerator per message.
                for (var i = 0; i < data.Sections.Count; i++)
                {
                    writer.WriteDescriptor(DescriptorCodes.Data);
                    writer.WriteBinary(data.Sections[i].Span);
                }

                break;
            case SequenceBody sequence:
                for (var i = 0; i < sequence.Sections.Count; i++)
                {
                    writer.WriteDescriptor(DescriptorCodes.AmqpSequence);
                    writer.WriteList(sequence.Sections[i]);
                }

                break;
            case ValueBody value:
                writer.WriteDescriptor(DescriptorCodes.AmqpValue);
                writer.WriteValue(value.Value);
                break;
        }
    }

    private static void WriteMapSection(ref AmqpWriter writer, ulong descriptor, AmqpMap? map)
    {
        if (map is not null)
        {
            writer.WriteDescriptor(descriptor);
            writer.WriteMap(map);
        }
    }

    private static AmqpMap ReadMapSection(ref AmqpReader reader)
    {
        reader.ReadDescriptorCode();
        return reader.ReadMap();
    }
}
