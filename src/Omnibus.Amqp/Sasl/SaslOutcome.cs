using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Sasl;

/// <summary>sasl-code (ubyte).</summary>
public enum SaslCode : byte
{
    Ok = 0,
    Auth = 1,
    Sys = 2,
    SysPerm = 3,
    SysTemp = 4,
}

/// <summary>sasl-outcome: ends the SASL exchange.</summary>
public readonly record struct SaslOutcome(SaslCode Code, ReadOnlyMemory<byte>? AdditionalData = null) : IPerformative<SaslOutcome>
{
    public static ulong DescriptorCode => DescriptorCodes.SaslOutcome;

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.SaslOutcome);
        writer.WriteUByteField(ref fields, (byte)Code);
        writer.WriteBinaryField(ref fields, AdditionalData);
        writer.EndFieldList(ref fields);
    }

    public static SaslOutcome Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.SaslOutcome, "sasl-outcome");
        var outcome = new SaslOutcome(
            reader.NextField(ref fields) ? (SaslCode)reader.ReadUByte() : throw AmqpDecodeException.MissingField("sasl-outcome", "code"),
            reader.NextField(ref fields) ? reader.ReadBinaryMemory() : default(ReadOnlyMemory<byte>?));
        reader.EndFieldList(ref fields);
        return outcome;
    }
}
