using System.Xml.Linq;
using Omnibus.Core;
using Omnibus.Core.Entities;
using static Omnibus.ServiceBus.Admin.AtomNames;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Rule descriptions in ATOM form: filters (Sql, True, False, Correlation) and actions (Sql, Empty).</summary>
internal static class RuleXml
{
    public static XElement Write(RuleDescription rule, string elementName = "RuleDescription") => AtomFeed.Description(elementName,
    [
        WriteFilter(rule.Filter),
        rule.ActionSqlExpression is null
            ? new XElement(ServiceBusNs + "Action", new XAttribute(InstanceType, "EmptyRuleAction"))
            : new XElement(ServiceBusNs + "Action", new XAttribute(InstanceType, "SqlRuleAction"),
                Sb("SqlExpression", rule.ActionSqlExpression), Sb("CompatibilityLevel", "20")),
        Sb("CreatedAt", AtomValues.Time(rule.CreatedAt)),
        Sb("Name", rule.Name),
    ]);

    private static XElement WriteFilter(RuleFilterDescription f) => f.Kind switch
    {
        RuleFilterKind.True => SqlLike("TrueFilter", "1=1"),
        RuleFilterKind.False => SqlLike("FalseFilter", "1=0"),
        RuleFilterKind.Sql => SqlLike("SqlFilter", f.SqlExpression ?? ""),
        _ => new XElement(ServiceBusNs + "Filter", new XAttribute(InstanceType, "CorrelationFilter"),
            Optional("CorrelationId", f.CorrelationId), Optional("MessageId", f.MessageId), Optional("To", f.To),
            Optional("ReplyTo", f.ReplyTo), Optional("Label", f.Subject), Optional("SessionId", f.SessionId),
            Optional("ReplyToSessionId", f.ReplyToSessionId), Optional("ContentType", f.ContentType),
            new XElement(ServiceBusNs + "Properties", (f.Properties ?? []).Select(kv =>
                new XElement(ServiceBusNs + "KeyValueOfstringanyType", Sb("Key", kv.Key), AtomValues.WriteTypedValue(kv.Value))))),
    };

    private static XElement SqlLike(string type, string expression) =>
        new(ServiceBusNs + "Filter", new XAttribute(InstanceType, type), Sb("SqlExpression", expression), Sb("CompatibilityLevel", "20"));

    private static XElement? Optional(string name, string? value) => value is null ? null : Sb(name, value);

    /// <summary>Reads a <c>RuleDescription</c> (or <c>DefaultRuleDescription</c>) element.</summary>
    public static RuleDescription Read(XElement rd, string? nameFromPath)
    {
        string name = nameFromPath ?? rd.Element(ServiceBusNs + "Name")?.Value ?? RuleDescription.DefaultRuleName;
        XElement? filter = rd.Element(ServiceBusNs + "Filter");
        XElement? action = rd.Element(ServiceBusNs + "Action");
        string? actionSql = action?.Attribute(InstanceType)?.Value == "SqlRuleAction" ? action.Element(ServiceBusNs + "SqlExpression")?.Value : null;
        if (action is not null)
        {
            RefuseParameters(action);
        }
        return new RuleDescription
        {
            Name = name,
            Filter = filter is null ? RuleFilterDescription.True : ReadFilter(filter),
            ActionSqlExpression = string.IsNullOrWhiteSpace(actionSql) ? null : actionSql,
        };
    }

    private static RuleFilterDescription ReadFilter(XElement f)
    {
        string type = f.Attribute(InstanceType)?.Value ?? "SqlFilter";
        switch (type)
        {
            case "TrueFilter":
                return RuleFilterDescription.True;
            case "FalseFilter":
                return RuleFilterDescription.False;
            case "SqlFilter":
                RefuseParameters(f);
                return RuleFilterDescription.Sql(f.Element(ServiceBusNs + "SqlExpression")?.Value ?? "");
            case "CorrelationFilter":
                var props = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (XElement kv in f.Element(ServiceBusNs + "Properties")?.Elements(ServiceBusNs + "KeyValueOfstringanyType") ?? [])
                {
                    string key = kv.Element(ServiceBusNs + "Key")?.Value ?? "";
                    XElement? value = kv.Element(ServiceBusNs + "Value");
                    props[key] = value is null ? null : AtomValues.ReadTypedValue(value);
                }
                return new RuleFilterDescription
                {
                    Kind = RuleFilterKind.Correlation,
                    CorrelationId = AtomValues.ReadString(f, "CorrelationId"),
                    MessageId = AtomValues.ReadString(f, "MessageId"),
                    To = AtomValues.ReadString(f, "To"),
                    ReplyTo = AtomValues.ReadString(f, "ReplyTo"),
                    Subject = AtomValues.ReadString(f, "Label"),
                    SessionId = AtomValues.ReadString(f, "SessionId"),
                    ReplyToSessionId = AtomValues.ReadString(f, "ReplyToSessionId"),
                    ContentType = AtomValues.ReadString(f, "ContentType"),
                    Properties = props.Count == 0 ? null : props,
                };
            default:
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Filter type '{type}' is not supported.");
        }
    }

    /// <summary>The core compiles filters without parameter substitution; refusing is better than matching the wrong messages.</summary>
    private static void RefuseParameters(XElement e)
    {
        if (e.Element(ServiceBusNs + "Parameters")?.HasElements == true)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "SQL filter and action parameters (@name) are not supported by Omnibus.");
        }
    }
}
