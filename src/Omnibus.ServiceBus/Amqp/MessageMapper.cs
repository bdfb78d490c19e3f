using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;
using Omnibus.Core.Messages;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// BrokerMessage ⇄ AMQP message, the mapping written down in docs/service-bus-mapping.md. AMQP
/// properties with a canonical slot (docs/core.md) go there; the rest are kept in
/// <see cref="BrokerMessage.NativeFields"/> under <c>amqp:</c> names and restored on the way out,
/// so nothing a sender set is lost. Records of the first stored format keep these under
/// <see cref="V1NativeFields"/> names, which <see cref="AmqpNativeFields"/> reads too.
/// </summary>
internal static partial class MessageMapper
{
    // Native field names (the "amqp:" prefix is reserved by the AMQP spec, so no client annotation collides).
    internal const string MessageIdKey = "amqp:message-id";
    internal const string CorrelationIdKey = "amqp:correlation-id";
    internal const string UserIdKey = "amqp:user-id";
    internal const string ContentEncodingKey = "amqp:content-encoding";
    internal const string AbsoluteExpiryKey = "amqp:absolute-expiry-time";
    internal const string CreationTimeKey = "amqp:creation-time";
    internal const string GroupSequenceKey = "amqp:group-sequence";
    internal const string DurableKey = "amqp:durable";
    internal const string PriorityKey = "amqp:priority";
    internal const string FirstAcquirerKey = "amqp:first-acquirer";
    internal const string ReservedPrefix = "amqp:";

    /// <summary>Prefix of a message annotation kept verbatim (the rest of the name is its key).</summary>
    internal const string AnnotationPrefix = "amqp:annotation:";

    /// <summary>How the body bytes are AMQP-encoded sections: <see cref="BodyKindValue"/> or <see cref="BodyKindSequence"/>; absent for data.</summary>
    internal const string BodyKindKey = "amqp:body-kind";
    internal const byte BodyKindValue = 1;
    internal const byte BodyKindSequence = 2;

    private const ulong AmqpValueCode = 0x77;
    private const long MinUnixMilliseconds = -62_135_596_800_000;
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    /// <summary>An incoming AMQP message as the core's message.</summary>
    public static BrokerMessage ToBroker(AmqpMessage message)
    {
        var result = new BrokerMessage();
        if (message.Header is { } header)
        {
            if (header.Ttl is uint ttl && ttl > 0)
            {
                result.TimeToLive = TimeSpan.FromMilliseconds(ttl);
            }
            result.Durable = header.Durable;
            result.Priority = header.Priority;
            if (header.FirstAcquirer is bool firstAcquirer)
            {
                result.NativeFields[FirstAcquirerKey] = firstAcquirer;
            }
        }
        if (message.MessageAnnotations is { } annotations)
        {
            ReadAnnotations(annotations, result);
        }
        if (message.Properties is { } properties)
        {
            ReadProperties(properties, result);
        }
        if (message.ApplicationProperties is { } applicationProperties)
        {
            foreach (KeyValuePair<object?, object?> pair in applicationProperties)
            {
                string name = AmqpValueConverter.KeyText(pair.Key)
                    ?? throw new Core.MessagingException(Core.MessagingErrorCode.InvalidArgument, "Application property keys must be strings.");
                result.ApplicationProperties[name] = AmqpValueConverter.ToCore(pair.Value, name);
            }
        }
        ReadBody(message.Body, result);
        // Service Bus gives every message an id; the JS SDK's lock renewal keys on it.
        result.MessageId ??= Core.UniqueIds.NewGuid().ToString("N");
        return result;
    }

    private static void ReadAnnotations(AmqpMap annotations, BrokerMessage result)
    {
        foreach (KeyValuePair<object?, object?> pair in annotations)
        {
            string? key = AmqpValueConverter.KeyText(pair.Key);
            if (key is null)
            {
                continue;
            }
            switch (key)
            {
                case "x-opt-scheduled-enqueue-time":
                    result.ScheduledEnqueueTime = pair.Value switch
                    {
                        AmqpTimestamp t => t.ToDateTimeOffset(),
                        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                        _ => null,
                    };
                    break;
                case "x-opt-partition-key":
                    result.PartitionKey = pair.Value as string;
                    break;
                case "x-opt-via-partition-key":
                    result.ViaPartitionKey = pair.Value as string;
                    break;
                case "x-opt-sequence-number" or "x-opt-enqueued-time" or "x-opt-locked-until" or "x-opt-enqueue-sequence-number"
                    or "x-opt-message-state" or "x-opt-deadletter-source" or "x-opt-lock-token" or "x-opt-partition-id":
                    // Broker-owned: assigned afresh by this broker.
                    break;
                default:
                    if (!key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
                    {
                        result.NativeFields[AnnotationPrefix + key] = AmqpValueConverter.ToCore(pair.Value, key);
                    }
                    break;
            }
        }
    }

    private static void ReadProperties(MessageProperties properties, BrokerMessage result)
    {
        result.MessageId = IdToString(properties.MessageId, MessageIdKey, result);
        result.CorrelationId = IdToString(properties.CorrelationId, CorrelationIdKey, result);
        result.To = properties.To;
        result.Subject = properties.Subject;
        result.ReplyTo = properties.ReplyTo;
        result.ContentType = properties.ContentType?.ToString();
        result.SessionId = properties.GroupId;
        result.ReplyToSessionId = properties.ReplyToGroupId;
        result.UserId = properties.UserId?.ToArray();
        result.ContentEncoding = properties.ContentEncoding?.ToString();
        if (properties.AbsoluteExpiryTime is { } expiry)
        {
            result.NativeFields[AbsoluteExpiryKey] = expiry.UnixMilliseconds;
        }
        if (properties.CreationTime is { } creation)
        {
            if (creation.UnixMilliseconds is >= MinUnixMilliseconds and <= MaxUnixMilliseconds)
            {
                result.ProducerTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(creation.UnixMilliseconds);
            }
            else
            {
                result.NativeFields[CreationTimeKey] = creation.UnixMilliseconds; // outside DateTimeOffset's range: kept exact
            }
        }
        if (properties.GroupSequence is uint groupSequence)
        {
            result.NativeFields[GroupSequenceKey] = groupSequence;
        }
    }

    /// <summary>Message and correlation ids are strings in the core; another AMQP id type is kept typed under a reserved key.</summary>
    private static string? IdToString(object? id, string key, BrokerMessage result)
    {
        switch (id)
        {
            case null:
                return null;
            case string s:
                return s;
            case Guid g:
                result.NativeFields[key] = g;
                return g.ToString();
            case ulong u:
                result.NativeFields[key] = u;
                return u.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case ReadOnlyMemory<byte> b:
                result.NativeFields[key] = b.ToArray();
                return Convert.ToHexString(b.Span);
            default:
                return id.ToString();
        }
    }

    private static void ReadBody(MessageBody? body, BrokerMessage result)
    {
        switch (body)
        {
            case null:
                result.Body = ReadOnlyMemory<byte>.Empty;
                break;
            case DataBody data when data.Sections.Count == 1:
                result.Body = data.Sections[0];
                break;
            case DataBody data:
                // Several data sections: Service Bus exposes one body, the concatenation (as the .NET SDK does).
                int length = 0;
                foreach (ReadOnlyMemory<byte> section in data.Sections)
                {
                    length += section.Length;
                }
                byte[] joined = new byte[length];
                int offset = 0;
                foreach (ReadOnlyMemory<byte> section in data.Sections)
                {
                    section.CopyTo(joined.AsMemory(offset));
                    offset += section.Length;
                }
                result.Body = joined;
                break;
            case ValueBody value:
                result.NativeFields[BodyKindKey] = BodyKindValue;
                result.Body = EncodeSection(AmqpValueCode, value.Value);
                break;
            case SequenceBody sequence:
                result.NativeFields[BodyKindKey] = BodyKindSequence;
                result.Body = EncodeSequences(sequence);
                break;
        }
    }

    private static byte[] EncodeSection(ulong descriptor, object? value)
    {
        var writer = new AmqpWriter(256);
        try
        {
            writer.WriteDescriptor(descriptor);
            writer.WriteValue(value);
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static byte[] EncodeSequences(SequenceBody body)
    {
        var writer = new AmqpWriter(256);
        try
        {
            foreach (IList<object?> section in body.Sections)
            {
                writer.WriteDescriptor(DescriptorCodes.AmqpSequence);
                writer.WriteList(section);
            }
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }
}
