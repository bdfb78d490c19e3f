using Omnibus.Core;
using Omnibus.Core.Entities;
using Omnibus.Core.Matching;
using Omnibus.Core.Messages;
using Omnibus.Filters;

namespace Omnibus.ServiceBus.Rules;

/// <summary>
/// Service Bus subscription rules on the core: true/false, SQL and correlation filters with
/// optional SQL actions (Omnibus.Filters). A bad filter or action is an InvalidArgument error.
/// </summary>
public sealed class ServiceBusRuleCompiler : IRuleCompiler
{
    public static ServiceBusRuleCompiler Instance { get; } = new();

    public void Validate(RuleDescription rule) => CompileRule(rule);

    public ISubscriptionRules Compile(IReadOnlyList<RuleDescription> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new CompiledRules(new RuleSet(rules.Select(CompileRule)));
    }

    private static SubscriptionRule CompileRule(RuleDescription rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        try
        {
            IRuleFilter filter = rule.Filter.Kind switch
            {
                RuleFilterKind.True => TrueFilter.Instance,
                RuleFilterKind.False => FalseFilter.Instance,
                RuleFilterKind.Sql => SqlFilter.Compile(rule.Filter.SqlExpression ?? throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}' has a SQL filter without an expression."), rule.Filter.Parameters),
                RuleFilterKind.Correlation => Correlation(rule.Filter),
                _ => throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}' has an unknown filter kind."),
            };
            IRuleAction? action = string.IsNullOrWhiteSpace(rule.ActionSqlExpression) ? null : SqlRuleAction.Compile(rule.ActionSqlExpression, rule.ActionParameters);
            return new SubscriptionRule(rule.Name, filter, action);
        }
        catch (FilterException ex)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}': {ex.Message}", ex);
        }
    }

    private static CorrelationFilter Correlation(RuleFilterDescription f) => new(
        f.CorrelationId, f.MessageId, f.To, f.ReplyTo, f.Subject, f.SessionId, f.ReplyToSessionId, f.ContentType, f.Properties);

    private sealed class CompiledRules(RuleSet rules) : ISubscriptionRules
    {
        private static readonly Func<IFilterMessage, IMutableFilterMessage> Copy = m => new FilterMessageView(((FilterMessageView)m).Message.Clone());

        public RulesOutcome Evaluate(BrokerMessage message)
        {
            RuleSetResult r = rules.Evaluate(new FilterMessageView(message), Copy);
            if (r.Errors.Count == 0 && r.Copies.Count == 0)
            {
                return r.DeliverOriginal ? RulesOutcome.Original : RulesOutcome.None;
            }
            BrokerMessage[] copies = r.Copies.Count == 0 ? [] : [.. r.Copies.Select(c => ((FilterMessageView)c.Message).Message)];
            string? error = r.Errors.Count == 0 ? null : string.Join("; ", r.Errors.Select(e => $"{e.RuleName}: {e.Reason}"));
            return new RulesOutcome(r.DeliverOriginal, copies, error);
        }
    }
}
