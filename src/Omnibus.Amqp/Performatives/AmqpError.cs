using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>The error composite (amqp:error:list) carried by close, end, detach and rejected.</summary>
public sealed record AmqpError(AmqpSymbol Condition, string? Description = null, AmqpMap? Info = null) : IAmqpEncodable
{
    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Error);
        writer.WriteSymbolField(ref fields, Condition);
        writer.WriteStringField(ref fields, Description);
        writer.WriteMapField(ref fields, Info);
        writer.EndFieldList(ref fields);
    }

    public static AmqpError Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Error, "error");
        var error = new AmqpError(
            reader.NextField(ref fields) ? reader.ReadSymbol() : throw AmqpDecodeException.MissingField("error", "condition"),
            reader.NextField(ref fields) ? reader.ReadString() : null,
            reader.NextField(ref fields) ? reader.ReadMap() : null);
        reader.EndFieldList(ref fields);
        return error;
    }

    internal static void EncodeField(ref AmqpWriter writer, ref FieldListScope fields, AmqpError? error)
    {
        if (error is null)
        {
            writer.WriteNull();
        }
        else
        {
            error.Encode(ref writer);
        }

        writer.EndField(ref fields, error is not null);
    }
}
