using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>What an attach's target field holds: a <see cref="Target"/> or a transaction <see cref="Coordinator"/>.</summary>
public abstract record LinkTarget : IAmqpEncodable
{
    private protected LinkTarget()
    {
    }

    public abstract void Encode(ref AmqpWriter writer);

    public static LinkTarget Decode(ref AmqpReader reader) => reader.PeekDescriptorCode() switch
    {
        DescriptorCodes.Target => Target.Decode(ref reader),
        DescriptorCodes.Coordinator => Coordinator.Decode(ref reader),
        var code => throw new AmqpDecodeException($"Descriptor 0x{code:x} is not a link target."),
    };
}
