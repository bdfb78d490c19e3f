using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Transactions;

/// <summary>Wraps a delivery's outcome in a transaction (Service Bus sends and settles this way inside a TransactionScope).</summary>
public sealed record TransactionalState(ReadOnlyMemory<byte> TxnId, Outcome? Outcome = null) : DeliveryState
{
    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.TransactionalState);
        writer.WriteBinaryField(ref fields, TxnId);
        DeliveryState.EncodeField(ref writer, ref fields, Outcome);
        writer.EndFieldList(ref fields);
    }

    public static new TransactionalState Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.TransactionalState, "transactional-state");
        var state = new TransactionalState(
            reader.NextField(ref fields) ? reader.ReadBinaryMemory() : throw AmqpDecodeException.MissingField("transactional-state", "txn-id"),
            reader.NextField(ref fields) ? Messaging.Outcome.Decode(ref reader) : null);
        reader.EndFieldList(ref fields);
        return state;
    }
}
