using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>end: ends the session, optionally with an error.</summary>
public readonly record struct End : IPerformative<End>
{
    public End(AmqpError? error)
    {
        Error = error;
    }

    public static ulong DescriptorCode => DescriptorCodes.End;

    public AmqpError? Error { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.End);
        AmqpError.EncodeField(ref writer, ref fields, Error);
        writer.EndFieldList(ref fields);
    }

    public static End Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.End, "end");
        var result = new End(reader.NextField(ref fields) ? AmqpError.Decode(ref reader) : null);
        reader.EndFieldList(ref fields);
        return result;
    }
}
