using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>
/// open: negotiates connection parameters. Null optional fields mean the spec default
/// (max-frame-size 4294967295, channel-max 65535, no idle time-out).
/// </summary>
public readonly record struct Open : IPerformative<Open>
{
    public Open(string containerId)
    {
        ContainerId = containerId;
    }

    public static ulong DescriptorCode => DescriptorCodes.Open;

    public string ContainerId { get; init; }

    public string? Hostname { get; init; }

    public uint? MaxFrameSize { get; init; }

    public ushort? ChannelMax { get; init; }

    /// <summary>Milliseconds.</summary>
    public uint? IdleTimeOut { get; init; }

    public AmqpSymbol[]? OutgoingLocales { get; init; }

    public AmqpSymbol[]? IncomingLocales { get; init; }

    public AmqpSymbol[]? OfferedCapabilities { get; init; }

    public AmqpSymbol[]? DesiredCapabilities { get; init; }

    public AmqpMap? Properties { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Open);
        writer.WriteStringField(ref fields, ContainerId ?? string.Empty);
        writer.WriteStringField(ref fields, Hostname);
        writer.WriteUIntField(ref fields, MaxFrameSize);
        writer.WriteUShortField(ref fields, ChannelMax);
        writer.WriteUIntField(ref fields, IdleTimeOut);
        writer.WriteSymbolsField(ref fields, OutgoingLocales);
        writer.WriteSymbolsField(ref fields, IncomingLocales);
        writer.WriteSymbolsField(ref fields, OfferedCapabilities);
        writer.WriteSymbolsField(ref fields, DesiredCapabilities);
        writer.WriteMapField(ref fields, Properties);
        writer.EndFieldList(ref fields);
    }

    public static Open Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Open, "open");
        var open = new Open
        {
            ContainerId = reader.NextField(ref fields) ? reader.ReadString() : throw AmqpDecodeException.MissingField("open", "container-id"),
            Hostname = reader.NextField(ref fields) ? reader.ReadString() : null,
            MaxFrameSize = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            ChannelMax = reader.NextField(ref fields) ? reader.ReadUShort() : null,
            IdleTimeOut = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            OutgoingLocales = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            IncomingLocales = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            OfferedCapabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            DesiredCapabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            Properties = reader.NextField(ref fields) ? reader.ReadMap() : null,
        };
        reader.EndFieldList(ref fields);
        return open;
    }
}
