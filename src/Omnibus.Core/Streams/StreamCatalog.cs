using System.Text.Json;
using System.Text.Json.Serialization;
using Omnibus.Storage.Io;

namespace Omnibus.Core.Streams;

/// <summary>The persisted stream definitions of a namespace: <c>streams/streams.json</c>, replaced atomically on each change.</summary>
internal sealed class StreamCatalogDocument
{
    public int Version { get; set; } = 1;
    public List<StreamCatalogEntry> Streams { get; set; } = [];
}

/// <summary>One stream's definition and the name of its directory under <c>streams/</c>.</summary>
internal sealed class StreamCatalogEntry
{
    public required StreamDefinition Definition { get; set; }
    public required string Directory { get; set; }
}

internal static class StreamCatalog
{
    public const string FileName = "streams.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static StreamCatalogDocument Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return new StreamCatalogDocument();
        }
        try
        {
            StreamCatalogDocument doc = JsonSerializer.Deserialize<StreamCatalogDocument>(File.ReadAllText(path), Json) ?? throw new InvalidDataException("empty document");
            if (doc.Version > 1)
            {
                throw new InvalidDataException($"version {doc.Version} is newer than this Omnibus understands (1)");
            }
            return doc;
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new Storage.StorageFormatException($"'{path}' cannot be read: {ex.Message}. Nothing was changed.", ex) { FilePath = path };
        }
    }

    public static void Save(string directory, StreamCatalogDocument doc)
    {
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, doc, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        FileSync.SyncDirectory(directory);
    }
}
