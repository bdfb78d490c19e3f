using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Sasl;

/// <summary>sasl-response: one step of a multi-step mechanism.</summary>
public readonly record struct SaslResponse(ReadOnlyMemory<byte> Response) : IPerformative<SaslResponse>
{
    public static ulong DescriptorCode => DescriptorCodes.SaslResponse;

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.SaslResponse);
        writer.WriteBinaryField(ref fields, Response);
        writer.EndFieldList(ref fields);
    }

    public static SaslResponse Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.SaslResponse, "sasl-response");
        var result = new SaslResponse(reader.NextField(ref fields)
            ? reader.ReadBinaryMemory()
            : throw AmqpDecodeException.MissingField("sasl-response", "response"));
        reader.EndFieldList(ref fields);
        return result;
    }
}
