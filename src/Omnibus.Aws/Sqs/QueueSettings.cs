using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnibus.Core.Entities;

namespace Omnibus.Aws.Sqs;

/// <summary>
/// A queue's SQS attributes and tags. What the core models is mapped onto the queue's description
/// (visibility → lock duration for other protocols, retention → TTL, redrive policy → max delivery count and
/// dead-letter target, FIFO → message groups and 5-minute duplicate detection); the SQS values themselves
/// are kept as JSON in the queue's <c>UserMetadata</c>, so they survive restarts on any store. A queue made
/// by another protocol has no such JSON and reads as an SQS queue with values taken from its description.
/// </summary>
internal sealed class QueueSettings
{
    private const string MetadataMarker = "omnibus-sqs";

    /// <summary>The attributes a client may set (CreateQueue / SetQueueAttributes), with their defaults.</summary>
    private static readonly Dictionary<string, string?> Settable = new(StringComparer.Ordinal)
    {
        ["VisibilityTimeout"] = "30",
        ["DelaySeconds"] = "0",
        ["MessageRetentionPeriod"] = "345600",
        ["MaximumMessageSize"] = "1048576",
        ["ReceiveMessageWaitTimeSeconds"] = "0",
        ["RedrivePolicy"] = null,
        ["RedriveAllowPolicy"] = null,
        ["Policy"] = null,
        ["KmsMasterKeyId"] = null,
        ["KmsDataKeyReusePeriodSeconds"] = null,
        ["SqsManagedSseEnabled"] = "false",
        ["FifoQueue"] = null,
        ["ContentBasedDeduplication"] = null,
        ["DeduplicationScope"] = null,
        ["FifoThroughputLimit"] = null,
    };

    private static readonly string[] FifoOnly = ["ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

    public static readonly string[] ReadOnly =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
    ];

    private readonly SortedDictionary<string, string> _attributes = new(StringComparer.Ordinal);

    private QueueSettings(bool fifo) => IsFifo = fifo;

    public bool IsFifo { get; }

    public SortedDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public int VisibilityTimeout => Int("VisibilityTimeout");
    public int DelaySeconds => Int("DelaySeconds");
    public int MessageRetentionPeriod => Int("MessageRetentionPeriod");
    public int MaximumMessageSize => Int("MaximumMessageSize");
    public int ReceiveMessageWaitTimeSeconds => Int("ReceiveMessageWaitTimeSeconds");
    public bool ContentBasedDeduplication => Get("ContentBasedDeduplication") == "true";
    public bool DeduplicationPerGroup => Get("DeduplicationScope") == "messageGroup";

    /// <summary>The dead-letter queue's name and the receive count that moves a message there, when a redrive policy is set.</summary>
    public (string Target, int MaxReceiveCount)? Redrive
    {
        get
        {
            if (Get("RedrivePolicy") is not { Length: > 0 } json)
            {
                return null;
            }
            JsonNode node = JsonNode.Parse(json)!;
            return (QueueAddress.NameFromArn((string)node["deadLetterTargetArn"]!)!, ReadCount(node["maxReceiveCount"]!));
        }
    }

    public string? Get(string name) => _attributes.TryGetValue(name, out string? v) ? v : Settable.GetValueOrDefault(name);

    public IEnumerable<KeyValuePair<string, string>> Effective() =>
        Settable.Keys.Where(k => Get(k) is not null && (IsFifo || !FifoOnly.Contains(k) && k != "FifoQueue")).Select(k => new KeyValuePair<string, string>(k, Get(k)!));

    /// <summary>Settings for a new queue named <paramref name="name"/>, checked as CreateQueue checks them.</summary>
    public static QueueSettings ForCreate(string name, IReadOnlyList<KeyValuePair<string, string>> attributes)
    {
        bool fifo = attributes.Any(a => a.Key == "FifoQueue" && a.Value == "true");
        if (fifo != name.EndsWith(QueueAddress.FifoSuffix, StringComparison.Ordinal))
        {
            throw new SqsException(SqsError.InvalidParameterValue, fifo
                ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                : "The FifoQueue attribute must be set to true for a queue name that ends with .fifo.");
        }
        var s = new QueueSettings(fifo);
        if (fifo)
        {
            s._attributes["FifoQueue"] = "true";
            s._attributes["ContentBasedDeduplication"] = "false";
            s._attributes["DeduplicationScope"] = "queue";
            s._attributes["FifoThroughputLimit"] = "perQueue";
        }
        s.Apply(attributes, creating: true);
        return s;
    }

    /// <summary>Checks and applies attribute values (SetQueueAttributes, or the attributes of CreateQueue).</summary>
    public void Apply(IReadOnlyList<KeyValuePair<string, string>> attributes, bool creating)
    {
        foreach ((string name, string value) in attributes)
        {
            if (!Settable.ContainsKey(name) || !IsFifo && FifoOnly.Contains(name) || name == "FifoQueue" && !creating)
            {
                throw new SqsException(SqsError.InvalidAttributeName, $"Unknown Attribute {name}.");
            }
            string normalized = Normalize(name, value);
            if (normalized.Length == 0 && name is "RedrivePolicy" or "RedriveAllowPolicy" or "Policy" or "KmsMasterKeyId")
            {
                _attributes.Remove(name);
            }
            else
            {
                _attributes[name] = normalized;
            }
        }
    }

    private static string Normalize(string name, string value)
    {
        switch (name)
        {
            case "VisibilityTimeout": return Range(name, value, 0, 43200);
            case "DelaySeconds": return Range(name, value, 0, 900);
            case "MessageRetentionPeriod": return Range(name, value, 60, 1209600);
            case "MaximumMessageSize": return Range(name, value, 1024, 1048576);
            case "ReceiveMessageWaitTimeSeconds": return Range(name, value, 0, 20);
            case "KmsDataKeyReusePeriodSeconds": return Range(name, value, 60, 86400);
            case "FifoQueue" or "ContentBasedDeduplication" or "SqsManagedSseEnabled":
                return value is "true" or "false" ? value : throw InvalidValue(name, value);
            case "DeduplicationScope": return value is "messageGroup" or "queue" ? value : throw InvalidValue(name, value);
            case "FifoThroughputLimit": return value is "perQueue" or "perMessageGroupId" ? value : throw InvalidValue(name, value);
            case "RedrivePolicy": return value.Length == 0 ? value : NormalizeRedrive(value);
            case "RedriveAllowPolicy" or "Policy":
                if (value.Length > 0)
                {
                    try
                    {
                        using var _ = JsonDocument.Parse(value);
                    }
                    catch (JsonException)
                    {
                        throw InvalidValue(name, value);
                    }
                }
                return value;
            default: return value;
        }
    }

    private static string NormalizeRedrive(string value)
    {
        try
        {
            JsonNode? node = JsonNode.Parse(value);
            string? arn = node?["deadLetterTargetArn"]?.GetValue<string>();
            JsonNode? count = node?["maxReceiveCount"];
            if (arn is null || QueueAddress.NameFromArn(arn) is null || count is null || ReadCount(count) is < 1 or > 1000)
            {
                throw InvalidValue("RedrivePolicy", value);
            }
            return new JsonObject { ["deadLetterTargetArn"] = arn, ["maxReceiveCount"] = ReadCount(count) }.ToJsonString();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw InvalidValue("RedrivePolicy", value);
        }
    }

    private static int ReadCount(JsonNode count) =>
        count.GetValueKind() == JsonValueKind.String ? int.Parse(count.GetValue<string>(), CultureInfo.InvariantCulture) : count.GetValue<int>();

    private static string Range(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n.ToString(CultureInfo.InvariantCulture)
            : throw InvalidValue(name, value);

    private static SqsException InvalidValue(string name, string value) =>
        new(SqsError.InvalidAttributeValue, $"Invalid value for the parameter {name}: '{value}'.");

    private int Int(string name) => int.Parse(Get(name)!, CultureInfo.InvariantCulture);

    /// <summary>True when every attribute given has the value this queue has (CreateQueue on an existing queue).</summary>
    public bool Agrees(IReadOnlyList<KeyValuePair<string, string>> attributes)
    {
        foreach ((string name, string value) in attributes)
        {
            if (!Settable.ContainsKey(name))
            {
                throw new SqsException(SqsError.InvalidAttributeName, $"Unknown Attribute {name}.");
            }
            string given = name == "RedrivePolicy" && value.Length > 0 ? NormalizeRedrive(value) : value;
            if ((Get(name) ?? "") != given)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The core's description of this queue (new, or <paramref name="existing"/> updated).</summary>
    public QueueDescription ToDescription(string name, QueueDescription? existing)
    {
        (string Target, int MaxReceiveCount)? redrive = Redrive;
        QueueDescription q = existing ?? new QueueDescription
        {
            Name = name,
            MessageGroups = IsFifo,
            RequiresDuplicateDetection = IsFifo,
            DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(5),
            // SQS's own limit (MaximumMessageSize, body plus attributes) is checked by the front-end; the
            // core's is set above it so that the envelope's overhead never refuses what SQS accepts.
            MaxMessageSizeInKilobytes = 2048,
            MaxSizeInMegabytes = 1024 * 1024,
        };
        return q with
        {
            // Other protocols lock for this long; SQS receives always pass their own visibility.
            LockDuration = TimeSpan.FromSeconds(Math.Clamp(VisibilityTimeout, 1, 43200)),
            DefaultMessageTimeToLive = TimeSpan.FromSeconds(MessageRetentionPeriod),
            MaxDeliveryCount = redrive?.MaxReceiveCount ?? int.MaxValue,
            ForwardDeadLetteredMessagesTo = redrive?.Target,
            UserMetadata = ToMetadata(),
        };
    }

    private string ToMetadata()
    {
        var o = new JsonObject
        {
            [MetadataMarker] = 1,
            ["attributes"] = new JsonObject(_attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
            ["tags"] = new JsonObject(Tags.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
        };
        return o.ToJsonString();
    }

    /// <summary>The SQS settings of a queue: from its metadata when SQS made it, else from its description.</summary>
    public static QueueSettings Of(QueueDescription q)
    {
        if (q.UserMetadata is { Length: > 0 } meta && meta.Contains(MetadataMarker, StringComparison.Ordinal))
        {
            try
            {
                JsonNode? node = JsonNode.Parse(meta);
                if (node?[MetadataMarker] is not null)
                {
                    JsonObject attributes = node["attributes"]!.AsObject();
                    var s = new QueueSettings(attributes["FifoQueue"]?.GetValue<string>() == "true");
                    foreach (KeyValuePair<string, JsonNode?> a in attributes)
                    {
                        s._attributes[a.Key] = a.Value!.GetValue<string>();
                    }
                    foreach (KeyValuePair<string, JsonNode?> t in node["tags"]?.AsObject() ?? [])
                    {
                        s.Tags[t.Key] = t.Value!.GetValue<string>();
                    }
                    return s;
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // someone else's metadata that happens to contain the marker: read the description instead
            }
        }
        var derived = new QueueSettings(fifo: false);
        derived._attributes["VisibilityTimeout"] = ((int)q.LockDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        derived._attributes["MessageRetentionPeriod"] = ((long)Math.Clamp(q.DefaultMessageTimeToLive.TotalSeconds, 60, 1209600)).ToString(CultureInfo.InvariantCulture);
        return derived;
    }
}
