using Omnibus.Core.Engine;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Entities;

namespace Omnibus.ServiceBus.Amqp;

internal sealed partial class ManagementHandler
{
    // Numeric descriptors of the rule types (the JS SDK compares numbers).
    private const ulong RuleDescriptionCode = 0x0000013700000004;
    private const ulong SqlFilterCode = 0x0000001370000006;
    private const ulong TrueFilterCode = 0x0000001370000007;
    private const ulong FalseFilterCode = 0x0000001370000008;
    private const ulong CorrelationFilterCode = 0x0000001370000009;
    private const ulong EmptyActionCode = 0x0000013700000005;
    private const ulong SqlActionCode = 0x0000013700000006;
    private const int CompatibilityLevel = 20;

    private (string Topic, string Subscription) SubscriptionPath()
    {
        string segment = "/" + EntityNames.SubscriptionsSegment + "/";
        int marker = entityPath.IndexOf(segment, StringComparison.OrdinalIgnoreCase);
        if (marker <= 0)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"'{entityPath}' is not a subscription: rules live on subscriptions.");
        }
        return (entityPath[..marker], entityPath[(marker + segment.Length)..]);
    }

    private (int, AmqpMap) AddRule(AmqpMap body)
    {
        (string topic, string subscription) = SubscriptionPath();
        string name = ManagementValues.String(body, "rule-name") ?? throw new FormatException("rule-name is missing.");
        ServiceBusNames.ValidateRuleName(name);
        AmqpMap description = ManagementValues.Get(body, "rule-description") as AmqpMap ?? new AmqpMap();
        RuleFilterDescription filter = RuleFilterDescription.True;
        if (ManagementValues.Get(description, "sql-filter") is AmqpMap sql)
        {
            filter = RuleFilterDescription.Sql(ManagementValues.String(sql, "expression") ?? "1=1");
        }
        else if (ManagementValues.Get(description, "correlation-filter") is AmqpMap correlation)
        {
            filter = new RuleFilterDescription
            {
                Kind = RuleFilterKind.Correlation,
                CorrelationId = ManagementValues.String(correlation, "correlation-id"),
                MessageId = ManagementValues.String(correlation, "message-id"),
                To = ManagementValues.String(correlation, "to"),
                ReplyTo = ManagementValues.String(correlation, "reply-to"),
                Subject = ManagementValues.String(correlation, "label"),
                SessionId = ManagementValues.String(correlation, "session-id"),
                ReplyToSessionId = ManagementValues.String(correlation, "reply-to-session-id"),
                ContentType = ManagementValues.String(correlation, "content-type"),
                Properties = ManagementValues.Get(correlation, "properties") is AmqpMap properties ? EntityReceiverLink.ToProperties(properties) : null,
            };
        }
        string? action = ManagementValues.Get(description, "sql-rule-action") is AmqpMap actionMap ? ManagementValues.String(actionMap, "expression") : null;
        connection.Broker.AddRule(topic, subscription, new RuleDescription { Name = name, Filter = filter, ActionSqlExpression = action }, connection.Authorization.Caller);
        return Ok(new AmqpMap());
    }

    private (int, AmqpMap) RemoveRule(AmqpMap body)
    {
        (string topic, string subscription) = SubscriptionPath();
        connection.Broker.RemoveRule(topic, subscription, ManagementValues.String(body, "rule-name") ?? "", connection.Authorization.Caller);
        return Ok(new AmqpMap());
    }

    private (int, AmqpMap) EnumerateRules(AmqpMap body)
    {
        (string topic, string subscription) = SubscriptionPath();
        int skip = (int)(ManagementValues.Long(body, "skip") ?? 0);
        int top = (int)Math.Min(ManagementValues.Long(body, "top") ?? int.MaxValue, int.MaxValue);
        // Service Bus enumerates rules ordered by name.
        RuleDescription[] rules = [.. connection.Broker.GetRules(topic, subscription).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Skip(skip).Take(top)];
        if (rules.Length == 0)
        {
            return (204, new AmqpMap());
        }
        var list = new List<object?>(rules.Length);
        foreach (RuleDescription rule in rules)
        {
            list.Add(new AmqpMap { { "rule-description", Describe(rule) } });
        }
        return Ok(new AmqpMap { { "rules", list } });
    }

    private static AmqpDescribed Describe(RuleDescription rule)
    {
        RuleFilterDescription f = rule.Filter;
        AmqpDescribed filter = f.Kind switch
        {
            RuleFilterKind.Sql => new AmqpDescribed(SqlFilterCode, new List<object?> { f.SqlExpression, CompatibilityLevel }),
            RuleFilterKind.False => new AmqpDescribed(FalseFilterCode, new List<object?> { "1=0", CompatibilityLevel }),
            RuleFilterKind.Correlation => new AmqpDescribed(CorrelationFilterCode, new List<object?>
            {
                f.CorrelationId, f.MessageId, f.To, f.ReplyTo, f.Subject, f.SessionId, f.ReplyToSessionId, f.ContentType,
                Properties(f.Properties),
            }),
            _ => new AmqpDescribed(TrueFilterCode, new List<object?> { "1=1", CompatibilityLevel }),
        };
        AmqpDescribed action = rule.ActionSqlExpression is { } expression
            ? new AmqpDescribed(SqlActionCode, new List<object?> { expression, CompatibilityLevel })
            : new AmqpDescribed(EmptyActionCode, new List<object?>());
        return new AmqpDescribed(RuleDescriptionCode, new List<object?>
        {
            filter, action, rule.Name, AmqpTimestamp.FromDateTimeOffset(rule.CreatedAt),
        });
    }

    private static AmqpMap Properties(Dictionary<string, object?>? properties)
    {
        var map = new AmqpMap();
        if (properties is not null)
        {
            foreach (KeyValuePair<string, object?> pair in properties)
            {
                map.Add(pair.Key, AmqpValueConverter.ToAmqp(pair.Value));
            }
        }
        return map;
    }
}
