using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>
/// A frame body type (the nine AMQP performatives and the five SASL frames). They are value
/// types so that decoding the hot ones (transfer, flow, disposition) allocates nothing; the
/// static <typeparamref name="TSelf"/>.Decode lets generic frame code avoid boxing.
/// </summary>
public interface IPerformative<TSelf>
    where TSelf : struct, IPerformative<TSelf>
{
    static abstract ulong DescriptorCode { get; }

    static abstract TSelf Decode(ref AmqpReader reader);

    void Encode(ref AmqpWriter writer);
}
