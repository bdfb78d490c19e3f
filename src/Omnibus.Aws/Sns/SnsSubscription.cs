using System.Text.Json.Nodes;
using Omnibus.Aws.Sns.Filtering;
using Omnibus.Core.Routing;

namespace Omnibus.Aws.Sns;

/// <summary>
/// An SNS subscription is a durable core binding from the topic's exchange (type <c>sns</c>) to the queue it
/// delivers into; its id, endpoint ARN and attributes (FilterPolicy, FilterPolicyScope, RawMessageDelivery,
/// RedrivePolicy, ...) are the binding's arguments, so the core stores and restores them with the routing
/// topology and knows nothing of SNS.
/// </summary>
internal sealed class SnsSubscription
{
    public const string IdArgument = "sns:subscription-id";
    public const string EndpointArgument = "sns:endpoint";
    public const string BaseUrlArgument = "sns:base-url";
    public const string AttributePrefix = "sns:attribute:";
    public const string Protocol = "sqs";

    /// <summary>The attributes a client may set, with the defaults answered when unset (null: not answered).</summary>
    private static readonly Dictionary<string, string?> Settable = new(StringComparer.Ordinal)
    {
        ["RawMessageDelivery"] = "false",
        ["FilterPolicy"] = null,
        ["FilterPolicyScope"] = null,
        ["RedrivePolicy"] = null,
        ["DeliveryPolicy"] = null,
        ["SubscriptionRoleArn"] = null,
        ["ReplayPolicy"] = null,
    };

    public required string Id { get; init; }
    public required string Topic { get; init; }
    public required string Queue { get; init; }
    public required string Endpoint { get; init; }
    public string BaseUrl { get; init; } = "";
    public SortedDictionary<string, string> Attributes { get; init; } = new(StringComparer.Ordinal);

    public bool Raw => string.Equals(Get("RawMessageDelivery"), "true", StringComparison.OrdinalIgnoreCase);

    public FilterPolicyScope Scope => Get("FilterPolicyScope") == "MessageBody" ? FilterPolicyScope.MessageBody : FilterPolicyScope.MessageAttributes;

    public string? Get(string name) => Attributes.TryGetValue(name, out string? v) ? v : Settable.GetValueOrDefault(name);

    /// <summary>The compiled filter policy, or null when the subscription takes everything.</summary>
    public FilterPolicy? CompilePolicy() => Get("FilterPolicy") is { Length: > 0 } json ? FilterPolicy.Parse(json, Scope) : null;

    /// <summary>The subscription's ARN in the region a caller uses.</summary>
    public string Arn(string region, string account) => TopicAddress.Arn(region, account, Topic) + ":" + Id;

    /// <summary>Checks one attribute a client sets (with the others it will have); InvalidParameter with SNS's reason.</summary>
    public static void Check(string name, string value, IReadOnlyDictionary<string, string> all)
    {
        if (!Settable.ContainsKey(name))
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: Attributes Reason: Unknown attribute {name}");
        }
        switch (name)
        {
            case "RawMessageDelivery" when !value.Equals("true", StringComparison.OrdinalIgnoreCase) && !value.Equals("false", StringComparison.OrdinalIgnoreCase):
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.");
            case "FilterPolicyScope" when value is not ("MessageAttributes" or "MessageBody"):
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes");
            case "FilterPolicy" or "FilterPolicyScope":
                if (all.GetValueOrDefault("FilterPolicy") is { Length: > 0 } policy)
                {
                    var scope = all.GetValueOrDefault("FilterPolicyScope") == "MessageBody" ? FilterPolicyScope.MessageBody : FilterPolicyScope.MessageAttributes;
                    try
                    {
                        FilterPolicy.Parse(policy, scope);
                    }
                    catch (FilterPolicyException e)
                    {
                        throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: FilterPolicy: " + e.Message);
                    }
                }
                break;
            case "RedrivePolicy" when value.Length > 0:
                string? target = null;
                try
                {
                    target = JsonNode.Parse(value)?["deadLetterTargetArn"]?.GetValue<string>();
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
                {
                    // answered below
                }
                if (target is null || Sqs.QueueAddress.NameFromArn(target) is null)
                {
                    throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: RedrivePolicy: deadLetterTargetArn must be an SQS queue ARN");
                }
                break;
            case "DeliveryPolicy" or "ReplayPolicy" when value.Length > 0:
                try
                {
                    _ = JsonNode.Parse(value) as JsonObject ?? throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {name}: must be a JSON object");
                }
                catch (System.Text.Json.JsonException)
                {
                    throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {name}: failed to parse JSON");
                }
                break;
            default:
                break;
        }
    }

    /// <summary>The attributes answered by GetSubscriptionAttributes besides the computed ones.</summary>
    public IEnumerable<KeyValuePair<string, string>> Effective()
    {
        foreach (string k in Settable.Keys)
        {
            if (Get(k) is { } v)
            {
                yield return new(k, v);
            }
            else if (k == "FilterPolicyScope" && Get("FilterPolicy") is not null)
            {
                yield return new(k, "MessageAttributes");
            }
        }
    }

    public BindingDescription ToBinding()
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [IdArgument] = Id,
            [EndpointArgument] = Endpoint,
            [BaseUrlArgument] = BaseUrl,
        };
        foreach ((string k, string v) in Attributes)
        {
            arguments[AttributePrefix + k] = v;
        }
        return new BindingDescription { Source = Topic, Destination = Queue, DestinationKind = BindingDestinationKind.Queue, Arguments = arguments };
    }

    /// <summary>The subscription a binding is, or null for a binding made otherwise (not listed as a subscription).</summary>
    public static SnsSubscription? FromBinding(BindingDescription b)
    {
        if (b.Arguments.GetValueOrDefault(IdArgument) is not string id || b.DestinationKind != BindingDestinationKind.Queue)
        {
            return null;
        }
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string k, object? v) in b.Arguments)
        {
            if (k.StartsWith(AttributePrefix, StringComparison.Ordinal) && v is string s)
            {
                attributes[k[AttributePrefix.Length..]] = s;
            }
        }
        return new SnsSubscription
        {
            Id = id,
            Topic = b.Source,
            Queue = b.Destination,
            Endpoint = b.Arguments.GetValueOrDefault(EndpointArgument) as string ?? "",
            BaseUrl = b.Arguments.GetValueOrDefault(BaseUrlArgument) as string ?? "",
            Attributes = attributes,
        };
    }
}
