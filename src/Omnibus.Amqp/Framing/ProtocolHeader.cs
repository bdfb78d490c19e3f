namespace Omnibus.Amqp.Framing;

/// <summary>What the first eight bytes of a connection announced.</summary>
public enum ProtocolHeaderKind
{
    /// <summary>"AMQP" 0 1.0.0: plain AMQP.</summary>
    Amqp,

    /// <summary>"AMQP" 3 1.0.0: a SASL layer comes first.</summary>
    Sasl,

    /// <summary>"AMQP" 2 1.0.0: a TLS upgrade, which this codec does not handle.</summary>
    Tls,

    /// <summary>"AMQP" followed by a protocol id or version we do not speak: answer with our header and close.</summary>
    Unsupported,

    /// <summary>The bytes do not start with "AMQP" at all (an HTTP request, random bytes, ...).</summary>
    NotAmqp,
}

/// <summary>The 8-byte protocol header: "AMQP", protocol id, major, minor, revision.</summary>
public readonly record struct ProtocolHeader(byte ProtocolId, byte Major, byte Minor, byte Revision)
{
    public const int Size = 8;

    public static readonly ProtocolHeader Amqp = new(0, 1, 0, 0);
    public static readonly ProtocolHeader Sasl = new(3, 1, 0, 0);
    public static readonly ProtocolHeader Tls = new(2, 1, 0, 0);

    public ProtocolHeaderKind Kind => this switch
    {
        (0, 1, 0, 0) => ProtocolHeaderKind.Amqp,
        (3, 1, 0, 0) => ProtocolHeaderKind.Sasl,
        (2, 1, 0, 0) => ProtocolHeaderKind.Tls,
        _ => ProtocolHeaderKind.Unsupported,
    };

    public void WriteTo(Span<byte> destination)
    {
        "AMQP"u8.CopyTo(destination);
        destination[4] = ProtocolId;
        destination[5] = Major;
        destination[6] = Minor;
        destination[7] = Revision;
    }
}
