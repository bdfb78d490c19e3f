using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Omnibus.Aws.Sns.Filtering;

/// <summary>
/// One entry of a filter policy's value list: an exact value, or an operator object (<c>prefix</c>, <c>suffix</c>,
/// <c>equals-ignore-case</c>, <c>anything-but</c>, <c>numeric</c>, <c>exists</c>, <c>cidr</c>). The entries of
/// one key are alternatives: the key matches when one of them does.
/// </summary>
internal abstract class FilterCondition
{
    /// <summary>Whether the values found at the key (null: the key is absent) satisfy this condition.</summary>
    public virtual bool Matches(IReadOnlyList<FilterValue>? values)
    {
        if (values is null)
        {
            return false;
        }
        foreach (FilterValue v in values)
        {
            if (MatchesValue(v))
            {
                return true;
            }
        }
        return false;
    }

    protected abstract bool MatchesValue(FilterValue value);

    public static FilterCondition Parse(JsonElement e, string key) => e.ValueKind switch
    {
        JsonValueKind.String => new Exact(FilterValue.Of(e.GetString()!)),
        JsonValueKind.Number => new Exact(FilterValue.Of(e.GetDouble())),
        JsonValueKind.True or JsonValueKind.False => new Exact(FilterValue.Of(e.GetBoolean())),
        JsonValueKind.Null => new Exact(FilterValue.Null),
        JsonValueKind.Object => ParseOperator(e, key),
        _ => throw new FilterPolicyException($"Match value must be String, number, true, false, or null (key {key})."),
    };

    private static FilterCondition ParseOperator(JsonElement e, string key)
    {
        using JsonElement.ObjectEnumerator props = e.EnumerateObject();
        JsonProperty[] all = [.. props];
        if (all.Length != 1)
        {
            throw new FilterPolicyException($"An operator object must hold exactly one operator (key {key}).");
        }
        JsonProperty op = all[0];
        return op.Name switch
        {
            "prefix" => Affix(op.Value, key, "prefix", prefix: true),
            "suffix" => Affix(op.Value, key, "suffix", prefix: false),
            "equals-ignore-case" => new EqualsIgnoreCase(Text(op.Value, key, "equals-ignore-case")),
            "anything-but" => AnythingBut.From(op.Value, key),
            "numeric" => Numeric.From(op.Value, key),
            "exists" => op.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? new Exists(op.Value.GetBoolean())
                : throw new FilterPolicyException($"exists match pattern must be either true or false (key {key})."),
            "cidr" => Cidr.From(op.Value, key),
            _ => throw new FilterPolicyException($"Unrecognized match type {op.Name} (key {key})."),
        };
    }

    private static Affixed Affix(JsonElement v, string key, string op, bool prefix)
    {
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("equals-ignore-case", out JsonElement inner))
        {
            return new Affixed(Text(inner, key, op), prefix, StringComparison.OrdinalIgnoreCase);
        }
        return new Affixed(Text(v, key, op), prefix, StringComparison.Ordinal);
    }

    internal static string Text(JsonElement v, string key, string op) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FilterPolicyException($"{op} match pattern must be a string (key {key}).");

    private sealed class Exact(FilterValue wanted) : FilterCondition
    {
        protected override bool MatchesValue(FilterValue value) => Same(wanted, value);
    }

    internal static bool Same(FilterValue a, FilterValue b) => a.Kind == b.Kind && a.Kind switch
    {
        FilterValueKind.String => string.Equals(a.Text, b.Text, StringComparison.Ordinal),
        FilterValueKind.Number => a.Number == b.Number,
        FilterValueKind.Boolean => a.Bool == b.Bool,
        _ => true,
    };

    private sealed class Affixed(string affix, bool prefix, StringComparison comparison) : FilterCondition
    {
        protected override bool MatchesValue(FilterValue value) =>
            value.Kind == FilterValueKind.String && (prefix ? value.Text!.StartsWith(affix, comparison) : value.Text!.EndsWith(affix, comparison));
    }

    private sealed class EqualsIgnoreCase(string wanted) : FilterCondition
    {
        protected override bool MatchesValue(FilterValue value) =>
            value.Kind == FilterValueKind.String && string.Equals(value.Text, wanted, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Exists(bool wanted) : FilterCondition
    {
        public override bool Matches(IReadOnlyList<FilterValue>? values) => (values is not null) == wanted;

        protected override bool MatchesValue(FilterValue value) => wanted;
    }

    /// <summary>Matches when the key is present and none of its values is one of those excluded (or starts / ends with the excluded affix).</summary>
    private sealed class AnythingBut(Func<FilterValue, bool> excluded) : FilterCondition
    {
        public override bool Matches(IReadOnlyList<FilterValue>? values) => values is { Count: > 0 } && values.All(v => !excluded(v));

        protected override bool MatchesValue(FilterValue value) => !excluded(value);

        public static AnythingBut From(JsonElement v, string key)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.String or JsonValueKind.Number:
                    FilterValue one = Value(v, key);
                    return new AnythingBut(x => Same(one, x));
                case JsonValueKind.Array:
                    FilterValue[] list = [.. v.EnumerateArray().Select(x => Value(x, key))];
                    return list.Length > 0 ? new AnythingBut(x => list.Any(l => Same(l, x))) : throw new FilterPolicyException($"Empty arrays are not allowed (key {key}).");
                case JsonValueKind.Object:
                    JsonProperty[] ops = [.. v.EnumerateObject()];
                    if (ops.Length == 1 && ops[0].Name is "prefix" or "suffix")
                    {
                        string affix = Text(ops[0].Value, key, "anything-but " + ops[0].Name);
                        bool prefix = ops[0].Name == "prefix";
                        return new AnythingBut(x => x.Kind == FilterValueKind.String
                            && (prefix ? x.Text!.StartsWith(affix, StringComparison.Ordinal) : x.Text!.EndsWith(affix, StringComparison.Ordinal)));
                    }
                    if (ops.Length == 1 && ops[0].Name == "equals-ignore-case")
                    {
                        string text = Text(ops[0].Value, key, "anything-but equals-ignore-case");
                        return new AnythingBut(x => x.Kind == FilterValueKind.String && string.Equals(x.Text, text, StringComparison.OrdinalIgnoreCase));
                    }
                    throw new FilterPolicyException($"Unsupported anything-but pattern (key {key}).");
                default:
                    throw new FilterPolicyException($"anything-but must be a string, a number, a list or an operator (key {key}).");
            }
        }

        private static FilterValue Value(JsonElement x, string key) => x.ValueKind switch
        {
            JsonValueKind.String => FilterValue.Of(x.GetString()!),
            JsonValueKind.Number => FilterValue.Of(x.GetDouble()),
            _ => throw new FilterPolicyException($"anything-but values must be strings or numbers (key {key})."),
        };
    }

    /// <summary><c>["=", 5]</c>, <c>[">", 0]</c>, <c>[">=", 0, "<", 10]</c>: a lower bound first, an upper bound second.</summary>
    private sealed class Numeric(double low, bool lowInclusive, double high, bool highInclusive) : FilterCondition
    {
        protected override bool MatchesValue(FilterValue value) =>
            value.Kind == FilterValueKind.Number
            && (lowInclusive ? value.Number >= low : value.Number > low)
            && (highInclusive ? value.Number <= high : value.Number < high);

        public static Numeric From(JsonElement v, string key)
        {
            if (v.ValueKind != JsonValueKind.Array)
            {
                throw new FilterPolicyException($"Value of numeric must be an array (key {key}).");
            }
            JsonElement[] items = [.. v.EnumerateArray()];
            if (items.Length is not (2 or 4))
            {
                throw new FilterPolicyException($"Value of numeric must be an array of one or two comparisons (key {key}).");
            }
            double low = double.NegativeInfinity, high = double.PositiveInfinity;
            bool lowIn = false, highIn = false, sawLow = false, sawHigh = false;
            for (int i = 0; i < items.Length; i += 2)
            {
                string op = items[i].ValueKind == JsonValueKind.String ? items[i].GetString()! : "";
                if (items[i + 1].ValueKind != JsonValueKind.Number)
                {
                    throw new FilterPolicyException($"Value of {op} must be numeric (key {key}).");
                }
                double n = items[i + 1].GetDouble();
                switch (op)
                {
                    case "=" when items.Length == 2:
                        return new Numeric(n, true, n, true);
                    case ">" or ">=" when !sawLow && !sawHigh:
                        (low, lowIn, sawLow) = (n, op == ">=", true);
                        break;
                    case "<" or "<=" when !sawHigh:
                        (high, highIn, sawHigh) = (n, op == "<=", true);
                        break;
                    default:
                        throw new FilterPolicyException($"Bad numeric range operator {op} (key {key}).");
                }
            }
            if (sawLow && sawHigh && low >= high)
            {
                throw new FilterPolicyException($"Bottom must be less than top (key {key}).");
            }
            return new Numeric(low, lowIn, high, highIn);
        }
    }

    private sealed class Cidr(IPNetwork network) : FilterCondition
    {
        protected override bool MatchesValue(FilterValue value) =>
            value.Kind == FilterValueKind.String && IPAddress.TryParse(value.Text, out IPAddress? address) && network.Contains(address);

        public static Cidr From(JsonElement v, string key)
        {
            string text = Text(v, key, "cidr");
            return IPNetwork.TryParse(text, out IPNetwork network)
                ? new Cidr(network)
                : throw new FilterPolicyException(string.Create(CultureInfo.InvariantCulture, $"Malformed CIDR, one '/' required (key {key}): {text}"));
        }
    }
}
