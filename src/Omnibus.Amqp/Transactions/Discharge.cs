using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Transactions;

/// <summary>Body (amqp-value) of a message sent to the coordinator to commit (fail false) or roll back a transaction.</summary>
public sealed record Discharge(ReadOnlyMemory<byte> TxnId, bool? Fail = null) : IAmqpEncodable
{
    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Discharge);
        writer.WriteBinaryField(ref fields, TxnId);
        writer.WriteBooleanField(ref fields, Fail);
        writer.EndFieldList(ref fields);
    }

    public static Discharge Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Discharge, "discharge");
        var discharge = new Discharge(
            reader.NextField(ref fields) ? reader.ReadBinaryMemory() : throw AmqpDecodeException.MissingField("discharge", "txn-id"),
            reader.NextField(ref fields) ? reader.ReadBoolean() : null);
        reader.EndFieldList(ref fields);
        return discharge;
    }
}
