using System.Globalization;
using System.Text;

namespace Omnibus.Aws.Sns;

/// <summary>
/// The parameters of a query-protocol request (a form post: <c>Action=Publish&amp;TopicArn=...</c>), with the
/// flattened shapes SNS uses: maps as <c>Name.entry.N.key</c> / <c>.value</c>, lists as <c>Name.member.N</c>.
/// Pure: built from the body's bytes.
/// </summary>
internal sealed class QueryArgs
{
    private readonly Dictionary<string, string> _values;

    private QueryArgs(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Decodes an <c>application/x-www-form-urlencoded</c> body ('+' is a space, %XX are UTF-8 bytes); a repeated name keeps its last value.</summary>
    public static QueryArgs Parse(ReadOnlySpan<byte> body)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string text = Encoding.UTF8.GetString(body);
        foreach (string pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Decode(eq < 0 ? pair : pair[..eq]);
            values[key] = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
        }
        return new QueryArgs(values);
    }

    /// <summary>A malformed escape is kept as written (as lenient form readers do); it can only make a value SNS then refuses.</summary>
    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    public string? String(string name) => _values.TryGetValue(name, out string? v) ? v : null;

    public string Required(string name) =>
        String(name) is { Length: > 0 } v ? v : throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {name}");

    public bool? Bool(string name) => String(name) switch
    {
        null => null,
        var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {name}"),
    };

    /// <summary>The parameters under <c>prefix.</c>, with the prefix taken off.</summary>
    public QueryArgs Under(string prefix)
    {
        string p = prefix + ".";
        return new QueryArgs(_values.Where(kv => kv.Key.StartsWith(p, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[p.Length..], kv => kv.Value, StringComparer.Ordinal));
    }

    /// <summary>The numbered items <c>prefix.N.*</c> (or <c>prefix.N</c>) in the order of N.</summary>
    public IReadOnlyList<(int Index, QueryArgs Item, string? Value)> Numbered(string prefix)
    {
        QueryArgs under = Under(prefix);
        var indices = new SortedSet<int>();
        foreach (string key in under._values.Keys)
        {
            int dot = key.IndexOf('.', StringComparison.Ordinal);
            if (int.TryParse(dot < 0 ? key : key[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                indices.Add(n);
            }
        }
        return [.. indices.Select(n => (n, under.Under(n.ToString(CultureInfo.InvariantCulture)), under.String(n.ToString(CultureInfo.InvariantCulture))))];
    }

    /// <summary>A map sent as <c>name.entry.N.key</c> / <c>name.entry.N.value</c> (SNS's Attributes); a key given twice is InvalidParameter.</summary>
    public List<KeyValuePair<string, string>> Map(string name, string keyName = "key", string valueName = "value")
    {
        var map = new List<KeyValuePair<string, string>>();
        foreach ((_, QueryArgs item, _) in Numbered(name + ".entry"))
        {
            string key = item.String(keyName) ?? throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {name}: an entry has no {keyName}.");
            if (map.Exists(kv => kv.Key == key))
            {
                throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {name}: {key} is given more than once.");
            }
            map.Add(new(key, item.String(valueName) ?? ""));
        }
        return map;
    }

    /// <summary>A list of structures sent as <c>name.member.N.*</c>.</summary>
    public IReadOnlyList<QueryArgs> Members(string name) => [.. Numbered(name + ".member").Select(m => m.Item)];

    /// <summary>A list of strings sent as <c>name.member.N</c>.</summary>
    public IReadOnlyList<string> Strings(string name) => [.. Numbered(name + ".member").Where(m => m.Value is not null).Select(m => m.Value!)];
}
