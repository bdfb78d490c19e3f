using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>
/// The header section. Null fields were absent on the wire and mean the spec defaults
/// (not durable, priority 4, no TTL, not first acquirer, delivery count 0); they stay null so a
/// re-encoded header is byte-identical.
/// </summary>
public sealed record MessageHeader : IAmqpEncodable
{
    public bool? Durable { get; init; }

    public byte? Priority { get; init; }

    /// <summary>Milliseconds.</summary>
    public uint? Ttl { get; init; }

    public bool? FirstAcquirer { get; init; }

    public uint? DeliveryCount { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Header);
        writer.WriteBooleanField(ref fields, Durable);
        writer.WriteUByteField(ref fields, Priority);
        writer.WriteUIntField(ref fields, Ttl);
        writer.WriteBooleanField(ref fields, FirstAcquirer);
        writer.WriteUIntField(ref fields, DeliveryCount);
        writer.EndFieldList(ref fields);
    }

    public static MessageHeader Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Header, "header");
        var header = new MessageHeader
        {
            Durable = reader.NextField(ref fields) ? reader.ReadBoolean() : null,
            Priority = reader.NextField(ref fields) ? reader.ReadUByte() : null,
            Ttl = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            FirstAcquirer = reader.NextField(ref fields) ? reader.ReadBoolean() : null,
            DeliveryCount = reader.NextField(ref fields) ? reader.ReadUInt() : null,
        };
        reader.EndFieldList(ref fields);
        return header;
    }
}
