using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>
/// transfer: one frame of a delivery. The message bytes follow the performative in the same
/// frame body (see <c>AmqpFrame</c> and <c>PerformativeDecoder</c>). Decoding allocates nothing
/// unless <see cref="State"/> is set: the tag lives inline.
/// </summary>
public readonly record struct Transfer : IPerformative<Transfer>
{
    public static ulong DescriptorCode => DescriptorCodes.Transfer;

    public uint Handle { get; init; }

    public uint? DeliveryId { get; init; }

    public DeliveryTag? DeliveryTag { get; init; }

    public uint? MessageFormat { get; init; }

    public bool? Settled { get; init; }

    public bool More { get; init; }

    public ReceiverSettleMode? RcvSettleMode { get; init; }

    public DeliveryState? State { get; init; }

    public bool Resume { get; init; }

    public bool Aborted { get; init; }

    public bool Batchable { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Transfer);
        writer.WriteUIntField(ref fields, Handle);
        writer.WriteUIntField(ref fields, DeliveryId);
        if (DeliveryTag is { } tag)
        {
            writer.WriteBinary(tag.Span);
        }
        else
        {
            writer.WriteNull();
        }

        writer.EndField(ref fields, DeliveryTag.HasValue);
        writer.WriteUIntField(ref fields, MessageFormat);
        writer.WriteBooleanField(ref fields, Settled);
        writer.WriteBooleanField(ref fields, More ? true : null);
        writer.WriteUByteField(ref fields, (byte?)RcvSettleMode);
        DeliveryState.EncodeField(ref writer, ref fields, State);
        writer.WriteBooleanField(ref fields, Resume ? true : null);
        writer.WriteBooleanField(ref fields, Aborted ? true : null);
        writer.WriteBooleanField(ref fields, Batchable ? true : null);
        writer.EndFieldList(ref fields);
    }

    public static Transfer Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Transfer, "transfer");
        var transfer = new Transfer
        {
            Handle = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("transfer", "handle"),
            DeliveryId = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            DeliveryTag = reader.NextField(ref fields) ? Performatives.DeliveryTag.Read(ref reader) : null,
            MessageFormat = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            Settled = reader.NextField(ref fields) ? reader.ReadBoolean() : null,
            More = reader.NextField(ref fields) && reader.ReadBoolean(),
            RcvSettleMode = reader.NextField(ref fields) ? (ReceiverSettleMode)reader.ReadUByte() : null,
            State = reader.NextField(ref fields) ? DeliveryState.Decode(ref reader) : null,
            Resume = reader.NextField(ref fields) && reader.ReadBoolean(),
            Aborted = reader.NextField(ref fields) && reader.ReadBoolean(),
            Batchable = reader.NextField(ref fields) && reader.ReadBoolean(),
        };
        reader.EndFieldList(ref fields);
        return transfer;
    }
}
