using System.Globalization;
using System.Text.Json;
using Omnibus.Aws.Sqs;

namespace Omnibus.Aws.Sns.Filtering;

/// <summary>
/// Message attributes as a filter policy's subject (FilterPolicyScope=MessageAttributes): names are flat; a
/// String is a string, a Number a number, a String.Array each of its elements; Binary attributes are not
/// matched (SNS ignores them), so they count as absent.
/// </summary>
internal sealed class AttributesSubject(IReadOnlyList<KeyValuePair<string, SqsAttributeValue>> attributes) : IFilterSubject
{
    public IReadOnlyList<FilterValue>? Lookup(IReadOnlyList<string> path)
    {
        if (path.Count != 1)
        {
            return null;
        }
        foreach ((string name, SqsAttributeValue value) in attributes)
        {
            if (string.Equals(name, path[0], StringComparison.Ordinal))
            {
                return ValuesOf(value);
            }
        }
        return null;
    }

    private static List<FilterValue>? ValuesOf(SqsAttributeValue value)
    {
        if (value.BaseType == "Binary" || value.StringValue is not { } text)
        {
            return null;
        }
        if (value.BaseType == "Number")
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) ? [FilterValue.Of(n)] : [FilterValue.Of(text)];
        }
        if (value.DataType == "String.Array" && ArrayElements(text) is { } elements)
        {
            return elements;
        }
        return [FilterValue.Of(text)];
    }

    private static List<FilterValue>? ArrayElements(string text)
    {
        try
        {
            using JsonDocument d = JsonDocument.Parse(text);
            if (d.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var list = new List<FilterValue>();
            foreach (JsonElement e in d.RootElement.EnumerateArray())
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.String: list.Add(FilterValue.Of(e.GetString()!)); break;
                    case JsonValueKind.Number: list.Add(FilterValue.Of(e.GetDouble())); break;
                    case JsonValueKind.True or JsonValueKind.False: list.Add(FilterValue.Of(e.GetBoolean())); break;
                    case JsonValueKind.Null: list.Add(FilterValue.Null); break;
                    default: break;
                }
            }
            return list;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
