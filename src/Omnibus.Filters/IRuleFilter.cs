namespace Omnibus.Filters;

/// <summary>
/// A subscription rule's filter: SQL, correlation, true or false. Implementations are immutable
/// and safe to evaluate from many threads at once.
/// </summary>
public interface IRuleFilter
{
    /// <summary>Evaluates the filter. Never throws for a message; failures come back as <see cref="FilterOutcome.Error"/>.</summary>
    FilterResult Evaluate(IFilterMessage message);
}

/// <summary>A rule action that changes the subscription's copy of a matched message.</summary>
public interface IRuleAction
{
    /// <summary>Runs the action; returns false with a reason when it fails (the copy is then unusable).</summary>
    bool TryApply(IMutableFilterMessage message, out string? error);
}

/// <summary>Convenience forms that throw instead of returning an outcome.</summary>
public static class RuleExtensions
{
    /// <summary>True when the filter selects the message; throws <see cref="FilterEvaluationException"/> on an evaluation error.</summary>
    public static bool Matches(this IRuleFilter filter, IFilterMessage message)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = filter.Evaluate(message);
        return result.Outcome == FilterOutcome.Error
            ? throw new FilterEvaluationException(result.Error ?? "Filter evaluation failed.")
            : result.IsMatch;
    }

    /// <summary>Runs the action; throws <see cref="FilterEvaluationException"/> when it fails.</summary>
    public static void Apply(this IRuleAction action, IMutableFilterMessage message)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!action.TryApply(message, out var error))
        {
            throw new FilterEvaluationException(error ?? "Rule action failed.");
        }
    }
}

/// <summary>Selects every message (Service Bus <c>TrueFilter</c>, the <c>$Default</c> rule's filter; SQL <c>1=1</c>).</summary>
public sealed class TrueFilter : IRuleFilter
{
    public static TrueFilter Instance { get; } = new();

    private TrueFilter()
    {
    }

    public FilterResult Evaluate(IFilterMessage message) => FilterResult.True;

    public override string ToString() => "1=1";
}

/// <summary>Selects no message (Service Bus <c>FalseFilter</c>; SQL <c>1=0</c>).</summary>
public sealed class FalseFilter : IRuleFilter
{
    public static FalseFilter Instance { get; } = new();

    private FalseFilter()
    {
    }

    public FilterResult Evaluate(IFilterMessage message) => FilterResult.False;

    public override string ToString() => "1=0";
}
