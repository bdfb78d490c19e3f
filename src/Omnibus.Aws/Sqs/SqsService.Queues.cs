using System.Globalization;
using System.Text;
using System.Text.Json;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Aws.Sqs;

/// <summary>Queue actions: create, find, list, delete, attributes, purge, tags.</summary>
internal sealed partial class SqsService
{
    private Task CreateQueue(SqsCall call, Utf8JsonWriter w)
    {
        string name = call.Args.RequiredString("QueueName");
        if (!QueueAddress.IsValidName(name))
        {
            throw new SqsException(SqsError.InvalidParameterValue, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.");
        }
        IReadOnlyList<KeyValuePair<string, string>> attributes = call.Args.StringMap("Attributes");
        IReadOnlyList<KeyValuePair<string, string>> tags = call.Args.StringMap("tags");
        for (int attempt = 0; ; attempt++)
        {
            if (FindQueue(name) is { } existing)
            {
                if (!QueueSettings.Of(existing).Agrees(attributes))
                {
                    throw new SqsException(SqsError.QueueNameExists, $"A queue already exists with the same name and a different value for attribute(s) {string.Join(", ", attributes.Select(a => a.Key))}.");
                }
                break;
            }
            QueueSettings settings = QueueSettings.ForCreate(name, attributes);
            foreach ((string k, string v) in tags)
            {
                settings.Tags[k] = v;
            }
            CheckRedriveTarget(settings);
            try
            {
                _broker.CreateQueue(settings.ToDescription(name, null), call.Caller);
                break;
            }
            catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityAlreadyExists && attempt == 0)
            {
                // created meanwhile by another call: compare with it
            }
        }
        w.WriteStartObject();
        w.WriteString("QueueUrl", UrlOf(call, name));
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private void CheckRedriveTarget(QueueSettings settings)
    {
        if (settings.Redrive is { } redrive && FindQueue(redrive.Target) is null)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {settings.Get("RedrivePolicy")} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.");
        }
    }

    private Task GetQueueUrl(SqsCall call, Utf8JsonWriter w)
    {
        string name = call.Args.RequiredString("QueueName");
        if (!QueueAddress.IsValidName(name) || FindQueue(name) is null)
        {
            throw new SqsException(SqsError.QueueDoesNotExist, "The specified queue does not exist.");
        }
        w.WriteStartObject();
        w.WriteString("QueueUrl", UrlOf(call, name));
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private Task ListQueues(SqsCall call, Utf8JsonWriter w)
    {
        string prefix = call.Args.String("QueueNamePrefix") ?? "";
        int? max = call.Args.Int("MaxResults");
        if (max is < 1 or > 1000)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {max} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.");
        }
        string? after = call.Args.String("NextToken") is { Length: > 0 } token ? DecodeToken(token) : null;
        List<string> names = [.. _broker.ListQueues().Select(q => q.Name)
            .Where(n => QueueAddress.IsValidName(n) && n.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(n, after) > 0))
            .Order(StringComparer.Ordinal)];
        // Without MaxResults SQS answers at most 1,000 and no token.
        bool more = max is { } m && names.Count > m;
        List<string> page = names.Take(max ?? 1000).ToList();
        w.WriteStartObject();
        if (page.Count > 0)
        {
            w.WriteStartArray("QueueUrls");
            foreach (string n in page)
            {
                w.WriteStringValue(UrlOf(call, n));
            }
            w.WriteEndArray();
        }
        if (more)
        {
            w.WriteString("NextToken", Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1])));
        }
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new SqsException(SqsError.InvalidParameterValue, "Invalid NextToken value.");
        }
    }

    private Task DeleteQueue(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, _) = QueueOf(call);
        _broker.DeleteQueue(q.Name, call.Caller);
        return Done(w);
    }

    private Task GetQueueAttributes(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, QueueSettings settings) = QueueOf(call);
        IReadOnlyList<string> names = call.Args.Strings("AttributeNames");
        bool all = names.Contains("All");
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string k, string v) in settings.Effective())
        {
            attributes[k] = v;
        }
        EntityRuntimeInfo info = _broker.GetQueueRuntimeInfo(q.Name);
        attributes["ApproximateNumberOfMessages"] = Text(info.ActiveMessageCount - info.LockedMessageCount);
        attributes["ApproximateNumberOfMessagesNotVisible"] = Text(info.LockedMessageCount);
        attributes["ApproximateNumberOfMessagesDelayed"] = Text(info.ScheduledMessageCount);
        attributes["CreatedTimestamp"] = Text(q.CreatedAt.ToUnixTimeSeconds());
        attributes["LastModifiedTimestamp"] = Text(q.UpdatedAt.ToUnixTimeSeconds());
        attributes["QueueArn"] = QueueAddress.Arn(call.Region, _options.AccountId, q.Name);
        foreach (string n in names)
        {
            if (n != "All" && !attributes.ContainsKey(n) && !IsKnownAttribute(n))
            {
                throw new SqsException(SqsError.InvalidAttributeName, $"Unknown Attribute {n}.");
            }
        }
        w.WriteStartObject();
        WriteMap(w, "Attributes", attributes.Where(a => all || names.Contains(a.Key)));
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private static bool IsKnownAttribute(string name) =>
        name is "RedrivePolicy" or "RedriveAllowPolicy" or "Policy" or "KmsMasterKeyId" or "KmsDataKeyReusePeriodSeconds" or "FifoQueue"
            or "ContentBasedDeduplication" or "DeduplicationScope" or "FifoThroughputLimit" or "SqsManagedSseEnabled";

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);

    private Task SetQueueAttributes(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, QueueSettings settings) = QueueOf(call);
        settings.Apply(call.Args.StringMap("Attributes"), creating: false);
        CheckRedriveTarget(settings);
        _broker.UpdateQueue(settings.ToDescription(q.Name, q), call.Caller);
        return Done(w);
    }

    /// <summary>Removes every available message (receive-and-delete until none is left); messages in flight stay until their visibility ends.</summary>
    private async Task PurgeQueueAsync(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, _) = QueueOf(call);
        Receivable r = _broker.GetReceivable(q.Name, call.Caller);
        while ((await r.ReceiveAsync(256, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete, call.Aborted).ConfigureAwait(false)).Count > 0)
        {
        }
        await Done(w).ConfigureAwait(false);
    }

    private Task TagQueue(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, QueueSettings settings) = QueueOf(call);
        IReadOnlyList<KeyValuePair<string, string>> tags = call.Args.StringMap("Tags");
        if (tags.Count == 0)
        {
            throw new SqsException(SqsError.MissingParameter, "The request must contain the parameter Tags.");
        }
        foreach ((string k, string v) in tags)
        {
            settings.Tags[k] = v;
        }
        if (settings.Tags.Count > 50)
        {
            throw new SqsException(SqsError.InvalidParameterValue, "Too many tags added for queue: a queue has at most 50.");
        }
        _broker.UpdateQueue(settings.ToDescription(q.Name, q), call.Caller);
        return Done(w);
    }

    private Task UntagQueue(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription q, QueueSettings settings) = QueueOf(call);
        foreach (string k in call.Args.Strings("TagKeys"))
        {
            settings.Tags.Remove(k);
        }
        _broker.UpdateQueue(settings.ToDescription(q.Name, q), call.Caller);
        return Done(w);
    }

    private Task ListQueueTags(SqsCall call, Utf8JsonWriter w)
    {
        (_, QueueSettings settings) = QueueOf(call);
        w.WriteStartObject();
        WriteMap(w, "Tags", settings.Tags);
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private Task ListDeadLetterSourceQueues(SqsCall call, Utf8JsonWriter w)
    {
        (QueueDescription target, _) = QueueOf(call);
        w.WriteStartObject();
        w.WriteStartArray("queueUrls");
        foreach (QueueDescription q in _broker.ListQueues().OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            if (QueueSettings.Of(q).Redrive?.Target == target.Name)
            {
                w.WriteStringValue(UrlOf(call, q.Name));
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    /// <summary>Permissions are accepted and not kept: access is the broker's authorization hook's to decide (docs/aws.md).</summary>
    private Task AcceptPermission(SqsCall call, Utf8JsonWriter w)
    {
        QueueOf(call);
        return Done(w);
    }
}
