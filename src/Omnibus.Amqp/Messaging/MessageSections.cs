using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>
/// The encoded bytes of each part of a message, as slices of the buffer it was decoded from.
/// The bare message (properties, application-properties, body) is what the sender produced and
/// the spec forbids intermediaries to change: a broker stores it as received and re-encodes only
/// the annotations around it (see <see cref="AmqpMessage.EncodeWithBareMessage"/>).
/// Absent parts are empty.
/// </summary>
public readonly record struct MessageSections(
    ReadOnlyMemory<byte> Header,
    ReadOnlyMemory<byte> DeliveryAnnotations,
    ReadOnlyMemory<byte> MessageAnnotations,
    ReadOnlyMemory<byte> BareMessage,
    ReadOnlyMemory<byte> Footer)
{
    /// <summary>
    /// Finds the section boundaries of an encoded message without decoding any section's content
    /// (compounds are skipped by their size). Sections out of order are a decode error, except a
    /// footer before the body (see <see cref="SectionOrder"/>).
    /// </summary>
    public static MessageSections Split(ReadOnlyMemory<byte> encoded)
    {
        var reader = new AmqpReader(encoded);
        var header = ReadOnlyMemory<byte>.Empty;
        var deliveryAnnotations = ReadOnlyMemory<byte>.Empty;
        var messageAnnotations = ReadOnlyMemory<byte>.Empty;
        var footer = ReadOnlyMemory<byte>.Empty;
        int bareStart = -1, bareEnd = -1, footerStart = -1;
        var order = new SectionOrder();
        while (!reader.IsAtEnd)
        {
            var start = reader.Position;
            var code = reader.PeekDescriptorCode();
            order.Check(code);
            var section = reader.ReadEncodedValueMemory();
            switch (code)
            {
                case DescriptorCodes.Header: header = section; break;
                case DescriptorCodes.DeliveryAnnotations: deliveryAnnotations = section; break;
                case DescriptorCodes.MessageAnnotations: messageAnnotations = section; break;
                case DescriptorCodes.Footer: footer = section; footerStart = start; break;
                default:
                    bareStart = bareStart < 0 ? start : bareStart;
                    bareEnd = reader.Position;
                    break;
            }
        }

        var bare = Bare(encoded, bareStart, bareEnd, footerStart, footer.Length);
        return new MessageSections(header, deliveryAnnotations, messageAnnotations, bare, footer);
    }

    /// <summary>
    /// The bare message's bytes: a slice of the encoding, or, when the footer came inside it (before the
    /// body), a copy of the parts either side of the footer, so the bare message stays what the sender made.
    /// </summary>
    internal static ReadOnlyMemory<byte> Bare(ReadOnlyMemory<byte> encoded, int bareStart, int bareEnd, int footerStart, int footerLength)
    {
        if (bareStart < 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        if (footerStart < bareStart || footerStart >= bareEnd)
        {
            return encoded[bareStart..bareEnd];
        }
        int footerEnd = footerStart + footerLength;
        var joined = new byte[(footerStart - bareStart) + (bareEnd - footerEnd)];
        encoded.Span[bareStart..footerStart].CopyTo(joined);
        encoded.Span[footerEnd..bareEnd].CopyTo(joined.AsSpan(footerStart - bareStart));
        return joined;
    }
}

/// <summary>
/// Enforces the section order of the spec: each kind at most once, body sections of one kind, in sequence.
/// One departure is accepted, as Service Bus accepts it: a footer before the body, which is how rhea (under
/// @azure/service-bus) encodes a message with a footer.
/// </summary>
internal struct SectionOrder
{
    private int _rank;
    private ulong _bodyKind;
    private bool _bodySeen;
    private bool _footerSeen;

    public void Check(ulong code)
    {
        var rank = code switch
        {
            DescriptorCodes.Header => 1,
            DescriptorCodes.DeliveryAnnotations => 2,
            DescriptorCodes.MessageAnnotations => 3,
            DescriptorCodes.Properties => 4,
            DescriptorCodes.ApplicationProperties => 5,
            DescriptorCodes.Data or DescriptorCodes.AmqpSequence or DescriptorCodes.AmqpValue => 6,
            DescriptorCodes.Footer => 7,
            _ => throw new AmqpDecodeException($"Descriptor 0x{code:x} is not a message section."),
        };

        if (rank == 6)
        {
            // Data and amqp-sequence may repeat; amqp-value may not; kinds never mix.
            if (_rank == 6 && (_bodyKind != code || code == DescriptorCodes.AmqpValue))
            {
                throw new AmqpDecodeException("A message body mixes section kinds or repeats amqp-value.");
            }

            if (_rank > 6 && _bodySeen)
            {
                throw new AmqpDecodeException("A message section is out of order.");
            }

            _bodyKind = code;
            _bodySeen = true;
        }
        else if (rank <= _rank || (rank == 7 && _footerSeen))
        {
            throw new AmqpDecodeException("A message section is out of order or repeated.");
        }

        _footerSeen |= rank == 7;

        _rank = rank;
    }
}
