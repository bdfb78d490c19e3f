namespace Omnibus.Filters;

/// <summary>The truth value of a filter for one message.</summary>
public enum FilterOutcome : byte
{
    /// <summary>The predicate is false: the rule does not match.</summary>
    False,

    /// <summary>The predicate is true: the rule matches.</summary>
    True,

    /// <summary>SQL unknown (for example a comparison with a missing property): the rule does not match.</summary>
    Unknown,

    /// <summary>
    /// Evaluating failed (a type mismatch, a division by zero, an overflow): Service Bus moves the
    /// message to the dead-letter queue when the subscription dead-letters on filter evaluation
    /// exceptions, and otherwise drops it for this rule.
    /// </summary>
    Error,
}

/// <summary>Result of evaluating a filter; a struct, so evaluating allocates nothing.</summary>
public readonly record struct FilterResult(FilterOutcome Outcome, string? Error = null)
{
    public static FilterResult True => new(FilterOutcome.True);

    public static FilterResult False => new(FilterOutcome.False);

    public static FilterResult Unknown => new(FilterOutcome.Unknown);

    /// <summary>True only when the predicate evaluated to TRUE.</summary>
    public bool IsMatch => Outcome == FilterOutcome.True;
}

/// <summary>Raised by <see cref="RuleExtensions.Matches"/> and <see cref="RuleExtensions.Apply"/> when evaluation fails.</summary>
public sealed class FilterEvaluationException : Exception
{
    public FilterEvaluationException()
    {
    }

    public FilterEvaluationException(string message)
        : base(message)
    {
    }

    public FilterEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
