using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Messaging;

/// <summary>
/// The properties section (13 fields). <see cref="MessageId"/> and <see cref="CorrelationId"/>
/// are one of ulong, Guid, ReadOnlyMemory&lt;byte&gt; or string, as the spec's message-id allows.
/// </summary>
public sealed record MessageProperties : IAmqpEncodable
{
    public object? MessageId { get; init; }

    public ReadOnlyMemory<byte>? UserId { get; init; }

    public string? To { get; init; }

    public string? Subject { get; init; }

    public string? ReplyTo { get; init; }

    public object? CorrelationId { get; init; }

    public AmqpSymbol? ContentType { get; init; }

    public AmqpSymbol? ContentEncoding { get; init; }

    public AmqpTimestamp? AbsoluteExpiryTime { get; init; }

    public AmqpTimestamp? CreationTime { get; init; }

    public string? GroupId { get; init; }

    public uint? GroupSequence { get; init; }

    public string? ReplyToGroupId { get; init; }

    public void Encode(ref AmqpWriter writer)
    {
        var fields = writer.BeginFieldList(DescriptorCodes.Properties);
        writer.WriteValueField(ref fields, CheckMessageId(MessageId));
        writer.WriteBinaryField(ref fields, UserId);
        writer.WriteStringField(ref fields, To);
        writer.WriteStringField(ref fields, Subject);
        writer.WriteStringField(ref fields, ReplyTo);
        writer.WriteValueField(ref fields, CheckMessageId(CorrelationId));
        writer.WriteSymbolField(ref fields, ContentType);
        writer.WriteSymbolField(ref fields, ContentEncoding);
        writer.WriteTimestampField(ref fields, AbsoluteExpiryTime);
        writer.WriteTimestampField(ref fields, CreationTime);
        writer.WriteStringField(ref fields, GroupId);
        writer.WriteUIntField(ref fields, GroupSequence);
        writer.WriteStringField(ref fields, ReplyToGroupId);
        writer.EndFieldList(ref fields);
    }

    public static MessageProperties Decode(ref AmqpReader reader)
    {
        var fields = reader.ReadFieldList(DescriptorCodes.Properties, "properties");
        var properties = new MessageProperties
        {
            MessageId = reader.NextField(ref fields) ? ReadMessageId(ref reader) : null,
            UserId = reader.NextField(ref fields) ? reader.ReadBinaryMemory() : default(ReadOnlyMemory<byte>?),
            To = reader.NextField(ref fields) ? reader.ReadString() : null,
            Subject = reader.NextField(ref fields) ? reader.ReadString() : null,
            ReplyTo = reader.NextField(ref fields) ? reader.ReadString() : null,
            CorrelationId = reader.NextField(ref fields) ? ReadMessageId(ref reader) : null,
            ContentType = reader.NextField(ref fields) ? reader.ReadSymbol() : null,
            ContentEncoding = reader.NextField(ref fields) ? reader.ReadSymbol() : null,
            AbsoluteExpiryTime = reader.NextField(ref fields) ? reader.ReadTimestamp() : null,
            CreationTime = reader.NextField(ref fields) ? reader.ReadTimestamp() : null,
            GroupId = reader.NextField(ref fields) ? reader.ReadString() : null,
            GroupSequence = reader.NextField(ref fields) ? reader.ReadUInt() : null,
            ReplyToGroupId = reader.NextField(ref fields) ? reader.ReadString() : null,
        };
        reader.EndFieldList(ref fields);
        return properties;
    }

    private static object ReadMessageId(ref AmqpReader reader) => reader.ReadValue() switch
    {
        var id when id is ulong or Guid or ReadOnlyMemory<byte> or string => id,
        _ => throw new AmqpDecodeException("A message-id must be a ulong, uuid, binary or string."),
    };

    private static object? CheckMessageId(object? id) => id switch
    {
        null or ulong or Guid or ReadOnlyMemory<byte> or byte[] or string => id,
        _ => throw new InvalidOperationException($"A message-id cannot be a {id.GetType()}."),
    };
}
