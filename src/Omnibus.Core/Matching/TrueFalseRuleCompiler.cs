using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Matching;

/// <summary>
/// The rule compiler used when the host plugs in none: it knows only the true and false filters
/// without actions (a subscription takes everything or nothing). Any other rule is refused.
/// </summary>
public sealed class TrueFalseRuleCompiler : IRuleCompiler
{
    public static TrueFalseRuleCompiler Instance { get; } = new();

    public void Validate(RuleDescription rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Filter.Kind is not (RuleFilterKind.True or RuleFilterKind.False) || !string.IsNullOrWhiteSpace(rule.ActionSqlExpression))
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}' needs a rule language this broker was not started with.");
        }
    }

    public ISubscriptionRules Compile(IReadOnlyList<RuleDescription> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (RuleDescription rule in rules)
        {
            Validate(rule);
        }
        return rules.Any(r => r.Filter.Kind == RuleFilterKind.True) ? Everything.Instance : Nothing.Instance;
    }

    private sealed class Everything : ISubscriptionRules
    {
        public static Everything Instance { get; } = new();

        public RulesOutcome Evaluate(BrokerMessage message) => RulesOutcome.Original;
    }

    private sealed class Nothing : ISubscriptionRules
    {
        public static Nothing Instance { get; } = new();

        public RulesOutcome Evaluate(BrokerMessage message) => RulesOutcome.None;
    }
}
