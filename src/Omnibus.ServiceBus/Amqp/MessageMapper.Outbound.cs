using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;
using Omnibus.Core.Messages;

namespace Omnibus.ServiceBus.Amqp;

internal static partial class MessageMapper
{
    private static readonly AmqpSymbol SequenceNumberKey = AmqpSymbol.FromString("x-opt-sequence-number");
    private static readonly AmqpSymbol EnqueuedTimeKey = AmqpSymbol.FromString("x-opt-enqueued-time");
    private static readonly AmqpSymbol EnqueueSequenceNumberKey = AmqpSymbol.FromString("x-opt-enqueue-sequence-number");
    private static readonly AmqpSymbol LockedUntilKey = AmqpSymbol.FromString("x-opt-locked-until");
    private static readonly AmqpSymbol ScheduledKey = AmqpSymbol.FromString("x-opt-scheduled-enqueue-time");
    private static readonly AmqpSymbol PartitionKeyKey = AmqpSymbol.FromString("x-opt-partition-key");
    private static readonly AmqpSymbol ViaPartitionKeyKey = AmqpSymbol.FromString("x-opt-via-partition-key");
    private static readonly AmqpSymbol DeadLetterSourceKey = AmqpSymbol.FromString("x-opt-deadletter-source");
    private static readonly AmqpSymbol MessageStateKey = AmqpSymbol.FromString("x-opt-message-state");

    /// <summary>A stored message as the AMQP message a receiver (or peek) gets, with the broker's annotations.</summary>
    public static AmqpMessage ToAmqp(BrokerMessage message)
    {
        var annotations = new AmqpMap
        {
            { SequenceNumberKey, WireSequenceNumbers.ToWire(message.SequenceNumber) },
            { EnqueuedTimeKey, AmqpTimestamp.FromDateTimeOffset(EnqueuedTime(message)) },
            { EnqueueSequenceNumberKey, WireSequenceNumbers.ToWire(message.SequenceNumber) },
            { MessageStateKey, (int)message.Delivery.State },
        };
        if (message.Delivery.LockedUntil != default)
        {
            annotations.Add(LockedUntilKey, AmqpTimestamp.FromDateTimeOffset(message.Delivery.LockedUntil));
        }
        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            annotations.Add(ScheduledKey, AmqpTimestamp.FromDateTimeOffset(scheduled));
        }
        if ((message.PartitionKey ?? KeyAsPartitionKey(message)) is { } partitionKey)
        {
            annotations.Add(PartitionKeyKey, partitionKey);
        }
        if (message.ViaPartitionKey is { } viaPartitionKey)
        {
            annotations.Add(ViaPartitionKeyKey, viaPartitionKey);
        }
        if (message.DeadLetterSource is { } deadLetterSource)
        {
            annotations.Add(DeadLetterSourceKey, deadLetterSource);
        }

        foreach (KeyValuePair<string, object?> pair in AmqpNativeFields.Annotations(message))
        {
            annotations.Add(AmqpSymbol.FromString(pair.Key), AmqpValueConverter.ToAmqp(pair.Value));
        }

        var result = new AmqpMessage
        {
            Header = new MessageHeader
            {
                Durable = message.Durable ?? AmqpNativeFields.Get<bool>(message, DurableKey),
                Priority = message.Priority ?? AmqpNativeFields.Get<byte>(message, PriorityKey),
                FirstAcquirer = AmqpNativeFields.Get<bool>(message, FirstAcquirerKey),
                Ttl = message.TimeToLive is { } ttl && ttl.TotalMilliseconds is > 0 and < uint.MaxValue ? (uint)ttl.TotalMilliseconds : null,
                DeliveryCount = (uint)Math.Max(0, message.Delivery.DeliveryCount + DeliveriesBeforeDeadLettering(message)),
            },
            MessageAnnotations = annotations,
            Properties = new MessageProperties
            {
                MessageId = StoredId(message, MessageIdKey) ?? message.MessageId ?? AssignedMessageId(message),
                CorrelationId = StoredId(message, CorrelationIdKey) ?? message.CorrelationId,
                To = message.To,
                Subject = message.Subject,
                ReplyTo = message.ReplyTo,
                ContentType = message.ContentType is { } contentType ? AmqpSymbol.FromString(contentType) : null,
                GroupId = message.SessionId,
                ReplyToGroupId = message.ReplyToSessionId,
                UserId = message.UserId ?? (AmqpNativeFields.TryGet(message, UserIdKey, out object? userId) && userId is byte[] bytes ? bytes : null),
                ContentEncoding = (message.ContentEncoding ?? (AmqpNativeFields.TryGet(message, ContentEncodingKey, out object? encoding) ? encoding as string : null)) is { } e ? AmqpSymbol.FromString(e) : null,
                AbsoluteExpiryTime = AmqpNativeFields.Get<long>(message, AbsoluteExpiryKey) is long expiry ? new AmqpTimestamp(expiry) : ExpiryOf(message),
                CreationTime = message.ProducerTimestamp is { } produced ? AmqpTimestamp.FromDateTimeOffset(produced)
                    : AmqpNativeFields.Get<long>(message, CreationTimeKey) is long creation ? new AmqpTimestamp(creation) : null,
                GroupSequence = AmqpNativeFields.Get<uint>(message, GroupSequenceKey),
            },
        };
        if (message.HasApplicationProperties)
        {
            var properties = new AmqpMap(message.ApplicationProperties.Count);
            foreach (KeyValuePair<string, object?> pair in DeadLetterProperties.Visible(message.ApplicationProperties))
            {
                properties.Add(pair.Key, AmqpValueConverter.ToAmqp(pair.Value));
            }
            result.ApplicationProperties = properties;
        }
        result.Body = AmqpNativeFields.BodyKind(message) is BodyKindValue or BodyKindSequence
            ? AmqpMessage.Decode(message.Body).Body
            : new DataBody(message.Body);
        return result;
    }

    /// <summary>Encodes <see cref="ToAmqp"/>'s message.</summary>
    public static byte[] Encode(BrokerMessage message) => ToAmqp(message).ToArray();

    /// <summary>Encodes a message for delivery into <paramref name="writer"/> (pooled: no array per message).</summary>
    public static void Encode(BrokerMessage message, ref AmqpWriter writer) => ToAmqp(message).Encode(ref writer);

    private static AmqpTimestamp? ExpiryOf(BrokerMessage message) =>
        message.ExpiresAt == DateTimeOffset.MaxValue ? null : AmqpTimestamp.FromDateTimeOffset(message.ExpiresAt);

    /// <summary>
    /// Every Service Bus message has an id (the SDKs key settlement and logging on it), but a Kafka record or an
    /// AMQP 0-9-1 publish may come without one: such a message gets one derived from its sequence number, the
    /// same on every delivery.
    /// </summary>
    private static string AssignedMessageId(BrokerMessage message) =>
        "omnibus-" + message.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A Kafka record's key shows as the partition key, Service Bus's word for the same idea (the key that places a
    /// message), when it is text a partition key can hold; a binary key stays on the message only.
    /// </summary>
    private static string? KeyAsPartitionKey(BrokerMessage message)
    {
        if (message.Key is not { Length: > 0 and <= MaxPartitionKeyBytes } key)
        {
            return null;
        }
        try
        {
            return StrictUtf8.GetString(key.Span);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    // Service Bus allows partition keys of up to 128 characters; a key beyond that is not shown as one.
    private const int MaxPartitionKeyBytes = 128;
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static object? StoredId(BrokerMessage message, string key) =>
        AmqpNativeFields.TryGet(message, key, out object? value) ? value switch
        {
            byte[] b => new ReadOnlyMemory<byte>(b),
            _ => value,
        } : null;

    /// <summary>
    /// A dead letter keeps, as in Service Bus, the delivery count it had when it was dead-lettered: the
    /// attempts where it came from (the core's neutral header) come before those in the dead-letter queue.
    /// </summary>
    private static int DeliveriesBeforeDeadLettering(BrokerMessage message) =>
        message.DeadLetterSource is not null
        && message.ApplicationProperties.TryGetValue(Core.Routing.DeadLetterHeaders.DeliveryCount, out object? count) && count is long n
            ? (int)Math.Clamp(n, 0, int.MaxValue)
            : 0;

    /// <summary>
    /// Service Bus enqueues a scheduled message when it is due: its enqueued time is the time it became
    /// available (the core stamps the time it was sent, and holds it until its scheduled time).
    /// </summary>
    private static DateTimeOffset EnqueuedTime(BrokerMessage message) =>
        message.ScheduledEnqueueTime is { } due && due > message.EnqueuedTime ? due : message.EnqueuedTime;
}
