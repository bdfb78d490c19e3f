using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>The state of a delivery as carried by transfer and disposition (received, outcomes, transactional-state).</summary>
public abstract record DeliveryState : IAmqpEncodable
{
    private protected DeliveryState()
    {
    }

    public abstract void Encode(ref AmqpWriter writer);

    /// <summary>Decodes any delivery state this codec knows; another descriptor is a decode error.</summary>
    public static DeliveryState Decode(ref AmqpReader reader) => reader.PeekDescriptorCode() switch
    {
        DescriptorCodes.Received => Received.Decode(ref reader),
        DescriptorCodes.TransactionalState => TransactionalState.Decode(ref reader),
        _ => Outcome.Decode(ref reader),
    };

    internal static void EncodeField(ref AmqpWriter writer, ref FieldListScope fields, DeliveryState? state)
    {
        if (state is null)
        {
            writer.WriteNull();
        }
        else
        {
            state.Encode(ref writer);
        }

        writer.EndField(ref fields, state is not null);
    }
}

/// <summary>A terminal delivery state: accepted, rejected, released, modified, or declared.</summary>
public abstract record Outcome : DeliveryState
{
    private protected Outcome()
    {
    }

    public static new Outcome Decode(ref AmqpReader reader) => reader.PeekDescriptorCode() switch
    {
        DescriptorCodes.Accepted => Accepted.Decode(ref reader),
        DescriptorCodes.Rejected => Rejected.Decode(ref reader),
        DescriptorCodes.Released => Released.Decode(ref reader),
        DescriptorCodes.Modified => Modified.Decode(ref reader),
        DescriptorCodes.Declared => Declared.Decode(ref reader),
        var code => throw new AmqpDecodeException($"Descriptor 0x{code:x} is not a delivery state."),
    };
}
