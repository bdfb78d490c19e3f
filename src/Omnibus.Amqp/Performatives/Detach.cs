using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>detach: closes (or, with closed false, suspends) a link, optionally with an error.</summary>
public readonly record struct Detach : IPerformative<Detach>
{
    public static ulong DescriptorCode => DescriptorCodes.Detach;

    public uint Handle { get; init; }

    public bool Closed { get; init; }

    public AmqpError? Error { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Detach);
        writer.WriteUIntField(ref fields, Handle);
        writer.WriteBooleanField(ref fields, Closed ? true : null);
        AmqpError.EncodeField(ref writer, ref fields, Error);
        writer.EndFieldList(ref fields);
    }

    public static Detach Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Detach, "detach");
        var detach = new Detach
        {
            Handle = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("detach", "handle"),
            Closed = reader.NextField(ref fields) && reader.ReadBoolean(),
            Error = reader.NextField(ref fields) ? AmqpError.Decode(ref reader) : null,
        };
        reader.EndFieldList(ref fields);
        return detach;
    }
}
