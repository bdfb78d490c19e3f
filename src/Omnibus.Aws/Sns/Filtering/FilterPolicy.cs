using System.Text.Json;

namespace Omnibus.Aws.Sns.Filtering;

/// <summary>Where a subscription's filter policy looks: the message attributes (flat names) or the JSON body (nested keys).</summary>
internal enum FilterPolicyScope
{
    MessageAttributes,
    MessageBody,
}

/// <summary>
/// An SNS filter policy, compiled: keys are ANDed, the values listed for a key are alternatives (ORed), <c>$or</c>
/// holds alternative policies; with body scope an object value descends into the body's nested keys. Pure:
/// parsed once per subscription, evaluated for each message against an <see cref="IFilterSubject"/>.
/// Limits as SNS's: at most 5 keys and 150 combinations of values.
/// </summary>
internal sealed class FilterPolicy
{
    public const int MaxKeys = 5;
    public const int MaxCombinations = 150;
    private const int MaxPolicyBytes = 256 * 1024;

    private readonly Node _root;

    private FilterPolicy(Node root) => _root = root;

    public bool Matches(IFilterSubject subject) => _root.Matches(subject);

    /// <summary>Parses and checks a policy; <see cref="FilterPolicyException"/> with SNS's reason when it cannot be used.</summary>
    public static FilterPolicy Parse(string json, FilterPolicyScope scope)
    {
        if (json.Length > MaxPolicyBytes)
        {
            throw new FilterPolicyException("Filter policy is too long.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FilterPolicyException($"failed to parse JSON. {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FilterPolicyException("Filter policy must be a JSON object.");
            }
            Node root = Compile(document.RootElement, [], scope);
            int keys = root.Keys().Select(k => string.Join('\u001f', k)).Distinct(StringComparer.Ordinal).Count();
            if (keys > MaxKeys)
            {
                throw new FilterPolicyException($"Filter policy can not have more than {MaxKeys} keys");
            }
            if (root.Combinations() > MaxCombinations)
            {
                throw new FilterPolicyException($"Filter policy is too complex: more than {MaxCombinations} combinations of values");
            }
            return new FilterPolicy(root);
        }
    }

    private static All Compile(JsonElement obj, string[] prefix, FilterPolicyScope scope)
    {
        var parts = new List<Node>();
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (p.Name == "$or")
            {
                if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() < 2 || p.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
                {
                    throw new FilterPolicyException("$or must be an array of at least two policy objects.");
                }
                parts.Add(new Any([.. p.Value.EnumerateArray().Select(e => (Node)Compile(e, prefix, scope))]));
                continue;
            }
            string[] path = [.. prefix, p.Name];
            string key = string.Join('.', path);
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Array:
                    FilterCondition[] conditions = [.. p.Value.EnumerateArray().Select(e => FilterCondition.Parse(e, key))];
                    if (conditions.Length == 0)
                    {
                        throw new FilterPolicyException($"Empty arrays are not allowed (key {key}).");
                    }
                    parts.Add(new Field(path, conditions));
                    break;
                case JsonValueKind.Object when scope == FilterPolicyScope.MessageBody:
                    parts.Add(Compile(p.Value, path, scope));
                    break;
                default:
                    throw new FilterPolicyException(scope == FilterPolicyScope.MessageAttributes && p.Value.ValueKind == JsonValueKind.Object
                        ? $"Filter policy scope MessageAttributes does not support nested filter policy (key {key})."
                        : $"Match value must be an array (key {key}).");
            }
        }
        if (parts.Count == 0 && prefix.Length > 0)
        {
            throw new FilterPolicyException($"Empty objects are not allowed (key {string.Join('.', prefix)}).");
        }
        return new All(parts);
    }

    private abstract class Node
    {
        public abstract bool Matches(IFilterSubject subject);

        public abstract IEnumerable<string[]> Keys();

        public abstract long Combinations();
    }

    private sealed class All(List<Node> parts) : Node
    {
        public override bool Matches(IFilterSubject subject) => parts.TrueForAll(p => p.Matches(subject));

        public override IEnumerable<string[]> Keys() => parts.SelectMany(p => p.Keys());

        public override long Combinations() => parts.Aggregate(1L, (n, p) => Math.Min(n * p.Combinations(), long.MaxValue / 1024));
    }

    private sealed class Any(List<Node> alternatives) : Node
    {
        public override bool Matches(IFilterSubject subject) => alternatives.Exists(p => p.Matches(subject));

        public override IEnumerable<string[]> Keys() => alternatives.SelectMany(p => p.Keys());

        public override long Combinations() => alternatives.Sum(p => p.Combinations());
    }

    private sealed class Field(string[] path, FilterCondition[] conditions) : Node
    {
        public override bool Matches(IFilterSubject subject)
        {
            IReadOnlyList<FilterValue>? values = subject.Lookup(path);
            foreach (FilterCondition c in conditions)
            {
                if (c.Matches(values))
                {
                    return true;
                }
            }
            return false;
        }

        public override IEnumerable<string[]> Keys() => [path];

        public override long Combinations() => conditions.Length;
    }
}
