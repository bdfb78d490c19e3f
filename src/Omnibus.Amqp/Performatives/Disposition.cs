using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>disposition: settles or updates the state of deliveries first..last (inclusive).</summary>
public readonly record struct Disposition : IPerformative<Disposition>
{
    public static ulong DescriptorCode => DescriptorCodes.Disposition;

    public LinkRole Role { get; init; }

    public uint First { get; init; }

    public uint? Last { get; init; }

    public bool Settled { get; init; }

    public DeliveryState? State { get; init; }

    public bool Batchable { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Disposition);
        writer.WriteBooleanField(ref fields, Role == LinkRole.Receiver);
        writer.WriteUIntField(ref fields, First);
        writer.WriteUIntField(ref fields, Last);
        writer.WriteBooleanField(ref fields, Settled ? true : null);
        DeliveryState.EncodeField(ref writer, ref fields, State);
        writer.WriteBooleanField(ref fields, Batchable ? true : null);
        writer.EndFieldList(ref fields);
    }

    public static Disposition Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Disposition, "disposition");
        var disposition = new Disposition
        {
            Role = reader.NextField(ref fields)
                ? (reader.ReadBoolean() ? LinkRole.Receiver : LinkRole.Sender)
                : throw AmqpDecodeException.MissingField("disposition", "role"),
            First = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("disposition", "first"),
            Last = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            Settled = reader.NextField(ref fields) && reader.ReadBoolean(),
            State = reader.NextField(ref fields) ? DeliveryState.Decode(ref reader) : null,
            Batchable = reader.NextField(ref fields) && reader.ReadBoolean(),
        };
        reader.EndFieldList(ref fields);
        return disposition;
    }
}
