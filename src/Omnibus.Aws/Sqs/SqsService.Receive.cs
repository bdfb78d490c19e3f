using System.Globalization;
using System.Text;
using System.Text.Json;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Aws.Sqs;

/// <summary>ReceiveMessage: long polling, visibility per receive, the attributes asked for, a receipt handle per delivery.</summary>
internal sealed partial class SqsService
{
    private static readonly string[] SystemAttributeNames =
    [
        "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber",
        "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
    ];

    private async Task ReceiveMessageAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, QueueSettings settings) = QueueOf(call);
        int max = call.Args.Int("MaxNumberOfMessages") ?? 1;
        if (max is < 1 or > 10)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
        }
        int wait = call.Args.Int("WaitTimeSeconds") ?? settings.ReceiveMessageWaitTimeSeconds;
        if (wait is < 0 or > 20)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
        }
        int visibility = call.Args.Int("VisibilityTimeout") ?? settings.VisibilityTimeout;
        if (visibility is < 0 or > 43200)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {visibility} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.");
        }
        HashSet<string> system = SystemAttributesWanted(call.Args.Strings("AttributeNames").Concat(call.Args.Strings("MessageSystemAttributeNames")));
        var userAttributes = new AttributeNameFilter(call.Args.Strings("MessageAttributeNames"));
        Receivable receivable = _broker.GetReceivable(q.Name, call.Caller);
        IReadOnlyList<BrokerMessage> messages;
        try
        {
            messages = await receivable.ReceiveAsync(max, TimeSpan.FromSeconds(wait), new ReceiveOptions { Visibility = TimeSpan.FromSeconds(visibility) }, call.Aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (call.Aborted.IsCancellationRequested)
        {
            messages = []; // the client went away while polling: nothing was taken for it
        }
        w.WriteStartObject();
        if (messages.Count > 0)
        {
            w.WriteStartArray("Messages");
            foreach (BrokerMessage m in messages)
            {
                WriteMessage(w, call, q.Name, m, system, userAttributes);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static HashSet<string> SystemAttributesWanted(IEnumerable<string> names)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string n in names)
        {
            if (n == "All")
            {
                set.UnionWith(SystemAttributeNames);
            }
            else
            {
                set.Add(n); // names SQS does not know are ignored, as it ignores them
            }
        }
        return set;
    }

    private void WriteMessage(Utf8JsonWriter w, SqsCall call, string queue, BrokerMessage m, HashSet<string> system, AttributeNameFilter userAttributes)
    {
        long now = NowMs;
        long firstReceive = _firstReceives.GetOrAdd((queue, m.SequenceNumber), now);
        string body = Encoding.UTF8.GetString(m.Body.Span);
        w.WriteStartObject();
        w.WriteString("MessageId", SqsMessageId(m));
        w.WriteString("ReceiptHandle", _receipts.Encode(new Receipt(queue, m.Delivery.LockToken, m.SequenceNumber)));
        w.WriteString("MD5OfBody", MessageAttributeMd5.OfBody(body));
        w.WriteString("Body", body);
        var attributes = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (value is not null && system.Contains(name))
            {
                attributes.Add(new(name, value));
            }
        }
        Add("SenderId", Native(m, SenderIdField) ?? _options.AccountId);
        Add("SentTimestamp", Text(m.EnqueuedTime.ToUnixTimeMilliseconds()));
        Add("ApproximateReceiveCount", Text(m.Delivery.DeliveryCount + 1L));
        Add("ApproximateFirstReceiveTimestamp", Text(firstReceive));
        Add("MessageGroupId", m.SessionId);
        Add("MessageDeduplicationId", m.DeduplicationId);
        Add("SequenceNumber", m.SessionId is not null || m.DeduplicationId is not null ? Text(m.SequenceNumber) : null);
        Add("AWSTraceHeader", Native(m, TraceHeaderField));
        Add("DeadLetterQueueSourceArn", m.DeadLetterSource is { } source ? QueueAddress.Arn(call.Region, _options.AccountId, source) : null);
        WriteMap(w, "Attributes", attributes);
        List<KeyValuePair<string, SqsAttributeValue>> user = MessageAttributeMapping.FromHeaders(m, userAttributes);
        if (user.Count > 0)
        {
            w.WriteString("MD5OfMessageAttributes", MessageAttributeMd5.OfAttributes(user));
            w.WriteStartObject("MessageAttributes");
            foreach ((string name, SqsAttributeValue v) in user)
            {
                w.WriteStartObject(name);
                if (v.BinaryValue is { } bytes)
                {
                    w.WriteBase64String("BinaryValue", bytes);
                }
                else
                {
                    w.WriteString("StringValue", v.StringValue);
                }
                w.WriteString("DataType", v.DataType);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>The SQS id of a stored message: the native field of a FIFO send, else the envelope's id (any protocol's), else one made from its sequence.</summary>
    private static string SqsMessageId(BrokerMessage m) =>
        Native(m, MessageIdField) ?? m.MessageId ?? "omnibus-" + m.SequenceNumber.ToString(CultureInfo.InvariantCulture);

    private static string? Native(BrokerMessage m, string name) =>
        m.HasNativeFields && m.NativeFields.TryGetValue(name, out object? v) ? v as string : null;

    private async Task DeleteMessageAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, _) = QueueOf(call);
        Receipt r = _receipts.Decode(call.Args.RequiredString("ReceiptHandle"), q.Name);
        Receivable receivable = _broker.GetReceivable(q.Name, call.Caller);
        try
        {
            await receivable.CompleteAsync(r.LockToken).ConfigureAwait(false);
            _firstReceives.TryRemove((q.Name, r.Sequence), out _);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.MessageLockLost)
        {
            // An older handle, or the message already deleted: SQS answers success and changes nothing.
        }
        await Done(w).ConfigureAwait(false);
    }

    private async Task DeleteMessageBatchAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, _) = QueueOf(call);
        IReadOnlyList<JsonArgs> entries = CheckBatch(call.Args, "Entries");
        var failed = new List<(string Id, SqsException Error)>();
        var valid = new List<(string Id, Receipt Receipt)>();
        foreach (JsonArgs e in entries)
        {
            string id = e.String("Id")!;
            try
            {
                valid.Add((id, _receipts.Decode(e.RequiredString("ReceiptHandle"), q.Name)));
            }
            catch (SqsException x)
            {
                failed.Add((id, x));
            }
        }
        Receivable receivable = _broker.GetReceivable(q.Name, call.Caller);
        MessagingException?[] results = valid.Count == 0 ? [] : await receivable.CompleteManyAsync(valid.Select(v => v.Receipt.LockToken).ToList()).ConfigureAwait(false);
        w.WriteStartObject();
        w.WriteStartArray("Successful");
        for (int i = 0; i < valid.Count; i++)
        {
            if (results[i] is null or { Code: MessagingErrorCode.MessageLockLost })
            {
                _firstReceives.TryRemove((q.Name, valid[i].Receipt.Sequence), out _);
                w.WriteStartObject();
                w.WriteString("Id", valid[i].Id);
                w.WriteEndObject();
            }
            else
            {
                failed.Add((valid[i].Id, ErrorMapping.ToSqs(results[i]!)));
            }
        }
        w.WriteEndArray();
        WriteFailed(w, failed);
        w.WriteEndObject();
    }

    private async Task ChangeMessageVisibilityAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, _) = QueueOf(call);
        string handle = call.Args.RequiredString("ReceiptHandle");
        int visibility = call.Args.Int("VisibilityTimeout") ?? throw new SqsException(SqsError.MissingParameter, "The request must contain the parameter VisibilityTimeout.");
        await ChangeVisibilityAsync(call, q.Name, handle, visibility).ConfigureAwait(false);
        await Done(w).ConfigureAwait(false);
    }

    private async Task ChangeVisibilityAsync(SqsCall call, string queue, string handle, int visibility)
    {
        if (visibility is < 0 or > 43200)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {visibility} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.");
        }
        Receipt r = _receipts.Decode(handle, queue);
        Receivable receivable = _broker.GetReceivable(queue, call.Caller);
        try
        {
            await receivable.ChangeVisibilityAsync(r.LockToken, TimeSpan.FromSeconds(visibility)).ConfigureAwait(false);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.InvalidArgument)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {visibility} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].");
        }
    }

    private async Task ChangeMessageVisibilityBatchAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, _) = QueueOf(call);
        IReadOnlyList<JsonArgs> entries = CheckBatch(call.Args, "Entries");
        var failed = new List<(string Id, SqsException Error)>();
        var succeeded = new List<string>();
        foreach (JsonArgs e in entries)
        {
            string id = e.String("Id")!;
            try
            {
                int visibility = e.Int("VisibilityTimeout") ?? throw new SqsException(SqsError.MissingParameter, "The request must contain the parameter VisibilityTimeout.");
                await ChangeVisibilityAsync(call, q.Name, e.RequiredString("ReceiptHandle"), visibility).ConfigureAwait(false);
                succeeded.Add(id);
            }
            catch (SqsException x)
            {
                failed.Add((id, x));
            }
            catch (MessagingException x)
            {
                failed.Add((id, ErrorMapping.ToSqs(x)));
            }
        }
        w.WriteStartObject();
        w.WriteStartArray("Successful");
        foreach (string id in succeeded)
        {
            w.WriteStartObject();
            w.WriteString("Id", id);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteFailed(w, failed);
        w.WriteEndObject();
    }
}
