using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>The target terminus of a link (amqp:target:list).</summary>
public sealed record Target : LinkTarget
{
    public string? Address { get; init; }

    public TerminusDurability? Durable { get; init; }

    public AmqpSymbol? ExpiryPolicy { get; init; }

    public uint? Timeout { get; init; }

    public bool Dynamic { get; init; }

    public AmqpMap? DynamicNodeProperties { get; init; }

    public AmqpSymbol[]? Capabilities { get; init; }

    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Target);
        writer.WriteStringField(ref fields, Address);
        writer.WriteUIntField(ref fields, (uint?)Durable);
        writer.WriteSymbolField(ref fields, ExpiryPolicy);
        writer.WriteUIntField(ref fields, Timeout);
        writer.WriteBooleanField(ref fields, Dynamic ? true : null);
        writer.WriteMapField(ref fields, DynamicNodeProperties);
        writer.WriteSymbolsField(ref fields, Capabilities);
        writer.EndFieldList(ref fields);
    }

    public static new Target Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Target, "target");
        var target = new Target
        {
            Address = reader.NextField(ref fields) ? reader.ReadString() : null,
            Durable = reader.NextField(ref fields) ? (TerminusDurability)reader.ReadUInt() : null,
            ExpiryPolicy = reader.NextField(ref fields) ? reader.ReadSymbol() : null,
            Timeout = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            Dynamic = reader.NextField(ref fields) && reader.ReadBoolean(),
            DynamicNodeProperties = reader.NextField(ref fields) ? reader.ReadMap() : null,
            Capabilities = reader.NextField(ref fields) ? reader.ReadSymbolMultiple() : null,
        };
        reader.EndFieldList(ref fields);
        return target;
    }
}
