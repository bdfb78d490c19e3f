using System.Text.Json;
using System.Text.Json.Serialization;
using Omnibus.Core.Engine;

namespace Omnibus.Core.Routing;

/// <summary>The persisted routing topology: <c>routing.json</c> beside <c>catalog.json</c>, replaced atomically on each change.</summary>
internal sealed class RoutingDocument
{
    public int Version { get; set; } = 1;

    /// <summary>Durable exchanges, by name.</summary>
    public List<ExchangeDescription> Exchanges { get; set; } = [];

    /// <summary>Bindings from a durable exchange to a queue or a durable exchange.</summary>
    public List<BindingDescription> Bindings { get; set; } = [];
}

internal static class RoutingCatalog
{
    public const string FileName = "routing.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(), new TypedValueJsonConverter() },
    };

    public static RoutingDocument Load(Storage.ILogStore store, string dataDirectory) => DurableJsonFile.Load<RoutingDocument>(store, dataDirectory, FileName, Json, d => d.Version);

    public static void Save(Storage.ILogStore store, string dataDirectory, RoutingDocument doc) => DurableJsonFile.Save(store, dataDirectory, FileName, doc, Json);
}

/// <summary>
/// Keeps argument values typed across a save and load: strings, booleans, null and 64-bit integers
/// as plain JSON; every other type as <c>{"type": name, "value": ...}</c>, lists as arrays and
/// tables as objects of such values.
/// </summary>
internal sealed class TypedValueJsonConverter : JsonConverter<object?>
{
    public override bool HandleNull => true;

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.Number: return reader.TryGetInt64(out long l) ? (object)l : reader.GetDouble();
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(Read(ref reader, typeToConvert, options));
                }
                return list;
            case JsonTokenType.StartObject:
                using (JsonDocument doc = JsonDocument.ParseValue(ref reader))
                {
                    return FromObject(doc.RootElement);
                }
            default:
                throw new JsonException($"Unexpected {reader.TokenType} in a typed value.");
        }
    }

    private static object? FromObject(JsonElement e)
    {
        if (e.TryGetProperty("type", out JsonElement type) && e.TryGetProperty("value", out JsonElement value) && type.ValueKind == JsonValueKind.String)
        {
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            return type.GetString() switch
            {
                "sbyte" => (sbyte)value.GetInt32(),
                "byte" => (byte)value.GetInt32(),
                "short" => (short)value.GetInt32(),
                "ushort" => (ushort)value.GetInt32(),
                "int" => value.GetInt32(),
                "uint" => value.GetUInt32(),
                "ulong" => value.GetUInt64(),
                "float" => value.GetSingle(),
                "double" => value.GetDouble(),
                "decimal" => decimal.Parse(value.GetString()!, inv),
                "char" => value.GetString()![0],
                "guid" => value.GetGuid(),
                "datetime" => new DateTime(value.GetInt64(), DateTimeKind.Utc),
                "datetimeoffset" => value.GetDateTimeOffset(),
                "timespan" => new TimeSpan(value.GetInt64()),
                "uri" => new Uri(value.GetString()!, UriKind.RelativeOrAbsolute),
                "binary" => value.GetBytesFromBase64(),
                "table" => ReadTable(value),
                string other => throw new JsonException($"Unknown typed value '{other}'."),
                null => throw new JsonException("A typed value without a type."),
            };
        }
        throw new JsonException("A typed value object needs 'type' and 'value'.");
    }

    private static Dictionary<string, object?> ReadTable(JsonElement e)
    {
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty p in e.EnumerateObject())
        {
            table[p.Name] = JsonSerializer.Deserialize<object?>(p.Value.GetRawText(), Options);
        }
        return table;
    }

    private static readonly JsonSerializerOptions Options = new() { Converters = { new TypedValueJsonConverter() } };

    public override void Write(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case long l: writer.WriteNumberValue(l); break;
            case sbyte v: Typed(writer, "sbyte", w => w.WriteNumberValue(v)); break;
            case byte v: Typed(writer, "byte", w => w.WriteNumberValue(v)); break;
            case short v: Typed(writer, "short", w => w.WriteNumberValue(v)); break;
            case ushort v: Typed(writer, "ushort", w => w.WriteNumberValue(v)); break;
            case int v: Typed(writer, "int", w => w.WriteNumberValue(v)); break;
            case uint v: Typed(writer, "uint", w => w.WriteNumberValue(v)); break;
            case ulong v: Typed(writer, "ulong", w => w.WriteNumberValue(v)); break;
            case float v: Typed(writer, "float", w => w.WriteNumberValue(v)); break;
            case double v: Typed(writer, "double", w => w.WriteNumberValue(v)); break;
            case decimal v: Typed(writer, "decimal", w => w.WriteStringValue(v.ToString(inv))); break;
            case char v: Typed(writer, "char", w => w.WriteStringValue(v.ToString())); break;
            case Guid v: Typed(writer, "guid", w => w.WriteStringValue(v)); break;
            case DateTime v: Typed(writer, "datetime", w => w.WriteNumberValue(v.ToUniversalTime().Ticks)); break;
            case DateTimeOffset v: Typed(writer, "datetimeoffset", w => w.WriteStringValue(v)); break;
            case TimeSpan v: Typed(writer, "timespan", w => w.WriteNumberValue(v.Ticks)); break;
            case Uri v: Typed(writer, "uri", w => w.WriteStringValue(v.OriginalString)); break;
            case byte[] v: Typed(writer, "binary", w => w.WriteBase64StringValue(v)); break;
            case IReadOnlyDictionary<string, object?> table:
                Typed(writer, "table", w =>
                {
                    w.WriteStartObject();
                    foreach (KeyValuePair<string, object?> kv in table)
                    {
                        w.WritePropertyName(kv.Key);
                        Write(w, kv.Value, options);
                    }
                    w.WriteEndObject();
                });
                break;
            case System.Collections.IList list:
                writer.WriteStartArray();
                foreach (object? item in list)
                {
                    Write(writer, item, options);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new JsonException($"An argument value of type {value.GetType().Name} cannot be stored.");
        }
    }

    private static void Typed(Utf8JsonWriter writer, string type, Action<Utf8JsonWriter> writeValue)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WritePropertyName("value");
        writeValue(writer);
        writer.WriteEndObject();
    }
}
