using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Omnibus.Core;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Aws.Sqs;

/// <summary>SendMessage and SendMessageBatch: checks as SQS checks, the envelope, DelaySeconds as a schedule, FIFO ids.</summary>
internal sealed partial class SqsService
{
    internal const string MessageIdField = "sqs:message-id";
    internal const string SenderIdField = "sqs:sender-id";
    internal const string TraceHeaderField = "sqs:aws-trace-header";
    private const int MaxBatchEntries = 10;
    private const int MaxBatchBytes = 1024 * 1024;

    /// <summary>A message ready to store, with what the answer reports about it.</summary>
    private sealed record PreparedSend(BrokerMessage Message, string MessageId, string Md5OfBody, string? Md5OfAttributes, string? Md5OfSystemAttributes, int Size);

    private async Task SendMessageAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, QueueSettings settings) = QueueOf(call);
        PreparedSend send = Prepare(call, call.Args, settings);
        long[] sequences = await _broker.SendAsync(q.Name, [send.Message], call.Caller).ConfigureAwait(false);
        w.WriteStartObject();
        WriteSendResult(w, send, settings, sequences[0]);
        w.WriteEndObject();
    }

    private static void WriteSendResult(Utf8JsonWriter w, PreparedSend send, QueueSettings settings, long sequence)
    {
        w.WriteString("MD5OfMessageBody", send.Md5OfBody);
        if (send.Md5OfAttributes is { } a)
        {
            w.WriteString("MD5OfMessageAttributes", a);
        }
        if (send.Md5OfSystemAttributes is { } s)
        {
            w.WriteString("MD5OfMessageSystemAttributes", s);
        }
        w.WriteString("MessageId", send.MessageId);
        if (settings.IsFifo)
        {
            // A duplicate inside the window is acknowledged without being stored: it has no sequence of its own.
            w.WriteString("SequenceNumber", Math.Max(sequence, 0).ToString(CultureInfo.InvariantCulture));
        }
    }

    private async Task SendMessageBatchAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, QueueSettings settings) = QueueOf(call);
        IReadOnlyList<JsonArgs> entries = CheckBatch(call.Args, "Entries");
        var prepared = new List<(string Id, PreparedSend Send)>();
        var failed = new List<(string Id, SqsException Error)>();
        foreach (JsonArgs e in entries)
        {
            string id = e.String("Id")!;
            try
            {
                prepared.Add((id, Prepare(call, e, settings)));
            }
            catch (SqsException x)
            {
                failed.Add((id, x));
            }
        }
        if (prepared.Sum(p => p.Send.Size) > MaxBatchBytes)
        {
            throw new SqsException(SqsError.BatchRequestTooLong, $"Batch requests cannot be longer than {MaxBatchBytes} bytes.");
        }
        long[] sequences = [];
        if (prepared.Count > 0)
        {
            try
            {
                sequences = await _broker.SendAsync(q.Name, prepared.Select(p => p.Send.Message).ToList(), call.Caller).ConfigureAwait(false);
            }
            catch (MessagingException x) when (x.Code != MessagingErrorCode.EntityNotFound)
            {
                SqsException error = ErrorMapping.ToSqs(x);
                failed.AddRange(prepared.Select(p => (p.Id, error)));
                prepared.Clear();
            }
        }
        w.WriteStartObject();
        w.WriteStartArray("Successful");
        for (int i = 0; i < prepared.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("Id", prepared[i].Id);
            WriteSendResult(w, prepared[i].Send, settings, sequences[i]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteFailed(w, failed);
        w.WriteEndObject();
    }

    /// <summary>The checks every batch action makes: 1 to 10 entries, ids of letters, digits, '-' and '_' (at most 80), all distinct.</summary>
    private static IReadOnlyList<JsonArgs> CheckBatch(JsonArgs args, string member)
    {
        IReadOnlyList<JsonArgs> entries = args.Objects(member);
        if (entries.Count == 0)
        {
            throw new SqsException(SqsError.EmptyBatchRequest, "There should be at least one entry in the request.");
        }
        if (entries.Count > MaxBatchEntries)
        {
            throw new SqsException(SqsError.TooManyEntriesInBatchRequest, $"Maximum number of entries per request are {MaxBatchEntries}. You have sent {entries.Count}.");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonArgs e in entries)
        {
            string id = e.RequiredString("Id");
            if (id.Length is < 1 or > 80 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new SqsException(SqsError.InvalidBatchEntryId, "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");
            }
            if (!ids.Add(id))
            {
                throw new SqsException(SqsError.BatchEntryIdsNotDistinct, $"Id {id} repeated.");
            }
        }
        return entries;
    }

    private static void WriteFailed(Utf8JsonWriter w, IEnumerable<(string Id, SqsException Error)> failed)
    {
        w.WriteStartArray("Failed");
        foreach ((string id, SqsException error) in failed)
        {
            w.WriteStartObject();
            w.WriteString("Id", id);
            w.WriteBoolean("SenderFault", error.Error.SenderFault);
            w.WriteString("Code", error.Error.Code);
            w.WriteString("Message", error.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Checks one message as SQS does and builds its envelope.</summary>
    private PreparedSend Prepare(SqsCall call, JsonArgs args, QueueSettings settings)
    {
        string body = args.String("MessageBody") is { Length: > 0 } b ? b : throw new SqsException(SqsError.MissingParameter, "The request must contain the parameter MessageBody.");
        if (!MessageText.IsValid(body))
        {
            throw new SqsException(SqsError.InvalidMessageContents,
                "Invalid characters were found in the message body; the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.");
        }
        List<KeyValuePair<string, SqsAttributeValue>> attributes = MessageAttributeMapping.Read(args);
        byte[] bodyBytes = Encoding.UTF8.GetBytes(body);
        int size = bodyBytes.Length + attributes.Sum(a => a.Value.Size(a.Key));
        if (size > settings.MaximumMessageSize)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"One or more parameters are invalid. Reason: Message must be shorter than {settings.MaximumMessageSize} bytes.");
        }
        string? trace = ReadTraceHeader(args);
        int? delay = args.Int("DelaySeconds");
        if (delay is < 0 or > 900)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.");
        }
        string? group = args.String("MessageGroupId");
        string? dedup = args.String("MessageDeduplicationId");
        CheckFifoId(group, "MessageGroupId");
        CheckFifoId(dedup, "MessageDeduplicationId");
        string messageId = Guid.NewGuid().ToString();
        var m = new BrokerMessage { Body = bodyBytes, SessionId = group };
        if (settings.IsFifo)
        {
            if (group is null)
            {
                throw new SqsException(SqsError.MissingParameter, "The request must contain the parameter MessageGroupId.");
            }
            if (delay is not null and not 0)
            {
                throw new SqsException(SqsError.InvalidParameterValue, $"Value {delay} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.");
            }
            dedup ??= settings.ContentBasedDeduplication
                ? Convert.ToHexStringLower(SHA256.HashData(bodyBytes))
                : throw new SqsException(SqsError.InvalidParameterValue, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
            // The core's duplicate detection keys on the message id: the FIFO deduplication key takes its
            // place (per group when DeduplicationScope is messageGroup) and the SQS id is a native field.
            m.MessageId = settings.DeduplicationPerGroup ? group + "\u001e" + dedup : dedup;
            m.DeduplicationId = dedup;
            m.NativeFields[MessageIdField] = messageId;
        }
        else
        {
            if (dedup is not null)
            {
                throw new SqsException(SqsError.InvalidParameterValue, "Value for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.");
            }
            m.MessageId = messageId;
        }
        int effectiveDelay = delay ?? settings.DelaySeconds;
        if (effectiveDelay > 0)
        {
            m.ScheduledEnqueueTime = _clock.GetUtcNow().AddSeconds(effectiveDelay);
        }
        m.NativeFields[SenderIdField] = call.Caller.Name;
        if (trace is not null)
        {
            m.NativeFields[TraceHeaderField] = trace;
        }
        MessageAttributeMapping.ToHeaders(attributes, m);
        string? systemMd5 = trace is null ? null : MessageAttributeMd5.OfAttributes([new("AWSTraceHeader", new SqsAttributeValue("String", trace, null))]);
        return new PreparedSend(m, messageId, MessageAttributeMd5.OfBody(body), MessageAttributeMd5.OfAttributes(attributes), systemMd5, size);
    }

    private static void CheckFifoId(string? id, string parameter)
    {
        if (id is not null && (id.Length is < 1 or > 128 || !id.All(c => c is >= '!' and <= '~')))
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {id} for parameter {parameter} is invalid. Reason: it must be 1 to 128 printable ASCII characters.");
        }
    }

    private static string? ReadTraceHeader(JsonArgs args)
    {
        string? trace = null;
        foreach (JsonProperty p in args.Object("MessageSystemAttributes"))
        {
            if (p.Name != "AWSTraceHeader")
            {
                throw new SqsException(SqsError.InvalidParameterValue, $"Message system attribute name '{p.Name}' is invalid.");
            }
            var a = new JsonArgs(p.Value);
            trace = a.String("DataType") == "String" && a.String("StringValue") is { Length: > 0 } v
                ? v
                : throw new SqsException(SqsError.InvalidParameterValue, "The message system attribute AWSTraceHeader must be a non-empty String.");
        }
        return trace;
    }
}
