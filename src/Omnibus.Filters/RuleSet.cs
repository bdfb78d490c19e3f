namespace Omnibus.Filters;

/// <summary>A named subscription rule: a filter and an optional action.</summary>
public sealed class SubscriptionRule
{
    /// <summary>Name of the rule every new subscription starts with.</summary>
    public const string DefaultRuleName = "$Default";

    public SubscriptionRule(string name, IRuleFilter filter, IRuleAction? action = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(filter);
        Name = name;
        Filter = filter;
        Action = action;
    }

    public string Name { get; }
    public IRuleFilter Filter { get; }
    public IRuleAction? Action { get; }

    /// <summary>The <c>$Default</c> rule: true filter, no action.</summary>
    public static SubscriptionRule Default { get; } = new(DefaultRuleName, TrueFilter.Instance);
}

/// <summary>A copy of the message produced by a matching rule with an action.</summary>
public readonly record struct RuleCopy(string RuleName, IMutableFilterMessage Message);

/// <summary>A rule whose filter or action failed for the message.</summary>
public readonly record struct RuleError(string RuleName, string Reason, bool InAction);

/// <summary>
/// What a subscription receives for one message. <see cref="DeliverOriginal"/> says whether
/// the message itself goes in (some rule without an action matched: those rules are OR-ed
/// and give one message however many match); each rule with an action that matched adds a
/// <see cref="Copies"/> entry. <see cref="Errors"/> lists failed rules: the core dead-letters
/// the message when the subscription dead-letters on filter evaluation exceptions.
/// </summary>
public readonly struct RuleSetResult
{
    private readonly List<RuleCopy>? _copies;
    private readonly List<RuleError>? _errors;

    internal RuleSetResult(string? matchedRule, List<RuleCopy>? copies, List<RuleError>? errors)
    {
        MatchedRule = matchedRule;
        _copies = copies;
        _errors = errors;
    }

    /// <summary>The first rule without an action that matched (rules after it are not evaluated), or null.</summary>
    public string? MatchedRule { get; }

    public bool DeliverOriginal => MatchedRule is not null;

    public IReadOnlyList<RuleCopy> Copies => (IReadOnlyList<RuleCopy>?)_copies ?? [];

    public IReadOnlyList<RuleError> Errors => (IReadOnlyList<RuleError>?)_errors ?? [];

    /// <summary>True when the subscription gets at least one message.</summary>
    public bool IsSelected => DeliverOriginal || _copies is { Count: > 0 };

    /// <summary>Number of messages the subscription gets.</summary>
    public int MessageCount => (DeliverOriginal ? 1 : 0) + (_copies?.Count ?? 0);
}

/// <summary>
/// A subscription's rules, evaluated in one place. Immutable: to change rules, build a new set
/// (rules change rarely, messages often).
/// </summary>
public sealed class RuleSet
{
    /// <summary>Application property that names the rule on each action copy, as Service Bus sets it.</summary>
    public const string RuleNameProperty = "RuleName";

    private readonly SubscriptionRule[] _plain;
    private readonly SubscriptionRule[] _withAction;

    public RuleSet(IEnumerable<SubscriptionRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in Rules)
        {
            if (!names.Add(rule.Name))
            {
                throw new ArgumentException($"Duplicate rule name '{rule.Name}'.", nameof(rules));
            }
        }
        _plain = [.. Rules.Where(r => r.Action is null)];
        _withAction = [.. Rules.Where(r => r.Action is not null)];
    }

    public IReadOnlyList<SubscriptionRule> Rules { get; }

    /// <summary>A set holding only the <c>$Default</c> rule.</summary>
    public static RuleSet Default { get; } = new([SubscriptionRule.Default]);

    /// <summary>
    /// Evaluates every rule against <paramref name="message"/>. Rules without an action stop at the
    /// first match (they are OR-ed); every rule with an action is evaluated and, when it matches,
    /// gets its own copy made by <paramref name="copy"/> (default <see cref="FilterMessage.CopyOf"/>),
    /// changed by the action and stamped with the <c>RuleName</c> property. Allocates nothing unless
    /// a copy is made or a rule fails.
    /// </summary>
    public RuleSetResult Evaluate(IFilterMessage message, Func<IFilterMessage, IMutableFilterMessage>? copy = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        List<RuleError>? errors = null;
        string? matched = null;
        foreach (var rule in _plain)
        {
            var result = rule.Filter.Evaluate(message);
            if (result.IsMatch)
            {
                matched = rule.Name;
                break;
            }
            if (result.Outcome == FilterOutcome.Error)
            {
                (errors ??= []).Add(new RuleError(rule.Name, result.Error ?? "Filter evaluation failed.", InAction: false));
            }
        }

        List<RuleCopy>? copies = null;
        foreach (var rule in _withAction)
        {
            var result = rule.Filter.Evaluate(message);
            if (result.Outcome == FilterOutcome.Error)
            {
                (errors ??= []).Add(new RuleError(rule.Name, result.Error ?? "Filter evaluation failed.", InAction: false));
                continue;
            }
            if (!result.IsMatch) continue;

            var target = copy is null ? FilterMessage.CopyOf(message) : copy(message);
            if (!rule.Action!.TryApply(target, out var error))
            {
                (errors ??= []).Add(new RuleError(rule.Name, error ?? "Rule action failed.", InAction: true));
                continue;
            }
            target.SetUserProperty(RuleNameProperty, rule.Name);
            (copies ??= []).Add(new RuleCopy(rule.Name, target));
        }
        return new RuleSetResult(matched, copies, errors);
    }

    /// <summary>True when any rule selects the message (ignoring actions); errors count as no match.</summary>
    public bool Matches(IFilterMessage message)
    {
        foreach (var rule in Rules)
        {
            if (rule.Filter.Evaluate(message).IsMatch) return true;
        }
        return false;
    }
}
