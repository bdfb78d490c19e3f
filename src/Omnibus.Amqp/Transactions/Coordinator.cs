using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Transactions;

/// <summary>The target of a transaction controller's link (attach target when a client starts transactions).</summary>
public sealed record Coordinator(AmqpSymbol[]? Capabilities = null) : LinkTarget
{
    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Coordinator);
        writer.WriteSymbolsField(ref fields, Capabilities);
        writer.EndFieldList(ref fields);
    }

    public static new Coordinator Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Coordinator, "coordinator");
        var coordinator = new Coordinator(reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null);
        reader.EndFieldList(ref fields);
        return coordinator;
    }
}
