using System.Text.Json;
using System.Text.Json.Serialization;
using Omnibus.Core.Entities;

namespace Omnibus.Core.Engine;

/// <summary>The persisted definitions of every entity: <c>catalog.json</c> in the data directory, replaced atomically on each change.</summary>
internal sealed class CatalogDocument
{
    public int Version { get; set; } = 1;
    public List<QueueDescription> Queues { get; set; } = [];
    public List<TopicDocument> Topics { get; set; } = [];

    /// <summary>Directory name of each queue by name; a queue missing here (a catalog written before names were case-sensitive) uses <see cref="EntityNames.DirectoryName"/>.</summary>
    public Dictionary<string, string> QueueDirectories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Set once <c>routing.json</c> has been written, so that a lost one is noticed at open (false in catalogs written before).</summary>
    public bool HasRouting { get; set; }
}

internal sealed class TopicDocument
{
    public required TopicDescription Topic { get; set; }
    public int NextRouteId { get; set; } = 1;

    /// <summary>The topic's directory name; null in catalogs written before names were case-sensitive.</summary>
    public string? Directory { get; set; }
    public List<SubscriptionDocument> Subscriptions { get; set; } = [];
}

internal sealed class SubscriptionDocument
{
    public required SubscriptionDescription Subscription { get; set; }
    public List<RuleDescription> Rules { get; set; } = [];

    /// <summary>The subscription's directory name; null in catalogs written before names were case-sensitive.</summary>
    public string? Directory { get; set; }
}

internal static class EntityCatalog
{
    public const string FileName = "catalog.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(), new PropertyValueConverter() },
    };

    public static CatalogDocument Load(Storage.ILogStore store, string dataDirectory) => DurableJsonFile.Load<CatalogDocument>(store, dataDirectory, FileName, Json, d => d.Version);

    public static void Save(Storage.ILogStore store, string dataDirectory, CatalogDocument doc) => DurableJsonFile.Save(store, dataDirectory, FileName, doc, Json);

    /// <summary>Keeps correlation-filter property values typed across a save and load (string, long, double, bool, null).</summary>
    private sealed class PropertyValueConverter : JsonConverter<object?>
    {
        public override bool HandleNull => true;

        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number when reader.TryGetInt64(out long l) => l,
            JsonTokenType.Number => reader.GetDouble(),
            _ => JsonSerializer.Deserialize<JsonElement>(ref reader).ToString(),
        };

        public override void Write(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
        {
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case string s: writer.WriteStringValue(s); break;
                case long or int or short or sbyte or byte or ushort or uint: writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case double or float or decimal: writer.WriteNumberValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                default: writer.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
    }
}
