using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml;
using Omnibus.Aws.Sqs;
using Omnibus.Core;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Aws.Sns;

/// <summary>
/// Publish and PublishBatch: checks as SNS checks, then one send to the core topic, which stores the message
/// for its Service Bus subscriptions and routes it through the topic's exchange to the subscribed queues.
/// </summary>
internal sealed partial class SnsService
{
    /// <summary>SNS's limit on a message with its attributes, and on a whole batch.</summary>
    private const int MaxMessageBytes = 256 * 1024;
    private const int MaxBatchEntries = 10;

    private sealed record PreparedPublish(BrokerMessage Message, string MessageId, int Size);

    private async Task<Action<XmlWriter>?> PublishAsync(SnsCall call)
    {
        if (call.Args.String("PhoneNumber") is { Length: > 0 })
        {
            throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: PhoneNumber Reason: SMS is not served by this broker");
        }
        string arnParameter = call.Args.String("TopicArn") is { Length: > 0 } ? "TopicArn" : "TargetArn";
        if (call.Args.String(arnParameter) is not { Length: > 0 })
        {
            throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
        }
        TopicDescription topic = TopicOf(call, arnParameter);
        TopicSettings settings = TopicSettings.Of(topic);
        PreparedPublish p = Prepare(call.Args, settings);
        long[] sequences = await _broker.SendAsync(topic.Name, [p.Message], call.Caller).ConfigureAwait(false);
        return w =>
        {
            w.WriteElementString("MessageId", p.MessageId);
            if (settings.IsFifo)
            {
                w.WriteElementString("SequenceNumber", Sequence(sequences[0]));
            }
        };
    }

    private static string Sequence(long sequence) => Math.Max(sequence, 0).ToString("D20", CultureInfo.InvariantCulture);

    private async Task<Action<XmlWriter>?> PublishBatchAsync(SnsCall call)
    {
        TopicDescription topic = TopicOf(call);
        TopicSettings settings = TopicSettings.Of(topic);
        IReadOnlyList<QueryArgs> entries = call.Args.Members("PublishBatchRequestEntries");
        if (entries.Count == 0)
        {
            throw new SnsException(SnsError.EmptyBatchRequest, "The batch request doesn't contain any entries.");
        }
        if (entries.Count > MaxBatchEntries)
        {
            throw new SnsException(SnsError.TooManyEntriesInBatchRequest, $"The batch request contains more entries than permissible ({MaxBatchEntries}).");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (QueryArgs e in entries)
        {
            string id = e.String("Id") ?? "";
            if (id.Length is < 1 or > 80 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new SnsException(SnsError.InvalidBatchEntryId, "The Id of a batch entry in a batch request doesn't abide by the specification.");
            }
            if (!ids.Add(id))
            {
                throw new SnsException(SnsError.BatchEntryIdsNotDistinct, "Two or more batch entries in the request have the same Id.");
            }
        }
        var prepared = new List<(string Id, PreparedPublish Publish)>();
        var failed = new List<(string Id, SnsException Error)>();
        foreach (QueryArgs e in entries)
        {
            string id = e.String("Id")!;
            try
            {
                prepared.Add((id, Prepare(e, settings)));
            }
            catch (SnsException x)
            {
                failed.Add((id, x));
            }
        }
        if (prepared.Sum(p => p.Publish.Size) > MaxMessageBytes)
        {
            throw new SnsException(SnsError.BatchRequestTooLong, $"The length of all the messages put together is more than the limit ({MaxMessageBytes} bytes).");
        }
        long[] sequences = [];
        if (prepared.Count > 0)
        {
            try
            {
                sequences = await _broker.SendAsync(topic.Name, [.. prepared.Select(p => p.Publish.Message)], call.Caller).ConfigureAwait(false);
            }
            catch (MessagingException x) when (x.Code != MessagingErrorCode.EntityNotFound)
            {
                SnsException error = ToSns(x);
                failed.AddRange(prepared.Select(p => (p.Id, error)));
                prepared.Clear();
            }
        }
        return w =>
        {
            w.WriteStartElement("Successful");
            for (int i = 0; i < prepared.Count; i++)
            {
                w.WriteStartElement("member");
                w.WriteElementString("Id", prepared[i].Id);
                w.WriteElementString("MessageId", prepared[i].Publish.MessageId);
                if (settings.IsFifo)
                {
                    w.WriteElementString("SequenceNumber", Sequence(sequences[i]));
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteStartElement("Failed");
            foreach ((string id, SnsException error) in failed)
            {
                w.WriteStartElement("member");
                w.WriteElementString("Id", id);
                w.WriteElementString("Code", error.Error.Code);
                w.WriteElementString("Message", error.Message);
                w.WriteElementString("SenderFault", error.Error.SenderFault ? "true" : "false");
                w.WriteEndElement();
            }
            w.WriteEndElement();
        };
    }

    /// <summary>Checks one message as SNS does and builds its envelope.</summary>
    private static PreparedPublish Prepare(QueryArgs args, TopicSettings settings)
    {
        string message = args.String("Message") is { Length: > 0 } text ? text : throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Empty message");
        if (!MessageText.IsValid(message))
        {
            throw new SnsException(SnsError.InvalidParameter,
                "Invalid parameter: Message Reason: the allowed characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
        }
        string? sqsText = null;
        string? structure = args.String("MessageStructure");
        if (structure is { Length: > 0 })
        {
            if (structure != "json")
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: MessageStructure");
            }
            (message, sqsText) = Structured(message);
        }
        string? subject = args.String("Subject");
        if (subject is not null && (subject.Length is 0 or > 100 || subject.Any(char.IsControl)))
        {
            throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Subject");
        }
        List<KeyValuePair<string, SqsAttributeValue>> attributes = ReadMessageAttributes(args);
        byte[] body = Encoding.UTF8.GetBytes(message);
        int size = body.Length + attributes.Sum(a => a.Value.Size(a.Key));
        if (size > MaxMessageBytes)
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: Message too long (at most {MaxMessageBytes} bytes with its attributes)");
        }
        string? group = args.String("MessageGroupId");
        string? dedup = args.String("MessageDeduplicationId");
        CheckFifoId(group, "MessageGroupId");
        CheckFifoId(dedup, "MessageDeduplicationId");
        string messageId = Guid.NewGuid().ToString();
        var m = new BrokerMessage { Body = body, Subject = subject };
        if (settings.IsFifo)
        {
            if (group is null)
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
            }
            dedup ??= settings.ContentBasedDeduplication
                ? Convert.ToHexStringLower(SHA256.HashData(body))
                : throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
            // The core deduplicates on the message id: on a FIFO topic it is the deduplication key, the SNS id a native field.
            m.SessionId = group;
            m.MessageId = dedup;
            m.DeduplicationId = dedup;
            m.NativeFields[NotificationEnvelope.MessageIdField] = messageId;
        }
        else
        {
            if (dedup is not null)
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
            }
            m.MessageId = messageId;
        }
        if (sqsText is not null)
        {
            m.NativeFields[NotificationEnvelope.SqsMessageField] = sqsText;
        }
        MessageAttributeMapping.ToHeaders(attributes, m);
        return new PreparedPublish(m, messageId, size);
    }

    /// <summary>A <c>MessageStructure=json</c> message: the "default" entry for everyone, the "sqs" entry (if any) for SQS subscribers.</summary>
    private static (string Default, string? Sqs) Structured(string message)
    {
        try
        {
            using JsonDocument d = JsonDocument.Parse(message);
            if (d.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Message Structure - JSON message body failed to parse");
            }
            if (!d.RootElement.TryGetProperty("default", out JsonElement def) || def.ValueKind != JsonValueKind.String)
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Message Structure - No default entry in JSON message body");
            }
            string? sqs = d.RootElement.TryGetProperty("sqs", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return (def.GetString()!, sqs);
        }
        catch (JsonException)
        {
            throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Message Structure - JSON message body failed to parse");
        }
    }

    private static void CheckFifoId(string? id, string parameter)
    {
        if (id is not null && (id.Length is < 1 or > 128 || !id.All(c => c is >= '!' and <= '~')))
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {parameter} Reason: it must be 1 to 128 printable ASCII characters");
        }
    }

    /// <summary>
    /// <c>MessageAttributes.entry.N.Name</c> / <c>.Value.DataType</c> / <c>.Value.StringValue</c> / <c>.Value.BinaryValue</c>:
    /// types String, String.Array (a JSON array), Number and Binary; names as SQS's rules (they may reach a queue).
    /// </summary>
    private static List<KeyValuePair<string, SqsAttributeValue>> ReadMessageAttributes(QueryArgs args)
    {
        var list = new List<KeyValuePair<string, SqsAttributeValue>>();
        foreach ((_, QueryArgs entry, _) in args.Numbered("MessageAttributes.entry"))
        {
            string name = entry.String("Name") ?? "";
            bool validName = name.Length is >= 1 and <= 256
                && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
                && !name.StartsWith('.') && !name.EndsWith('.') && !name.Contains("..", StringComparison.Ordinal)
                && !name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase);
            if (!validName)
            {
                throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: MessageAttributes Reason: invalid name '{name}'");
            }
            string type = entry.String("Value.DataType") ?? throw new SnsException(SnsError.ParameterValueInvalid, $"The message attribute '{name}' must contain non-empty message attribute type.");
            string? text = entry.String("Value.StringValue");
            byte[]? binary = null;
            if (entry.String("Value.BinaryValue") is { } b64)
            {
                try
                {
                    binary = Convert.FromBase64String(b64);
                }
                catch (FormatException)
                {
                    throw new SnsException(SnsError.ParameterValueInvalid, $"The message attribute '{name}' has a BinaryValue that is not base64.");
                }
            }
            var value = new SqsAttributeValue(type, text, binary);
            switch (value.BaseType)
            {
                case "Binary" when binary is null:
                case "String" or "Number" when string.IsNullOrEmpty(text):
                    throw new SnsException(SnsError.ParameterValueInvalid, $"The message attribute '{name}' with type '{type}' must contain a non-empty value.");
                case "Number" when !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                    throw new SnsException(SnsError.ParameterValueInvalid, $"An error occurred when parsing the message attribute '{name}': Could not cast message attribute '{name}' value to number.");
                case "String" when type == "String.Array" && !IsJsonArray(text!):
                    throw new SnsException(SnsError.ParameterValueInvalid, $"An error occurred while parsing message attribute '{name}': String.Array value must be a JSON array.");
                case "String" or "Number" or "Binary":
                    break;
                default:
                    throw new SnsException(SnsError.ParameterValueInvalid, $"The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }
            if (list.Exists(e => e.Key == name))
            {
                throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: MessageAttributes Reason: '{name}' is given more than once");
            }
            list.Add(new(name, value));
        }
        return list;
    }

    private static bool IsJsonArray(string text)
    {
        try
        {
            using JsonDocument d = JsonDocument.Parse(text);
            return d.RootElement.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
