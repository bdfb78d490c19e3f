using System.Text.Json;
using System.Text.Json.Serialization;
using Omnibus.Core.Engine;

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

    public static StreamCatalogDocument Load(Storage.ILogStore store, string directory) => DurableJsonFile.Load<StreamCatalogDocument>(store, directory, FileName, Json, d => d.Version);

    public static void Save(Storage.ILogStore store, string directory, StreamCatalogDocument doc) => DurableJsonFile.Save(store, directory, FileName, doc, Json);
}
