using System.Text.Json;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>
/// A small versioned JSON document in the data directory (the entity, routing and stream catalogs),
/// read and replaced whole through the store (<see cref="ILogStore.WriteDocument"/>), so a crash
/// leaves either the old document or the new one.
/// </summary>
internal static class DurableJsonFile
{
    /// <summary>The document at <paramref name="directory"/>/<paramref name="fileName"/>, or a new one when there is none.</summary>
    /// <exception cref="StorageFormatException">The document is unreadable or newer than <paramref name="supportedVersion"/>.</exception>
    public static T Load<T>(ILogStore store, string directory, string fileName, JsonSerializerOptions json, Func<T, int> version, int supportedVersion = 1)
        where T : new()
    {
        string path = Path.Combine(directory, fileName);
        if (store.ReadDocument(path) is not { } bytes)
        {
            return new T();
        }
        try
        {
            T doc = JsonSerializer.Deserialize<T>(bytes, json) ?? throw new InvalidDataException("empty document");
            if (version(doc) > supportedVersion)
            {
                throw new InvalidDataException($"version {version(doc)} is newer than this Omnibus understands ({supportedVersion})");
            }
            return doc;
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException or FormatException)
        {
            throw new StorageFormatException($"'{path}' cannot be read: {ex.Message}. Nothing was changed.", ex) { FilePath = path };
        }
    }

    public static void Save<T>(ILogStore store, string directory, string fileName, T doc, JsonSerializerOptions json) =>
        store.WriteDocument(Path.Combine(directory, fileName), JsonSerializer.SerializeToUtf8Bytes(doc, json));
}
