using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>flow: session windows and, when <see cref="Handle"/> is set, one link's credit.</summary>
public readonly record struct Flow : IPerformative<Flow>
{
    public static ulong DescriptorCode => DescriptorCodes.Flow;

    public uint? NextIncomingId { get; init; }

    public uint IncomingWindow { get; init; }

    public uint NextOutgoingId { get; init; }

    public uint OutgoingWindow { get; init; }

    public uint? Handle { get; init; }

    public uint? DeliveryCount { get; init; }

    public uint? LinkCredit { get; init; }

    public uint? Available { get; init; }

    public bool Drain { get; init; }

    public bool Echo { get; init; }

    public AmqpMap? Properties { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Flow);
        writer.WriteUIntField(ref fields, NextIncomingId);
        writer.WriteUIntField(ref fields, IncomingWindow);
        writer.WriteUIntField(ref fields, NextOutgoingId);
        writer.WriteUIntField(ref fields, OutgoingWindow);
        writer.WriteUIntField(ref fields, Handle);
        writer.WriteUIntField(ref fields, DeliveryCount);
        writer.WriteUIntField(ref fields, LinkCredit);
        writer.WriteUIntField(ref fields, Available);
        writer.WriteBooleanField(ref fields, Drain ? true : null);
        writer.WriteBooleanField(ref fields, Echo ? true : null);
        writer.WriteMapField(ref fields, Properties);
        writer.EndFieldList(ref fields);
    }

    public static Flow Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Flow, "flow");
        var flow = new Flow
        {
            NextIncomingId = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            IncomingWindow = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("flow", "incoming-window"),
            NextOutgoingId = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("flow", "next-outgoing-id"),
            OutgoingWindow = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("flow", "outgoing-window"),
            Handle = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            DeliveryCount = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            LinkCredit = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            Available = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            Drain = reader.NextField(ref fields) && reader.ReadBoolean(),
            Echo = reader.NextField(ref fields) && reader.ReadBoolean(),
            Properties = reader.NextField(ref fields) ? reader.ReadMap() : null,
        };
        reader.EndFieldList(ref fields);
        return flow;
    }
}
