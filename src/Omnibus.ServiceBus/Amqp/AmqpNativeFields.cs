using Omnibus.Core.Messages;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// The AMQP front-end's native fields of a stored message, whichever record format wrote them:
/// today's <c>amqp:</c> names, or a first-format record's annotations map and body kind
/// (<see cref="V1NativeFields"/>), whose entries used the same <c>amqp:</c> names and kept
/// annotations under their own keys.
/// </summary>
internal static class AmqpNativeFields
{
    /// <summary>The value of native field <paramref name="name"/> (an <c>amqp:</c> name), from either format.</summary>
    public static bool TryGet(BrokerMessage message, string name, out object? value)
    {
        value = null;
        return message.HasNativeFields
            && (message.NativeFields.TryGetValue(name, out value) || message.NativeFields.TryGetValue(V1NativeFields.AnnotationPrefix + name, out value));
    }

    public static T? Get<T>(BrokerMessage message, string name)
        where T : struct =>
        TryGet(message, name, out object? value) && value is T typed ? typed : null;

    /// <summary>The message annotations kept verbatim, by their AMQP keys.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Annotations(BrokerMessage message)
    {
        if (!message.HasNativeFields)
        {
            yield break;
        }
        foreach (KeyValuePair<string, object?> field in message.NativeFields)
        {
            if (field.Key.StartsWith(MessageMapper.AnnotationPrefix, StringComparison.Ordinal))
            {
                yield return new(field.Key[MessageMapper.AnnotationPrefix.Length..], field.Value);
            }
            else if (field.Key.StartsWith(V1NativeFields.AnnotationPrefix, StringComparison.Ordinal)
                && !field.Key.AsSpan(V1NativeFields.AnnotationPrefix.Length).StartsWith(MessageMapper.ReservedPrefix, StringComparison.Ordinal))
            {
                yield return new(field.Key[V1NativeFields.AnnotationPrefix.Length..], field.Value);
            }
        }
    }

    /// <summary>The body kind byte: 0 for data sections, else <see cref="MessageMapper.BodyKindValue"/> or <see cref="MessageMapper.BodyKindSequence"/>.</summary>
    public static byte BodyKind(BrokerMessage message) =>
        message.HasNativeFields && (message.NativeFields.TryGetValue(MessageMapper.BodyKindKey, out object? kind) || message.NativeFields.TryGetValue(V1NativeFields.BodyKind, out kind)) && kind is byte b
            ? b
            : (byte)0;
}
