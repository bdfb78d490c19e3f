using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>Partial receipt of a delivery (used when resuming links).</summary>
public sealed record Received(uint SectionNumber, ulong SectionOffset) : DeliveryState
{
    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Received);
        writer.WriteUIntField(ref fields, SectionNumber);
        writer.WriteULongField(ref fields, SectionOffset);
        writer.EndFieldList(ref fields);
    }

    public static new Received Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Received, "received");
        var received = new Received(
            reader.NextField(ref fields) ? reader.ReadUInt() : throw AmqpDecodeException.MissingField("received", "section-number"),
            reader.NextField(ref fields) ? reader.ReadULong() : throw AmqpDecodeException.MissingField("received", "section-offset"));
        reader.EndFieldList(ref fields);
        return received;
    }
}

/// <summary>The accepted outcome; one shared instance, so settling a delivery allocates nothing.</summary>
public sealed record Accepted : Outcome
{
    public static readonly Accepted Instance = new();

    private Accepted()
    {
    }

    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Accepted);
        writer.EndFieldList(ref fields);
    }

    public static new Accepted Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Accepted, "accepted");
        reader.EndFieldList(ref fields);
        return Instance;
    }
}

/// <summary>The released outcome; one shared instance.</summary>
public sealed record Released : Outcome
{
    public static readonly Released Instance = new();

    private Released()
    {
    }

    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Released);
        writer.EndFieldList(ref fields);
    }

    public static new Released Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Released, "released");
        reader.EndFieldList(ref fields);
        return Instance;
    }
}

/// <summary>The rejected outcome (Service Bus dead-lettering carries its reason in <see cref="Error"/>).</summary>
public sealed record Rejected(AmqpError? Error = null) : Outcome
{
    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Rejected);
        AmqpError.EncodeField(ref writer, ref fields, Error);
        writer.EndFieldList(ref fields);
    }

    public static new Rejected Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Rejected, "rejected");
        var rejected = new Rejected(reader.NextField(ref fields) ? AmqpError.Decode(ref reader) : null);
        reader.EndFieldList(ref fields);
        return rejected;
    }
}

/// <summary>The modified outcome (Service Bus abandon and defer).</summary>
public sealed record Modified(bool? DeliveryFailed = null, bool? UndeliverableHere = null, AmqpMap? MessageAnnotations = null) : Outcome
{
    public override void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Modified);
        writer.WriteBooleanField(ref fields, DeliveryFailed);
        writer.WriteBooleanField(ref fields, UndeliverableHere);
        writer.WriteMapField(ref fields, MessageAnnotations);
        writer.EndFieldList(ref fields);
    }

    public static new Modified Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Modified, "modified");
        var modified = new Modified(
            reader.NextField(ref fields) ? reader.ReadBoolean() : null,
            reader.NextField(ref fields) ? reader.ReadBoolean() : null,
            reader.NextField(ref fields) ? reader.ReadMap() : null);
        reader.EndFieldList(ref fields);
        return modified;
    }
}
