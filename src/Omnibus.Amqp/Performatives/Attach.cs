using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>
/// attach: opens a link. Null settle modes mean the defaults (sender mixed, receiver first).
/// <see cref="Unsettled"/> maps delivery tags (binary) to delivery states.
/// </summary>
public readonly record struct Attach : IPerformative<Attach>
{
    public static ulong DescriptorCode => DescriptorCodes.Attach;

    public string Name { get; init; }

    public uint Handle { get; init; }

    public LinkRole Role { get; init; }

    public SenderSettleMode? SndSettleMode { get; init; }

    public ReceiverSettleMode? RcvSettleMode { get; init; }

    public Source? Source { get; init; }

    public LinkTarget? Target { get; init; }

    public AmqpMap? Unsettled { get; init; }

    public bool IncompleteUnsettled { get; init; }

    public uint? InitialDeliveryCount { get; init; }

    public ulong? MaxMessageSize { get; init; }

    public AmqpSymbol[]? OfferedCapabilities { get; init; }

    public AmqpSymbol[]? DesiredCapabilities { get; init; }

    public AmqpMap? Properties { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Attach);
        writer.WriteStringField(ref fields, Name ?? string.Empty);
        writer.WriteUIntField(ref fields, Handle);
        writer.WriteBooleanField(ref fields, Role == LinkRole.Receiver);
        writer.WriteUByteField(ref fields, (byte?)SndSettleMode);
        writer.WriteUByteField(ref fields, (byte?)RcvSettleMode);
        writer.WriteValueField(ref fields, Source);
        writer.WriteValueField(ref fields, Target);
        writer.WriteMapField(ref fields, Unsettled);
        writer.WriteBooleanField(ref fields, IncompleteUnsettled ? true : null);
        writer.WriteUIntField(ref fields, InitialDeliveryCount);
        writer.WriteULongField(ref fields, MaxMessageSize);
        writer.WriteSymbolsField(ref fields, OfferedCapabilities);
        writer.WriteSymbolsField(ref fields, DesiredCapabilities);
        writer.WriteMapField(ref fields, Properties);
        writer.EndFieldList(ref fields);
    }

    public static Attach Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Attach, "attach");
        var attach = new Attach
        {
            Name = reader.NextField(ref fields) ? reader.ReadString() : throw AmqpDecodeException.MissingField("attach", "name"),
            Handle = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("attach", "handle"),
            Role = reader.NextField(ref fields)
                ? (reader.ReadBoolean() ? LinkRole.Receiver : LinkRole.Sender)
                : throw AmqpDecodeException.MissingField("attach", "role"),
            SndSettleMode = reader.NextField(ref fields) ? (SenderSettleMode)reader.ReadUByte() : null,
            RcvSettleMode = reader.NextField(ref fields) ? (ReceiverSettleMode)reader.ReadUByte() : null,
            Source = reader.NextField(ref fields) ? Source.Decode(ref reader) : null,
            Target = reader.NextField(ref fields) ? LinkTarget.Decode(ref reader) : null,
            Unsettled = reader.NextField(ref fields) ? reader.ReadMap() : null,
            IncompleteUnsettled = reader.NextField(ref fields) && reader.ReadBoolean(),
            InitialDeliveryCount = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            MaxMessageSize = reader.NextField(ref fields) ? reader.ReadULong() : null,
            OfferedCapabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            DesiredCapabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            Properties = reader.NextField(ref fields) ? reader.ReadMap() : null,
        };
        reader.EndFieldList(ref fields);
        return attach;
    }
}
