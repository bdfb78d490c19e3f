using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>
/// The source terminus of a link (amqp:source:list). <see cref="Filter"/> is the filter-set map:
/// symbol keys, described values (<c>com.microsoft:session-filter</c>, selector filters, ...)
/// kept as <see cref="AmqpDescribed"/>.
/// </summary>
public sealed record Source : IAmqpEncodable
{
    public string? Address { get; init; }

    public TerminusDurability? Durable { get; init; }

    public AmqpSymbol? ExpiryPolicy { get; init; }

    public uint? Timeout { get; init; }

    public bool Dynamic { get; init; }

    public AmqpMap? DynamicNodeProperties { get; init; }

    public AmqpSymbol? DistributionMode { get; init; }

    public AmqpMap? Filter { get; init; }

    public Outcome? DefaultOutcome { get; init; }

    public AmqpSymbol[]? Outcomes { get; init; }

    public AmqpSymbol[]? Capabilities { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Source);
        writer.WriteStringField(ref fields, Address);
        writer.WriteUIntField(ref fields, (uint?)Durable);
        writer.WriteSymbolField(ref fields, ExpiryPolicy);
        writer.WriteUIntField(ref fields, Timeout);
        writer.WriteBooleanField(ref fields, Dynamic ? true : null);
        writer.WriteMapField(ref fields, DynamicNodeProperties);
        writer.WriteSymbolField(ref fields, DistributionMode);
        writer.WriteMapField(ref fields, Filter);
        DeliveryState.EncodeField(ref writer, ref fields, DefaultOutcome);
        writer.WriteSymbolsField(ref fields, Outcomes);
        writer.WriteSymbolsField(ref fields, Capabilities);
        writer.EndFieldList(ref fields);
    }

    public static Source Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Source, "source");
        var source = new Source
        {
            Address = reader.NextField(ref fields) ? reader.ReadString() : null,
            Durable = reader.NextField(ref fields) ? (TerminusDurability)reader.ReadUInt() : null,
            ExpiryPolicy = reader.NextField(ref fields) ? reader.ReadSymbol() : null,
            Timeout = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            Dynamic = reader.NextField(ref fields) && reader.ReadBoolean(),
            DynamicNodeProperties = reader.NextField(ref fields) ? reader.ReadMap() : null,
            DistributionMode = reader.NextField(ref fields) ? reader.ReadSymbol() : null,
            Filter = reader.NextField(ref fields) ? reader.ReadMap() : null,
            DefaultOutcome = reader.NextField(ref fields) ? Outcome.Decode(ref reader) : null,
            Outcomes = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
            Capabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
        };
        reader.EndFieldList(ref fields);
        return source;
    }
}
