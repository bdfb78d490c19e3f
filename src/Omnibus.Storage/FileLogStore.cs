using Omnibus.Storage.Io;

namespace Omnibus.Storage;

/// <summary>
/// The durable store: logs are <see cref="PartitionLog"/> directories, documents are files replaced
/// by write-to-temp, fdatasync, rename and a sync of the directory (so a crash leaves the old or the
/// new document, never a torn one).
/// </summary>
public sealed class FileLogStore : ILogStore
{
    /// <summary>The one instance: the file system has no state of its own to keep.</summary>
    public static FileLogStore Instance { get; } = new();

    private FileLogStore()
    {
    }

    /// <inheritdoc/>
    public bool IsDurable => true;

    /// <inheritdoc/>
    public IPartitionLog OpenLog(string directory, LogOptions? options = null) => PartitionLog.Open(directory, options);

    /// <inheritdoc/>
    public IReadOnlyList<SalvageReport> SalvageLogs(string directory, LogOptions? options, SalvageMode mode)
    {
        string root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            return [];
        }
        // Copies that salvage kept or is writing are not logs of their own.
        return [.. Directory.EnumerateFiles(root, Format.LogMarker.FileName, SearchOption.AllDirectories)
            .Select(marker => Path.GetDirectoryName(marker)!)
            .Where(log => !log.Contains(".damaged-", StringComparison.Ordinal) && !log.Contains(".salvaging", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(log => PartitionLog.Salvage(log, options, mode))];
    }

    /// <inheritdoc/>
    public IDisposable Lock(string directory) => DirectoryLock.Acquire(directory);

    /// <inheritdoc/>
    public bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListDirectories(string directory) =>
        Directory.Exists(directory) ? [.. Directory.EnumerateDirectories(directory).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)] : [];

    /// <inheritdoc/>
    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    /// <inheritdoc/>
    public void DeleteDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <inheritdoc/>
    public byte[]? ReadDocument(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;

    /// <inheritdoc/>
    public void WriteDocument(string path, ReadOnlySpan<byte> bytes, string? keepPreviousAs = null)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        if (keepPreviousAs is not null && File.Exists(path))
        {
            File.Move(path, keepPreviousAs, overwrite: true);
        }
        File.Move(temp, path, overwrite: true);
        FileSync.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }
}
