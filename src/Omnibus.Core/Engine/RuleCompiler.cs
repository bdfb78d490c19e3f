using Omnibus.Core.Entities;
using Omnibus.Filters;

namespace Omnibus.Core.Engine;

/// <summary>Turns rule descriptions into executable Omnibus.Filters rules; a bad filter or action is an InvalidArgument error.</summary>
internal static class RuleCompiler
{
    public static SubscriptionRule Compile(RuleDescription rule)
    {
        try
        {
            IRuleFilter filter = rule.Filter.Kind switch
            {
                RuleFilterKind.True => TrueFilter.Instance,
                RuleFilterKind.False => FalseFilter.Instance,
                RuleFilterKind.Sql => SqlFilter.Compile(rule.Filter.SqlExpression ?? throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}' has a SQL filter without an expression.")),
                RuleFilterKind.Correlation => BuildCorrelation(rule.Filter),
                _ => throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}' has an unknown filter kind."),
            };
            IRuleAction? action = string.IsNullOrWhiteSpace(rule.ActionSqlExpression) ? null : SqlRuleAction.Compile(rule.ActionSqlExpression);
            return new SubscriptionRule(rule.Name, filter, action);
        }
        catch (FilterException ex)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}': {ex.Message}", ex);
        }
    }

    private static CorrelationFilter BuildCorrelation(RuleFilterDescription f) => new(
        f.CorrelationId, f.MessageId, f.To, f.ReplyTo, f.Subject, f.SessionId, f.ReplyToSessionId, f.ContentType, f.Properties);

    public static RuleSet BuildSet(IEnumerable<RuleDescription> rules) => new(rules.Select(Compile));
}
