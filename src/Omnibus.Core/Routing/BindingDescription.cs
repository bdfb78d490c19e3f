using Omnibus.Core.Entities;

namespace Omnibus.Core.Routing;

/// <summary>What a binding leads to.</summary>
public enum BindingDestinationKind
{
    /// <summary>A queue: the message is appended to it.</summary>
    Queue,

    /// <summary>Another exchange: the message is routed on by that exchange's bindings.</summary>
    Exchange,

    /// <summary>
    /// A topic (a Service Bus topic): the message is appended to it once, and the topic's subscriptions
    /// select it by their own rules.
    /// </summary>
    Topic,
}

/// <summary>
/// A binding from an exchange (<see cref="Source"/>) to a queue or exchange. What it matches depends on
/// the source's type: <see cref="RoutingKey"/> (direct: equal key; topic: pattern; fanout: ignored),
/// <see cref="Arguments"/> (headers: the values to match, <c>x-match</c> all or any) or
/// <see cref="Rules"/> (rules exchanges). Two bindings with the same source, destination, key,
/// arguments and rules are one binding.
/// </summary>
public sealed record BindingDescription
{
    public required string Source { get; init; }
    public required string Destination { get; init; }
    public BindingDestinationKind DestinationKind { get; init; } = BindingDestinationKind.Queue;
    public string RoutingKey { get; init; } = "";
    public Dictionary<string, object?> Arguments { get; init; } = new(StringComparer.Ordinal);

    /// <summary>For a rules exchange: the rules that select messages (null: one rule that takes everything).</summary>
    public List<RuleDescription>? Rules { get; init; }

    /// <summary>True when both describe the same binding (arguments compared by value, whatever their order).</summary>
    public bool SameAs(BindingDescription other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Source, other.Source, StringComparison.Ordinal) && string.Equals(Destination, other.Destination, StringComparison.Ordinal)
            && DestinationKind == other.DestinationKind && string.Equals(RoutingKey, other.RoutingKey, StringComparison.Ordinal)
            && ArgumentTable.TablesEqual(Arguments, other.Arguments) && RulesEqual(Rules, other.Rules);
    }

    private static bool RulesEqual(List<RuleDescription>? a, List<RuleDescription>? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (a.Count != b.Count)
        {
            return false;
        }
        for (int i = 0; i < a.Count; i++)
        {
            RuleFilterDescription fa = a[i].Filter, fb = b[i].Filter;
            bool same = string.Equals(a[i].Name, b[i].Name, StringComparison.Ordinal)
                && string.Equals(a[i].ActionSqlExpression, b[i].ActionSqlExpression, StringComparison.Ordinal)
                && (fa with { Properties = null }) == (fb with { Properties = null })
                && ArgumentTable.TablesEqual(fa.Properties ?? [], fb.Properties ?? []);
            if (!same)
            {
                return false;
            }
        }
        return true;
    }
}
