namespace Omnibus.Amqp.Types;

/// <summary>
/// Numeric descriptors of the spec's composite types (domain 0x00000000). Each also has a
/// symbolic name (<c>amqp:open:list</c>, ...) which peers may send instead; decoders accept both.
/// </summary>
public static class DescriptorCodes
{
    public const ulong Open = 0x10;
    public const ulong Begin = 0x11;
    public const ulong Attach = 0x12;
    public const ulong Flow = 0x13;
    public const ulong Transfer = 0x14;
    public const ulong Disposition = 0x15;
    public const ulong Detach = 0x16;
    public const ulong End = 0x17;
    public const ulong Close = 0x18;
    public const ulong Error = 0x1d;

    public const ulong Received = 0x23;
    public const ulong Accepted = 0x24;
    public const ulong Rejected = 0x25;
    public const ulong Released = 0x26;
    public const ulong Modified = 0x27;
    public const ulong Source = 0x28;
    public const ulong Target = 0x29;
    public const ulong DeleteOnClose = 0x2b;
    public const ulong DeleteOnNoLinks = 0x2c;
    public const ulong DeleteOnNoMessages = 0x2d;
    public const ulong DeleteOnNoLinksOrMessages = 0x2e;

    public const ulong Coordinator = 0x30;
    public const ulong Declare = 0x31;
    public const ulong Discharge = 0x32;
    public const ulong Declared = 0x33;
    public const ulong TransactionalState = 0x34;

    public const ulong SaslMechanisms = 0x40;
    public const ulong SaslInit = 0x41;
    public const ulong SaslChallenge = 0x42;
    public const ulong SaslResponse = 0x43;
    public const ulong SaslOutcome = 0x44;

    public const ulong Header = 0x70;
    public const ulong DeliveryAnnotations = 0x71;
    public const ulong MessageAnnotations = 0x72;
    public const ulong Properties = 0x73;
    public const ulong ApplicationProperties = 0x74;
    public const ulong Data = 0x75;
    public const ulong AmqpSequence = 0x76;
    public const ulong AmqpValue = 0x77;
    public const ulong Footer = 0x78;

    /// <summary>Returned by <see cref="FromSymbol"/> for a symbolic descriptor the spec does not define.</summary>
    public const ulong Unknown = ulong.MaxValue;

    private static readonly (ulong Code, byte[] Name)[] Names =
    [
        (Open, "amqp:open:list"u8.ToArray()), (Begin, "amqp:begin:list"u8.ToArray()),
        (Attach, "amqp:attach:list"u8.ToArray()), (Flow, "amqp:flow:list"u8.ToArray()),
        (Transfer, "amqp:transfer:list"u8.ToArray()), (Disposition, "amqp:disposition:list"u8.ToArray()),
        (Detach, "amqp:detach:list"u8.ToArray()), (End, "amqp:end:list"u8.ToArray()),
        (Close, "amqp:close:list"u8.ToArray()), (Error, "amqp:error:list"u8.ToArray()),
        (Received, "amqp:received:list"u8.ToArray()), (Accepted, "amqp:accepted:list"u8.ToArray()),
        (Rejected, "amqp:rejected:list"u8.ToArray()), (Released, "amqp:released:list"u8.ToArray()),
        (Modified, "amqp:modified:list"u8.ToArray()), (Source, "amqp:source:list"u8.ToArray()),
        (Target, "amqp:target:list"u8.ToArray()), (DeleteOnClose, "amqp:delete-on-close:list"u8.ToArray()),
        (DeleteOnNoLinks, "amqp:delete-on-no-links:list"u8.ToArray()),
        (DeleteOnNoMessages, "amqp:delete-on-no-messages:list"u8.ToArray()),
        (DeleteOnNoLinksOrMessages, "amqp:delete-on-no-links-or-messages:list"u8.ToArray()),
        (Coordinator, "amqp:coordinator:list"u8.ToArray()), (Declare, "amqp:declare:list"u8.ToArray()),
        (Discharge, "amqp:discharge:list"u8.ToArray()), (Declared, "amqp:declared:list"u8.ToArray()),
        (TransactionalState, "amqp:transactional-state:list"u8.ToArray()),
        (SaslMechanisms, "amqp:sasl-mechanisms:list"u8.ToArray()), (SaslInit, "amqp:sasl-init:list"u8.ToArray()),
        (SaslChallenge, "amqp:sasl-challenge:list"u8.ToArray()), (SaslResponse, "amqp:sasl-response:list"u8.ToArray()),
        (SaslOutcome, "amqp:sasl-outcome:list"u8.ToArray()),
        (Header, "amqp:header:list"u8.ToArray()), (DeliveryAnnotations, "amqp:delivery-annotations:map"u8.ToArray()),
        (MessageAnnotations, "amqp:message-annotations:map"u8.ToArray()), (Properties, "amqp:properties:list"u8.ToArray()),
        (ApplicationProperties, "amqp:application-properties:map"u8.ToArray()), (Data, "amqp:data:binary"u8.ToArray()),
        (AmqpSequence, "amqp:amqp-sequence:list"u8.ToArray()), (AmqpValue, "amqp:amqp-value:*"u8.ToArray()),
        (Footer, "amqp:footer:map"u8.ToArray()),
    ];

    /// <summary>Maps a symbolic descriptor of the spec to its numeric code, else <see cref="Unknown"/>.</summary>
    public static ulong FromSymbol(ReadOnlySpan<byte> name)
    {
        if (!name.StartsWith("amqp:"u8))
        {
            return Unknown;
        }

        foreach (var (code, text) in Names)
        {
            if (name.SequenceEqual(text))
            {
                return code;
            }
        }

        return Unknown;
    }
}
