using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Sasl;

/// <summary>sasl-challenge: one step of a multi-step mechanism.</summary>
public readonly record struct SaslChallenge(ReadOnlyMemory<byte> Challenge) : IPerformative<SaslChallenge>
{
    public static ulong DescriptorCode => DescriptorCodes.SaslChallenge;

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.SaslChallenge);
        writer.WriteBinaryField(ref fields, Challenge);
        writer.EndFieldList(ref fields);
    }

    public static SaslChallenge Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.SaslChallenge, "sasl-challenge");
        var result = new SaslChallenge(reader.NextField(ref fields)
            ? reader.ReadBinaryMemory()
            : throw AmqpDecodeException.MissingField("sasl-challenge", "challenge"));
        reader.EndFieldList(ref fields);
        return result;
    }
}
