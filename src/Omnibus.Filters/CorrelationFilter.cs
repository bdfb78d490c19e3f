using Omnibus.Filters.Sql;

namespace Omnibus.Filters;

/// <summary>
/// A Service Bus correlation filter: every condition that is set must hold. System fields
/// compare ordinally and case-sensitively (as the service documents); each application
/// property must be present and equal with <c>=</c> semantics (numbers compare across types:
/// a filter value 5 matches an Int32 5 or an Int64 5; a value of another type is simply not
/// equal). A null property value matches a missing or null property. A filter with no
/// condition matches every message. Evaluating allocates nothing.
/// </summary>
public sealed class CorrelationFilter : IRuleFilter
{
    private readonly (string Name, SqlValue Value)[] _properties;
    private readonly (SystemProperty Property, string Value)[] _system;

    public CorrelationFilter(
        string? correlationId = null,
        string? messageId = null,
        string? to = null,
        string? replyTo = null,
        string? subject = null,
        string? sessionId = null,
        string? replyToSessionId = null,
        string? contentType = null,
        IEnumerable<KeyValuePair<string, object?>>? properties = null)
    {
        CorrelationId = correlationId;
        MessageId = messageId;
        To = to;
        ReplyTo = replyTo;
        Subject = subject;
        SessionId = sessionId;
        ReplyToSessionId = replyToSessionId;
        ContentType = contentType;

        var props = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in properties ?? [])
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(properties));
            if (SqlValue.FromObject(value).Kind == ValueKind.Other)
            {
                throw new FilterException($"Correlation filter property '{name}' has unsupported type {value!.GetType().Name}.");
            }
            props[name] = value;
        }
        Properties = props;
        _properties = props.Select(p => (p.Key, SqlValue.FromObject(p.Value))).ToArray();

        // Most selective first: CorrelationId is what correlation filters are usually about.
        var system = new List<(SystemProperty, string)>();
        void Add(SystemProperty p, string? v)
        {
            if (v is not null) system.Add((p, v));
        }
        Add(SystemProperty.CorrelationId, correlationId);
        Add(SystemProperty.MessageId, messageId);
        Add(SystemProperty.To, to);
        Add(SystemProperty.ReplyTo, replyTo);
        Add(SystemProperty.Subject, subject);
        Add(SystemProperty.SessionId, sessionId);
        Add(SystemProperty.ReplyToSessionId, replyToSessionId);
        Add(SystemProperty.ContentType, contentType);
        _system = [.. system];
    }

    public string? CorrelationId { get; }
    public string? MessageId { get; }
    public string? To { get; }
    public string? ReplyTo { get; }

    /// <summary>Service Bus <c>Subject</c> (<c>Label</c> in older SDKs).</summary>
    public string? Subject { get; }

    public string? SessionId { get; }
    public string? ReplyToSessionId { get; }
    public string? ContentType { get; }

    /// <summary>Application properties to match (case-insensitive names).</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; }

    public FilterResult Evaluate(IFilterMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (property, expected) in _system)
        {
            if (!string.Equals(SystemProperties.ReadString(message, property), expected, StringComparison.Ordinal))
            {
                return FilterResult.False;
            }
        }
        foreach (var (name, expected) in _properties)
        {
            var present = message.TryGetUserProperty(name, out var raw);
            if (expected.IsNull)
            {
                if (present && raw is not null) return FilterResult.False;
                continue;
            }
            if (!present || !ValueEquals(raw, expected))
            {
                return FilterResult.False;
            }
        }
        return FilterResult.True;
    }

    private static bool ValueEquals(object? raw, in SqlValue expected) => raw switch
    {
        // The usual cases first, without going through numeric promotion.
        string s when expected.Kind == ValueKind.String => string.Equals(s, expected.AsString, StringComparison.Ordinal),
        string => false,
        long l when expected.Kind == ValueKind.Int64 => l == expected.AsInt64,
        int i when expected.Kind == ValueKind.Int64 => i == expected.AsInt64,
        _ => SqlOps.LooseEquals(SqlValue.FromObject(raw), expected),
    };

    /// <summary>The equivalent SQL filter text (for display; evaluation does not go through SQL).</summary>
    public override string ToString()
    {
        var parts = _system.Select(s => $"sys.{s.Property} = {SqlPrinter.Constant(SqlValue.FromString(s.Value))}")
            .Concat(_properties.Select(p => p.Value.IsNull
                ? $"user.{SqlPrinter.Identifier(p.Name)} IS NULL"
                : $"user.{SqlPrinter.Identifier(p.Name)} = {SqlPrinter.Constant(p.Value)}"))
            .ToList();
        return parts.Count == 0 ? "1=1" : string.Join(" AND ", parts);
    }
}
