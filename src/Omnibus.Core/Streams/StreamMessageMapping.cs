using System.Globalization;
using System.Text;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Streams;

/// <summary>
/// How a message sent to a topic reads in the topic's stream, and a stream record in the topic's
/// subscriptions and queues (docs/core.md, "A topic's stream"). Stream headers are bytes: the
/// canonical properties travel as headers of their canonical names in UTF-8, application
/// properties as UTF-8 text (byte arrays as they are), so a Kafka consumer reads what a Service
/// Bus or RabbitMQ sender set, and a Kafka header named <c>content-type</c> becomes the content type.
/// </summary>
public static class StreamMessageMapping
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The record a topic's stream keeps of <paramref name="message"/> (its key, body, producer time or else enqueue time, headers).</summary>
    public static StreamRecord ToRecord(BrokerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new List<StreamHeader>();
        void Text(string name, string? value)
        {
            if (value is not null)
            {
                headers.Add(new StreamHeader(name, Encoding.UTF8.GetBytes(value)));
            }
        }
        Text(CanonicalHeaders.MessageId, message.MessageId);
        Text(CanonicalHeaders.CorrelationId, message.CorrelationId);
        Text(CanonicalHeaders.ContentType, message.ContentType);
        Text(CanonicalHeaders.ContentEncoding, message.ContentEncoding);
        Text(CanonicalHeaders.Subject, message.Subject);
        Text(CanonicalHeaders.ReplyTo, message.ReplyTo);
        Text(CanonicalHeaders.SessionId, message.SessionId);
        Text(CanonicalHeaders.AppId, message.AppId);
        if (message.UserId is { } user)
        {
            headers.Add(new StreamHeader(CanonicalHeaders.UserId, user));
        }
        if (message.HasApplicationProperties)
        {
            foreach ((string name, object? value) in message.ApplicationProperties)
            {
                if (HeaderBytes(value, out byte[]? bytes))
                {
                    headers.Add(new StreamHeader(name, bytes));
                }
            }
        }
        DateTimeOffset time = message.ProducerTimestamp ?? message.EnqueuedTime;
        return new StreamRecord
        {
            Key = KeyOf(message),
            Value = message.HasBody ? message.Body.ToArray() : null,
            Timestamp = time == default ? null : time.ToUnixTimeMilliseconds(),
            Headers = headers,
        };
    }

    /// <summary>The key a topic's stream partitions and compacts by: the message's key, else its partition key, else its session id.</summary>
    public static byte[]? KeyOf(BrokerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Key is { } key)
        {
            return key.ToArray();
        }
        string? text = message.PartitionKey ?? message.SessionId;
        return text is null ? null : Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The message a topic's subscriptions receive for a record appended to its stream.</summary>
    public static BrokerMessage ToMessage(StreamRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var message = new BrokerMessage();
        if (record.Value is { } value)
        {
            message.Body = value;
        }
        else
        {
            message.HasBody = false;
        }
        if (record.Key is { } key)
        {
            message.Key = key;
        }
        if (record.Timestamp is { } ms and >= 0)
        {
            message.ProducerTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        foreach (StreamHeader h in record.Headers)
        {
            string? text = h.Value is null ? null : TryText(h.Value);
            if (!SetCanonical(message, h.Name, text, h.Value))
            {
                message.ApplicationProperties.Add(h.Name, h.Value is null ? null : text ?? (object)h.Value);
            }
        }
        return message;
    }

    private static bool SetCanonical(BrokerMessage m, string name, string? text, byte[]? raw)
    {
        if (name == CanonicalHeaders.UserId && raw is not null && m.UserId is null)
        {
            m.UserId = raw;
            return true;
        }
        if (text is null)
        {
            return false;
        }
        switch (name)
        {
            case CanonicalHeaders.MessageId when m.MessageId is null: m.MessageId = text; return true;
            case CanonicalHeaders.CorrelationId when m.CorrelationId is null: m.CorrelationId = text; return true;
            case CanonicalHeaders.ContentType when m.ContentType is null: m.ContentType = text; return true;
            case CanonicalHeaders.ContentEncoding when m.ContentEncoding is null: m.ContentEncoding = text; return true;
            case CanonicalHeaders.Subject when m.Subject is null: m.Subject = text; return true;
            case CanonicalHeaders.ReplyTo when m.ReplyTo is null: m.ReplyTo = text; return true;
            case CanonicalHeaders.SessionId when m.SessionId is null: m.SessionId = text; return true;
            case CanonicalHeaders.AppId when m.AppId is null: m.AppId = text; return true;
            default: return false;
        }
    }

    // Nested values (lists, maps) have no one byte form a stream reader would expect: they are left out.
    private static bool HeaderBytes(object? value, out byte[]? bytes)
    {
        string? text = value switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => null,
        };
        bytes = value is byte[] raw ? raw : text is null ? null : Encoding.UTF8.GetBytes(text);
        return value is null or byte[] || text is not null;
    }

    private static string? TryText(byte[] bytes)
    {
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
