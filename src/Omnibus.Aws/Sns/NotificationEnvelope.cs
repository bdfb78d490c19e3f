using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Omnibus.Aws.Sqs;
using Omnibus.Core.Messages;

namespace Omnibus.Aws.Sns;

/// <summary>
/// The JSON notification SNS puts in an SQS message body when raw delivery is off: Type, MessageId,
/// (SequenceNumber on FIFO), TopicArn, Subject, Message, Timestamp, SignatureVersion, Signature, SigningCertURL,
/// UnsubscribeURL and MessageAttributes (<c>{"name": {"Type", "Value"}}</c>, binary values in base64).
/// The broker holds no AWS signing certificate: Signature is a SHA-256 digest of the signed fields, not a
/// signature a client can verify.
/// </summary>
internal static class NotificationEnvelope
{
    /// <summary>The native field with the SNS message id when the core's message id is a FIFO deduplication key.</summary>
    public const string MessageIdField = SqsService.MessageIdField;

    /// <summary>The native field with the text for SQS subscribers of a <c>MessageStructure=json</c> publish (its "sqs" entry).</summary>
    public const string SqsMessageField = "sns:sqs-message";

    public static string MessageIdOf(BrokerMessage m) =>
        (m.HasNativeFields && m.NativeFields.TryGetValue(MessageIdField, out object? id) ? id as string : null) ?? m.MessageId ?? Guid.NewGuid().ToString();

    /// <summary>The text SQS subscribers get: the "sqs" entry of a JSON-structured publish, else the body as UTF-8.</summary>
    public static string TextFor(BrokerMessage m) =>
        (m.HasNativeFields && m.NativeFields.TryGetValue(SqsMessageField, out object? text) ? text as string : null) ?? Encoding.UTF8.GetString(m.Body.Span);

    public static byte[] Build(BrokerMessage m, string topicArn, string subscriptionArn, string baseUrl, DateTimeOffset timestamp)
    {
        string messageId = MessageIdOf(m);
        string message = TextFor(m);
        string time = timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string digest = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"Message\n{message}\nMessageId\n{messageId}\n{(m.Subject is { } s ? $"Subject\n{s}\n" : "")}Timestamp\n{time}\nTopicArn\n{topicArn}\nType\nNotification\n")));
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("Type", "Notification");
            w.WriteString("MessageId", messageId);
            if (TopicAddress.IsFifo(topicArn) && m.SequenceNumber >= 0)
            {
                w.WriteString("SequenceNumber", m.SequenceNumber.ToString("D20", CultureInfo.InvariantCulture));
            }
            w.WriteString("TopicArn", topicArn);
            if (m.Subject is { } subject)
            {
                w.WriteString("Subject", subject);
            }
            w.WriteString("Message", message);
            w.WriteString("Timestamp", time);
            w.WriteString("SignatureVersion", "1");
            w.WriteString("Signature", digest);
            w.WriteString("SigningCertURL", $"{baseUrl}/SimpleNotificationService-omnibus.pem");
            w.WriteString("UnsubscribeURL", $"{baseUrl}/?Action=Unsubscribe&SubscriptionArn={Uri.EscapeDataString(subscriptionArn)}");
            List<KeyValuePair<string, SqsAttributeValue>> attributes = MessageAttributeMapping.FromHeaders(m, AllAttributes);
            if (attributes.Count > 0)
            {
                w.WriteStartObject("MessageAttributes");
                foreach ((string name, SqsAttributeValue value) in attributes)
                {
                    w.WriteStartObject(name);
                    w.WriteString("Type", value.DataType);
                    w.WriteString("Value", value.BinaryValue is { } b ? Convert.ToBase64String(b) : value.StringValue);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    public static readonly AttributeNameFilter AllAttributes = new(["All"]);
}
