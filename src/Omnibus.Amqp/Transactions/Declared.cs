using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Transactions;

/// <summary>The coordinator's outcome for a declare: the new transaction's id.</summary>
public sealed record Declared(ReadOnlyMemory<byte> TxnId) : Outcome
{
    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Declared);
        writer.WriteBinaryField(ref fields, TxnId);
        writer.EndFieldList(ref fields);
    }

    public static new Declared Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Declared, "declared");
        var declared = new Declared(
            reader.NextField(ref fields) ? reader.ReadBinaryMemory() : throw AmqpDecodeException.MissingField("declared", "txn-id"));
        reader.EndFieldList(ref fields);
        return declared;
    }
}
