using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Sasl;

/// <summary>sasl-init: the client's chosen mechanism and first response.</summary>
public readonly record struct SaslInit(AmqpSymbol Mechanism, ReadOnlyMemory<byte>? InitialResponse = null, string? Hostname = null)
    : IPerformative<SaslInit>
{
    public static ulong DescriptorCode => DescriptorCodes.SaslInit;

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.SaslInit);
        writer.WriteSymbolField(ref fields, Mechanism);
        writer.WriteBinaryField(ref fields, InitialResponse);
        writer.WriteStringField(ref fields, Hostname);
        writer.EndFieldList(ref fields);
    }

    public static SaslInit Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.SaslInit, "sasl-init");
        var init = new SaslInit(
            reader.NextField(ref fields) ? reader.ReadSymbol() : throw AmqpDecodeException.MissingField("sasl-init", "mechanism"),
            reader.NextField(ref fields) ? reader.ReadBinaryMemory() : default(ReadOnlyMemory<byte>?),
            reader.NextField(ref fields) ? reader.ReadString() : null);
        reader.EndFieldList(ref fields);
        return init;
    }
}
