using System.Text.Json;

namespace Omnibus.Aws.Sns.Filtering;

/// <summary>
/// A JSON message body as a filter policy's subject (FilterPolicyScope=MessageBody): a path walks nested
/// objects, and arrays on the way or at the end contribute each of their elements. A body that is not a JSON
/// object has no keys.
/// </summary>
internal sealed class JsonBodySubject : IFilterSubject
{
    private readonly JsonElement? _root;

    private JsonBodySubject(JsonElement? root) => _root = root;

    /// <summary>The subject of a body; the document must outlive the subject.</summary>
    public static JsonBodySubject Of(JsonDocument? document) =>
        new(document?.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement : null);

    /// <summary>Parses a body, or null when it is not JSON.</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public IReadOnlyList<FilterValue>? Lookup(IReadOnlyList<string> path)
    {
        if (_root is not { } root)
        {
            return null;
        }
        var found = new List<FilterValue>();
        bool present = false;
        Walk(root, path, 0, found, ref present);
        return present ? found : null;
    }

    private static void Walk(JsonElement e, IReadOnlyList<string> path, int depth, List<FilterValue> found, ref bool present)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in e.EnumerateArray())
            {
                Walk(item, path, depth, found, ref present);
            }
            return;
        }
        if (depth == path.Count)
        {
            present = true;
            switch (e.ValueKind)
            {
                case JsonValueKind.String: found.Add(FilterValue.Of(e.GetString()!)); break;
                case JsonValueKind.Number: found.Add(FilterValue.Of(e.GetDouble())); break;
                case JsonValueKind.True or JsonValueKind.False: found.Add(FilterValue.Of(e.GetBoolean())); break;
                case JsonValueKind.Null: found.Add(FilterValue.Null); break;
                default: break; // an object where a leaf is wanted: present, but no value to compare
            }
            return;
        }
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(path[depth], out JsonElement child))
        {
            Walk(child, path, depth + 1, found, ref present);
        }
    }
}
