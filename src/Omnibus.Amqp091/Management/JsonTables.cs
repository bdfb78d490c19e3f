using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omnibus.Core.Messages;

namespace Omnibus.Amqp091.Management;

/// <summary>Argument tables (the core's typed values) to JSON and back, as the management API shows and takes them.</summary>
internal static class JsonTables
{
    public static JsonObject ToJson(IEnumerable<KeyValuePair<string, object?>> table)
    {
        var json = new JsonObject();
        foreach (KeyValuePair<string, object?> e in table.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json[e.Key] = ToJson(e.Value);
        }
        return json;
    }

    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        bool b => b,
        sbyte or byte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => u,
        float f => f,
        double d => d,
        decimal m => m,
        DateTimeOffset t => t.ToUnixTimeSeconds(),
        DateTime t => new DateTimeOffset(t.ToUniversalTime()).ToUnixTimeSeconds(),
        HeaderMap map => ToJson(map.Select(e => new KeyValuePair<string, object?>(e.Key?.ToString() ?? "", e.Value))),
        IDictionary<string, object?> table => ToJson(table),
        IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(ToJson)]),
        _ => value.ToString(),
    };

    /// <summary>A JSON object of arguments as 0-9-1 field-table values: integers as long, other numbers as double, objects as tables, arrays as lists.</summary>
    public static Dictionary<string, object?> FromJson(JsonElement? table)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (table is not { ValueKind: JsonValueKind.Object } obj)
        {
            return result;
        }
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            result[p.Name] = FromJson(p.Value);
        }
        return result;
    }

    private static object? FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out long n) ? (object)n : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object => FromJson((JsonElement?)value),
        JsonValueKind.Array => value.EnumerateArray().Select(FromJson).ToList(),
        _ => null,
    };
}
