using System.Text.Json;
using Omnibus.Storage.Io;

namespace Omnibus.Core.Engine;

/// <summary>
/// A small versioned JSON document in the data directory (the entity, routing and stream catalogs):
/// read whole, written whole to a temporary file, fsynced and renamed over the old one, then the
/// directory synced, so a crash leaves either the old document or the new one.
/// </summary>
internal static class DurableJsonFile
{
    /// <summary>The document at <paramref name="directory"/>/<paramref name="fileName"/>, or a new one when there is none.</summary>
    /// <exception cref="Storage.StorageFormatException">The file is unreadable or newer than <paramref name="supportedVersion"/>.</exception>
    public static T Load<T>(string directory, string fileName, JsonSerializerOptions json, Func<T, int> version, int supportedVersion = 1)
        where T : new()
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            return new T();
        }
        try
        {
            T doc = JsonSerializer.Deserialize<T>(File.ReadAllText(path), json) ?? throw new InvalidDataException("empty document");
            if (version(doc) > supportedVersion)
            {
                throw new InvalidDataException($"version {version(doc)} is newer than this Omnibus understands ({supportedVersion})");
            }
            return doc;
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException or FormatException)
        {
            throw new Storage.StorageFormatException($"'{path}' cannot be read: {ex.Message}. Nothing was changed.", ex) { FilePath = path };
        }
    }

    public static void Save<T>(string directory, string fileName, T doc, JsonSerializerOptions json)
    {
        string path = Path.Combine(directory, fileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, doc, json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        FileSync.SyncDirectory(directory);
    }
}
