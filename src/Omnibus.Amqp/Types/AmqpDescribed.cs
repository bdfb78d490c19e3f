namespace Omnibus.Amqp.Types;

/// <summary>
/// A described value whose descriptor this codec does not map to a typed record (filters such
/// as <c>com.microsoft:session-filter</c>, Service Bus rule descriptions, extension types).
/// <see cref="Descriptor"/> is a <see cref="ulong"/> or an <see cref="AmqpSymbol"/>.
/// </summary>
public sealed record AmqpDescribed(object Descriptor, object? Value)
{
    public bool HasDescriptor(ulong code) => Descriptor is ulong value && value == code;

    public bool HasDescriptor(ReadOnlySpan<byte> symbol) => Descriptor is AmqpSymbol s && s.Equals(symbol);
}
