using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Transactions;

/// <summary>
/// Body (amqp-value) of a message sent to the coordinator to start a transaction.
/// <see cref="GlobalId"/> is for distributed transactions, which Service Bus clients never send.
/// </summary>
public sealed record Declare(object? GlobalId = null) : IAmqpEncodable
{
    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Declare);
        writer.WriteValueField(ref fields, GlobalId);
        writer.EndFieldList(ref fields);
    }

    public static Declare Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Declare, "declare");
        var declare = new Declare(reader.NextField(ref fields) ? reader.ReadValue() : null);
        reader.EndFieldList(ref fields);
        return declare;
    }
}
