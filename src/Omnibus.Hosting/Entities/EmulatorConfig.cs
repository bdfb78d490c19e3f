using System.Globalization;
using System.Text.Json;
using Omnibus.Core.Entities;

namespace Omnibus.Hosting.Entities;

/// <summary>One subscription of an emulator config with its rules.</summary>
public sealed record ConfiguredSubscription(SubscriptionDescription Subscription, IReadOnlyList<RuleDescription> Rules);

/// <summary>One topic of an emulator config with its subscriptions.</summary>
public sealed record ConfiguredTopic(TopicDescription Topic, IReadOnlyList<ConfiguredSubscription> Subscriptions);

/// <summary>
/// Reads the Service Bus emulator's <c>Config.json</c> unchanged:
/// <c>UserConfig.Namespaces[].Queues[] / Topics[].Subscriptions[].Rules[]</c>, each with a <c>Properties</c>
/// object of Service Bus names and ISO 8601 durations. Omnibus is one namespace, so the queues and topics
/// of every namespace listed are created in it. Unknown properties are ignored, as the emulator does.
/// </summary>
public sealed class EmulatorConfig
{
    public List<QueueDescription> Queues { get; } = [];
    public List<ConfiguredTopic> Topics { get; } = [];

    /// <summary>Parses the file; a malformed file or value throws <see cref="FormatException"/> naming the entity and property.</summary>
    public static EmulatorConfig Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using JsonDocument doc = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var config = new EmulatorConfig();
        JsonElement root = doc.RootElement;
        JsonElement user = Get(root, "UserConfig") ?? root;
        foreach (JsonElement ns in Array(user, "Namespaces"))
        {
            foreach (JsonElement q in Array(ns, "Queues"))
            {
                config.Queues.Add(ReadQueue(q));
            }
            foreach (JsonElement t in Array(ns, "Topics"))
            {
                config.Topics.Add(ReadTopic(t));
            }
        }
        return config;
    }

    private static QueueDescription ReadQueue(JsonElement q)
    {
        string name = Name(q, "queue");
        var p = new Props(q, $"queue '{name}'");
        var d = new QueueDescription { Name = name };
        return d with
        {
            DeadLetteringOnMessageExpiration = p.Bool("DeadLetteringOnMessageExpiration") ?? d.DeadLetteringOnMessageExpiration,
            DefaultMessageTimeToLive = p.Duration("DefaultMessageTimeToLive") ?? d.DefaultMessageTimeToLive,
            DuplicateDetectionHistoryTimeWindow = p.Duration("DuplicateDetectionHistoryTimeWindow") ?? d.DuplicateDetectionHistoryTimeWindow,
            ForwardDeadLetteredMessagesTo = p.String("ForwardDeadLetteredMessagesTo"),
            ForwardTo = p.String("ForwardTo"),
            LockDuration = p.Duration("LockDuration") ?? d.LockDuration,
            MaxDeliveryCount = p.Int("MaxDeliveryCount") ?? d.MaxDeliveryCount,
            RequiresDuplicateDetection = p.Bool("RequiresDuplicateDetection") ?? d.RequiresDuplicateDetection,
            RequiresSession = p.Bool("RequiresSession") ?? d.RequiresSession,
            MaxSizeInMegabytes = p.Int("MaxSizeInMegabytes") ?? d.MaxSizeInMegabytes,
        };
    }

    private static ConfiguredTopic ReadTopic(JsonElement t)
    {
        string name = Name(t, "topic");
        var p = new Props(t, $"topic '{name}'");
        var d = new TopicDescription { Name = name };
        d = d with
        {
            DefaultMessageTimeToLive = p.Duration("DefaultMessageTimeToLive") ?? d.DefaultMessageTimeToLive,
            DuplicateDetectionHistoryTimeWindow = p.Duration("DuplicateDetectionHistoryTimeWindow") ?? d.DuplicateDetectionHistoryTimeWindow,
            RequiresDuplicateDetection = p.Bool("RequiresDuplicateDetection") ?? d.RequiresDuplicateDetection,
        };
        return new ConfiguredTopic(d, Array(t, "Subscriptions").Select(s => ReadSubscription(name, s)).ToList());
    }

    private static ConfiguredSubscription ReadSubscription(string topic, JsonElement s)
    {
        string name = Name(s, $"subscription of topic '{topic}'");
        var p = new Props(s, $"subscription '{topic}/{name}'");
        var d = new SubscriptionDescription { TopicName = topic, Name = name };
        d = d with
        {
            DeadLetteringOnMessageExpiration = p.Bool("DeadLetteringOnMessageExpiration") ?? d.DeadLetteringOnMessageExpiration,
            DefaultMessageTimeToLive = p.Duration("DefaultMessageTimeToLive") ?? d.DefaultMessageTimeToLive,
            ForwardDeadLetteredMessagesTo = p.String("ForwardDeadLetteredMessagesTo"),
            ForwardTo = p.String("ForwardTo"),
            LockDuration = p.Duration("LockDuration") ?? d.LockDuration,
            MaxDeliveryCount = p.Int("MaxDeliveryCount") ?? d.MaxDeliveryCount,
            RequiresSession = p.Bool("RequiresSession") ?? d.RequiresSession,
            DeadLetteringOnFilterEvaluationExceptions = p.Bool("DeadLetteringOnFilterEvaluationExceptions") ?? d.DeadLetteringOnFilterEvaluationExceptions,
        };
        return new ConfiguredSubscription(d, Array(s, "Rules").Select(r => ReadRule($"{topic}/{name}", r)).ToList());
    }

    private static RuleDescription ReadRule(string subscription, JsonElement r)
    {
        string name = Name(r, $"rule of subscription '{subscription}'");
        JsonElement props = Get(r, "Properties") ?? default;
        string where = $"rule '{name}' of subscription '{subscription}'";
        string type = props.ValueKind == JsonValueKind.Object && Get(props, "FilterType") is { ValueKind: JsonValueKind.String } ft ? ft.GetString()! : "Sql";
        RuleFilterDescription filter;
        if (type.Equals("Correlation", StringComparison.OrdinalIgnoreCase))
        {
            JsonElement cf = Get(props, "CorrelationFilter") ?? throw new FormatException($"{where}: FilterType Correlation needs a CorrelationFilter object.");
            var c = new Props(cf, where, nested: false);
            filter = new RuleFilterDescription
            {
                Kind = RuleFilterKind.Correlation,
                ContentType = c.String("ContentType"),
                CorrelationId = c.String("CorrelationId"),
                Subject = c.String("Label") ?? c.String("Subject"),
                MessageId = c.String("MessageId"),
                ReplyTo = c.String("ReplyTo"),
                ReplyToSessionId = c.String("ReplyToSessionId"),
                SessionId = c.String("SessionId"),
                To = c.String("To"),
                Properties = Get(cf, "Properties") is { ValueKind: JsonValueKind.Object } userProps ? ReadValues(userProps) : null,
            };
        }
        else if (type.Equals("Sql", StringComparison.OrdinalIgnoreCase))
        {
            string? sql = Get(props, "SqlFilter") is { ValueKind: JsonValueKind.Object } sf && Get(sf, "SqlExpression") is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;
            filter = sql is null ? RuleFilterDescription.True : RuleFilterDescription.Sql(sql);
        }
        else
        {
            throw new FormatException($"{where}: FilterType '{type}' is not Sql or Correlation.");
        }
        string? action = props.ValueKind == JsonValueKind.Object && Get(props, "Action") is { ValueKind: JsonValueKind.Object } a
            && Get(a, "SqlExpression") is { ValueKind: JsonValueKind.String } ae ? ae.GetString() : null;
        return new RuleDescription { Name = name, Filter = filter, ActionSqlExpression = string.IsNullOrWhiteSpace(action) ? null : action };
    }

    private static Dictionary<string, object?> ReadValues(JsonElement obj)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            map[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when p.Value.TryGetInt64(out long l) => l,
                JsonValueKind.Number => p.Value.GetDouble(),
                _ => null,
            };
        }
        return map;
    }

    private static string Name(JsonElement e, string what) =>
        Get(e, "Name") is { ValueKind: JsonValueKind.String } n && !string.IsNullOrWhiteSpace(n.GetString())
            ? n.GetString()!
            : throw new FormatException($"A {what} has no Name.");

    private static JsonElement? Get(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (JsonProperty p in e.EnumerateObject())
        {
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }
        return null;
    }

    private static JsonElement[] Array(JsonElement e, string name) =>
        Get(e, name) is { ValueKind: JsonValueKind.Array } a ? [.. a.EnumerateArray()] : [];

    /// <summary>Typed access to an entity's <c>Properties</c>, with errors naming the entity and the property.</summary>
    private readonly struct Props(JsonElement owner, string where, bool nested = true)
    {
        private readonly JsonElement? _props = nested ? Get(owner, "Properties") : owner;

        private JsonElement? Value(string name) => _props is { } p ? Get(p, name) is { ValueKind: not JsonValueKind.Null } v ? v : null : null;

        public string? String(string name) => Value(name) is { } v
            ? v.ValueKind == JsonValueKind.String ? (string.IsNullOrEmpty(v.GetString()) ? null : v.GetString()) : throw Bad(name, "a string")
            : null;

        public bool? Bool(string name) => Value(name) is { } v
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
              : v.ValueKind == JsonValueKind.String && bool.TryParse(v.GetString(), out bool b) ? b : throw Bad(name, "true or false")
            : null;

        public int? Int(string name) => Value(name) is { } v
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i
              : v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int j) ? j : throw Bad(name, "a whole number")
            : null;

        public TimeSpan? Duration(string name) => Value(name) is { } v
            ? v.ValueKind == JsonValueKind.String && DurationText.TryParse(v.GetString()!, out TimeSpan t) ? t : throw Bad(name, "an ISO 8601 duration such as PT1H")
            : null;

        private FormatException Bad(string name, string expected) => new($"{where}: {name} must be {expected}.");
    }
}
