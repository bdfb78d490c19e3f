using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Sasl;

/// <summary>sasl-mechanisms: the server's offer (Service Bus clients need MSSBCBS and ANONYMOUS).</summary>
public readonly record struct SaslMechanisms(AmqpSymbol[] ServerMechanisms) : IPerformative<SaslMechanisms>
{
    public static ulong DescriptorCode => DescriptorCodes.SaslMechanisms;

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.SaslMechanisms);
        writer.WriteSymbolsField(ref fields, ServerMechanisms ?? []);
        writer.EndFieldList(ref fields);
    }

    public static SaslMechanisms Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.SaslMechanisms, "sasl-mechanisms");
        var mechanisms = new SaslMechanisms(reader.NextField(ref fields)
            ? reader.ReadSymbolMultiple()
            : throw AmqpDecodeException.MissingField("sasl-mechanisms", "sasl-server-mechanisms"));
        reader.EndFieldList(ref fields);
        return mechanisms;
    }
}
