using System.Text.Json.Nodes;
using Omnibus.Core.Entities;

namespace Omnibus.Aws.Sns;

/// <summary>
/// A topic's SNS attributes and tags, kept as JSON in the core topic's <c>UserMetadata</c> (marker
/// <c>omnibus-sns</c>) so they survive restarts on either store. A topic made by another protocol has none and
/// reads as a standard (or, by its name, FIFO) topic with SNS's defaults.
/// </summary>
internal sealed class TopicSettings
{
    private const string MetadataMarker = "omnibus-sns";

    /// <summary>The attributes a client may set, with the defaults answered when unset (null: not answered).</summary>
    private static readonly Dictionary<string, string?> Settable = new(StringComparer.Ordinal)
    {
        ["DisplayName"] = "",
        ["Policy"] = null,
        ["DeliveryPolicy"] = null,
        ["KmsMasterKeyId"] = null,
        ["SignatureVersion"] = "1",
        ["TracingConfig"] = "PassThrough",
        ["ContentBasedDeduplication"] = null,
        ["FifoThroughputScope"] = null,
        ["ArchivePolicy"] = null,
        ["DataProtectionPolicy"] = null,
        ["FifoTopic"] = null,
        ["HTTPSuccessFeedbackRoleArn"] = null,
        ["HTTPFailureFeedbackRoleArn"] = null,
        ["HTTPSuccessFeedbackSampleRate"] = null,
        ["SQSSuccessFeedbackRoleArn"] = null,
        ["SQSFailureFeedbackRoleArn"] = null,
        ["SQSSuccessFeedbackSampleRate"] = null,
        ["LambdaSuccessFeedbackRoleArn"] = null,
        ["LambdaFailureFeedbackRoleArn"] = null,
        ["LambdaSuccessFeedbackSampleRate"] = null,
        ["ApplicationSuccessFeedbackRoleArn"] = null,
        ["ApplicationFailureFeedbackRoleArn"] = null,
        ["ApplicationSuccessFeedbackSampleRate"] = null,
        ["FirehoseSuccessFeedbackRoleArn"] = null,
        ["FirehoseFailureFeedbackRoleArn"] = null,
        ["FirehoseSuccessFeedbackSampleRate"] = null,
    };

    private static readonly string[] FifoOnly = ["ContentBasedDeduplication", "FifoThroughputScope"];

    private TopicSettings(bool fifo) => IsFifo = fifo;

    public bool IsFifo { get; }

    public SortedDictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public bool ContentBasedDeduplication => Get("ContentBasedDeduplication") == "true";

    public string? Get(string name) => Attributes.TryGetValue(name, out string? v) ? v : Settable.GetValueOrDefault(name);

    /// <summary>The attributes answered by GetTopicAttributes (besides the computed ones).</summary>
    public IEnumerable<KeyValuePair<string, string>> Effective()
    {
        foreach (string k in Settable.Keys)
        {
            if (k == "FifoTopic")
            {
                continue;
            }
            if (Get(k) is { } v)
            {
                yield return new(k, v);
            }
            else if (IsFifo && k == "ContentBasedDeduplication")
            {
                yield return new(k, "false");
            }
        }
        if (IsFifo)
        {
            yield return new("FifoTopic", "true");
        }
    }

    /// <summary>Checks one attribute a client sets; InvalidParameter with SNS's reason.</summary>
    public void Check(string name, string value, bool creating)
    {
        if (!Settable.ContainsKey(name))
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: AttributeName Reason: Unknown attribute {name}");
        }
        if (name == "FifoTopic")
        {
            if (!creating)
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: AttributeName Reason: FifoTopic cannot be changed");
            }
            if (!value.Equals(IsFifo ? "true" : "false", StringComparison.OrdinalIgnoreCase))
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.");
            }
        }
        if (FifoOnly.Contains(name) && !IsFifo)
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: Attributes Reason: {name} is only for FIFO topics");
        }
        if (name == "ContentBasedDeduplication" && value is not ("true" or "false"))
        {
            throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: ContentBasedDeduplication Reason: must be true or false");
        }
        if (name is "Policy" or "DeliveryPolicy" or "ArchivePolicy" or "DataProtectionPolicy" && value.Length > 0 && !IsJsonObject(value))
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {name} Reason: failed to parse JSON");
        }
    }

    public void Set(string name, string value)
    {
        if (name == "FifoTopic")
        {
            return;
        }
        if (value.Length == 0 && name != "DisplayName")
        {
            Attributes.Remove(name);
        }
        else
        {
            Attributes[name] = name == "ContentBasedDeduplication" ? value.ToLowerInvariant() : value;
        }
    }

    private static bool IsJsonObject(string value)
    {
        try
        {
            return JsonNode.Parse(value) is JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    public static TopicSettings New(string name) => new(TopicAddress.IsFifo(name));

    public static TopicSettings Of(TopicDescription t)
    {
        var s = new TopicSettings(TopicAddress.IsFifo(t.Name));
        if (t.UserMetadata is { Length: > 0 } meta && meta.Contains(MetadataMarker, StringComparison.Ordinal))
        {
            try
            {
                if (JsonNode.Parse(meta) is JsonObject node && node[MetadataMarker] is not null)
                {
                    Read(node["attributes"], s.Attributes);
                    Read(node["tags"], s.Tags);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // another front-end's text that happens to name the marker: no SNS settings
            }
        }
        return s;
    }

    private static void Read(JsonNode? node, SortedDictionary<string, string> into)
    {
        if (node is JsonObject o)
        {
            foreach ((string k, JsonNode? v) in o)
            {
                if (v is JsonValue value && value.TryGetValue(out string? text))
                {
                    into[k] = text;
                }
            }
        }
    }

    public string ToMetadata()
    {
        var attributes = new JsonObject();
        foreach ((string k, string v) in Attributes)
        {
            attributes[k] = v;
        }
        var tags = new JsonObject();
        foreach ((string k, string v) in Tags)
        {
            tags[k] = v;
        }
        return new JsonObject { [MetadataMarker] = 1, ["attributes"] = attributes, ["tags"] = tags }.ToJsonString();
    }
}
