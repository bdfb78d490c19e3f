namespace Omnibus.Aws.Sns.Filtering;

/// <summary>What kind of value a filter policy looks at: SNS compares strings with strings and numbers with numbers.</summary>
internal enum FilterValueKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>One value of a message attribute (or of a field of a JSON body) as a filter policy sees it.</summary>
internal readonly record struct FilterValue(FilterValueKind Kind, string? Text, double Number, bool Bool)
{
    public static FilterValue Of(string text) => new(FilterValueKind.String, text, 0, false);

    public static FilterValue Of(double number) => new(FilterValueKind.Number, null, number, false);

    public static FilterValue Of(bool value) => new(FilterValueKind.Boolean, null, 0, value);

    public static FilterValue Null { get; } = new(FilterValueKind.Null, null, 0, false);
}

/// <summary>
/// What a filter policy is evaluated against: the message's attributes (flat names) or its JSON body (nested
/// keys). A lookup gives every value at the path (several for an array), or null when the key is absent.
/// </summary>
internal interface IFilterSubject
{
    IReadOnlyList<FilterValue>? Lookup(IReadOnlyList<string> path);
}

/// <summary>A filter policy that cannot be used, with SNS's reason.</summary>
internal sealed class FilterPolicyException(string message) : Exception(message);
