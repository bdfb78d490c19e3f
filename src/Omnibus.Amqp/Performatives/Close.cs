using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>close: ends the connection, optionally with an error.</summary>
public readonly record struct Close : IPerformative<Close>
{
    public Close(AmqpError? error)
    {
        Error = error;
    }

    public static ulong DescriptorCode => DescriptorCodes.Close;

    public AmqpError? Error { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Close);
        AmqpError.EncodeField(ref writer, ref fields, Error);
        writer.EndFieldList(ref fields);
    }

    public static Close Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Close, "close");
        var close = new Close(reader.NextField(ref fields) ? AmqpError.Decode(ref reader) : null);
        reader.EndFieldList(ref fields);
        return close;
    }
}
