using System.Globalization;
using System.Text.Json;

namespace Omnibus.Aws.Sqs;

/// <summary>
/// Typed reads of a JSON-protocol request object: a missing required member is MissingParameter, a member
/// of the wrong JSON type InvalidParameterValue, as SQS answers them.
/// </summary>
internal readonly struct JsonArgs(JsonElement element)
{
    public JsonElement Element { get; } = element;

    public bool Has(string name) => Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null;

    public string RequiredString(string name) =>
        String(name) ?? throw new SqsException(SqsError.MissingParameter, $"The request must contain the parameter {name}.");

    public string? String(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return null;
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid(name, "a string");
    }

    public int? Int(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n))
        {
            return n;
        }
        // Lenient with numbers sent as text, as the query protocol sends every value.
        if (v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }
        throw Invalid(name, "an integer");
    }

    public IReadOnlyList<string> Strings(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(name, "a list of strings");
        }
        var list = new List<string>(v.GetArrayLength());
        foreach (JsonElement e in v.EnumerateArray())
        {
            list.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid(name, "a list of strings"));
        }
        return list;
    }

    /// <summary>A map of strings to strings (queue attributes, tags), in the order sent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StringMap(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return [];
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, "a map of strings");
        }
        var list = new List<KeyValuePair<string, string>>();
        foreach (JsonProperty p in v.EnumerateObject())
        {
            list.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Invalid(name + "." + p.Name, "a string")));
        }
        return list;
    }

    public IEnumerable<JsonProperty> Object(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return [];
        }
        return v.ValueKind == JsonValueKind.Object ? v.EnumerateObject() : throw Invalid(name, "a map");
    }

    public IReadOnlyList<JsonArgs> Objects(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(name, "a list");
        }
        var list = new List<JsonArgs>(v.GetArrayLength());
        foreach (JsonElement e in v.EnumerateArray())
        {
            list.Add(e.ValueKind == JsonValueKind.Object ? new JsonArgs(e) : throw Invalid(name, "a list of structures"));
        }
        return list;
    }

    private bool TryGet(string name, out JsonElement value)
    {
        if (Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    private static SqsException Invalid(string name, string what) =>
        new(SqsError.InvalidParameterValue, $"Value for parameter {name} is invalid. Reason: it must be {what}.");
}
