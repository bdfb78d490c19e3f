using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>begin: starts a session on a channel. A null <see cref="HandleMax"/> means 4294967295.</summary>
public readonly record struct Begin : IPerformative<Begin>
{
    public static ulong DescriptorCode => DescriptorCodes.Begin;

    public ushort? RemoteChannel { get; init; }

    public uint NextOutgoingId { get; init; }

    public uint IncomingWindow { get; init; }

    public uint OutgoingWindow { get; init; }

    public uint? HandleMax { get; init; }

    public AmqpSymbol[]? OfferedCapabilities { get; init; }

    public AmqpSymbol[]? DesiredCapabilities { get; init; }

    public AmqpMap? Properties { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Begin);
        writer.WriteUShortField(ref fields, RemoteChannel);
        writer.WriteUIntField(ref fields, NextOutgoingId);
        writer.WriteUIntField(ref fields, IncomingWindow);
        writer.WriteUIntField(ref fields, OutgoingWindow);
        writer.WriteUIntField(ref fields, HandleMax);
        writer.WriteSymbolsField(ref fields, OfferedCapabilities);
        writer.WriteSymbolsField(ref fields, DesiredCapabilities);
        writer.WriteMapField(ref fields, Properties);
        writer.EndFieldList(ref fields);
    }

    public static Begin Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Begin, "begin");
        var begin = new Begin
        {
            RemoteChannel = reader.NextField(ref fields) ? reader.ReadUShort() : null,
            NextOutgoingId = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("begin", "next-outgoing-id"),
            IncomingWindow = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("begin", "incoming-window"),
            OutgoingWindow = reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("begin", "outgoing-window"),
            HandleMax = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            OfferedCapabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            DesiredCapabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            Properties = reader.NextField(ref fields) ? reader.ReadMap() : null,
        };
        reader.EndFieldList(ref fields);
        return begin;
    }
}
