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
                Sb("SqlExpression", rule.ActionSqlExpression), Sb("CompatibilityLevel", "20"), WriteParameters(rule.ActionParameters)),
        Sb("CreatedAt", AtomValues.Time(rule.CreatedAt)),
        Sb("Name", rule.Name),
    ]);

    private static XElement WriteFilter(RuleFilterDescription f) => f.Kind switch
    {
        RuleFilterKind.True => SqlLike("TrueFilter", "1=1"),
        RuleFilterKind.False => SqlLike("FalseFilter", "1=0"),
        RuleFilterKind.Sql => SqlLike("SqlFilter", f.SqlExpression ?? "", f.Parameters),
        _ => new XElement(ServiceBusNs + "Filter", new XAttribute(InstanceType, "CorrelationFilter"),
            Optional("CorrelationId", f.CorrelationId), Optional("MessageId", f.MessageId), Optional("To", f.To),
            Optional("ReplyTo", f.ReplyTo), Optional("Label", f.Subject), Optional("SessionId", f.SessionId),
            Optional("ReplyToSessionId", f.ReplyToSessionId), Optional("ContentType", f.ContentType),
            new XElement(ServiceBusNs + "Properties", TypedPairs(f.Properties))),
    };

    private static XElement SqlLike(string type, string expression, Dictionary<string, object?>? parameters = null) =>
        new(ServiceBusNs + "Filter", new XAttribute(InstanceType, type), Sb("SqlExpression", expression), Sb("CompatibilityLevel", "20"), WriteParameters(parameters));

    private static XElement? WriteParameters(Dictionary<string, object?>? parameters) =>
        parameters is { Count: > 0 } ? new XElement(ServiceBusNs + "Parameters", TypedPairs(parameters)) : null;

    private static IEnumerable<XElement> TypedPairs(Dictionary<string, object?>? pairs) => (pairs ?? []).Select(kv =>
        new XElement(ServiceBusNs + "KeyValueOfstringanyType", Sb("Key", kv.Key), AtomValues.WriteTypedValue(kv.Value)));

    /// <summary>Typed key-value pairs (correlation properties, SQL parameters) under <paramref name="container"/>; null when there are none.</summary>
    private static Dictionary<string, object?>? ReadPairs(XElement? container)
    {
        var pairs = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (XElement kv in container?.Elements(ServiceBusNs + "KeyValueOfstringanyType") ?? [])
        {
            string key = kv.Element(ServiceBusNs + "Key")?.Value ?? "";
            XElement? value = kv.Element(ServiceBusNs + "Value");
            pairs[key] = value is null ? null : AtomValues.ReadTypedValue(value);
        }
        return pairs.Count == 0 ? null : pairs;
    }

    private static XElement? Optional(string name, string? value) => value is null ? null : Sb(name, value);

    /// <summary>Reads a <c>RuleDescription</c> (or <c>DefaultRuleDescription</c>) element.</summary>
    public static RuleDescription Read(XElement rd, string? nameFromPath)
    {
        string name = nameFromPath ?? rd.Element(ServiceBusNs + "Name")?.Value ?? RuleDescription.DefaultRuleName;
        XElement? filter = rd.Element(ServiceBusNs + "Filter");
        XElement? action = rd.Element(ServiceBusNs + "Action");
        string? actionSql = action?.Attribute(InstanceType)?.Value == "SqlRuleAction" ? action.Element(ServiceBusNs + "SqlExpression")?.Value : null;
        return new RuleDescription
        {
            Name = name,
            Filter = filter is null ? RuleFilterDescription.True : ReadFilter(filter),
            ActionSqlExpression = string.IsNullOrWhiteSpace(actionSql) ? null : actionSql,
            ActionParameters = string.IsNullOrWhiteSpace(actionSql) ? null : ReadPairs(action!.Element(ServiceBusNs + "Parameters")),
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
                return RuleFilterDescription.Sql(f.Element(ServiceBusNs + "SqlExpression")?.Value ?? "") with
                {
                    Parameters = ReadPairs(f.Element(ServiceBusNs + "Parameters")),
                };
            case "CorrelationFilter":
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
                    Properties = ReadPairs(f.Element(ServiceBusNs + "Properties")),
                };
            default:
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Filter type '{type}' is not supported.");
        }
    }
}
