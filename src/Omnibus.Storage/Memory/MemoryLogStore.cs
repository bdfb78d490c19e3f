using System.Collections.Concurrent;

namespace Omnibus.Storage.Memory;

/// <summary>
/// A store that keeps everything in memory: for tests, development, and brokers whose messages need
/// not outlive the process. Logs and documents are kept by their full path, so a broker closed and
/// opened again on the same store instance (a restart without a crash) finds its data, as it would on
/// disk; a new instance is empty. Nothing touches the file system.
/// </summary>
public sealed class MemoryLogStore : ILogStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, MemoryLogData> _logs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _openLogs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _documents = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public bool IsDurable => false;

    /// <summary>Bytes the store's logs hold (with the file format's headers counted).</summary>
    public long SizeInBytes
    {
        get
        {
            lock (_gate)
            {
                return _logs.Values.Sum(d => { lock (d) { return d.Segments.Sum(s => s.Length); } });
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<SalvageReport> SalvageLogs(string directory, LogOptions? options, SalvageMode mode) => [];

    /// <inheritdoc/>
    public IPartitionLog OpenLog(string directory, LogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new LogOptions();
        options.Validate();
        string key = Normalize(directory);
        lock (_gate)
        {
            if (_documents.ContainsKey(key))
            {
                throw new StorageFormatException($"'{key}' is a document, not a log.") { FilePath = key };
            }
            if (!_openLogs.Add(key))
            {
                throw new StorageException($"The log '{key}' is already open.") { FilePath = key };
            }
            if (!_logs.TryGetValue(key, out MemoryLogData? data))
            {
                data = new MemoryLogData();
                _logs.Add(key, data);
            }
            AddDirectoryLocked(key);
            return new MemoryPartitionLog(key, options, data, () =>
            {
                lock (_gate)
                {
                    _openLogs.Remove(key);
                }
            });
        }
    }

    /// <inheritdoc/>
    public IDisposable Lock(string directory)
    {
        string key = Normalize(directory);
        lock (_gate)
        {
            if (!_locked.Add(key))
            {
                throw new StorageException($"'{key}' is in use by another broker in this process.") { FilePath = key };
            }
            AddDirectoryLocked(key);
        }
        return new Release(this, key);
    }

    /// <inheritdoc/>
    public bool Exists(string path)
    {
        string key = Normalize(path);
        string prefix = key + "/";
        lock (_gate)
        {
            return _directories.Contains(key) || _logs.ContainsKey(key) || _documents.ContainsKey(key)
                || _logs.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal))
                || _documents.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ListDirectories(string directory)
    {
        string prefix = Normalize(directory) + "/";
        lock (_gate)
        {
            // A log is a directory too; a document's own name is not, only the directories on its path.
            IEnumerable<string> children = _directories.Concat(_logs.Keys)
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..].Split('/')[0])
                .Concat(_documents.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) > 0)
                    .Select(k => k[prefix.Length..].Split('/')[0]));
            return [.. children.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
    }

    /// <inheritdoc/>
    public void CreateDirectory(string directory)
    {
        lock (_gate)
        {
            AddDirectoryLocked(Normalize(directory));
        }
    }

    /// <inheritdoc/>
    public void DeleteDirectory(string directory)
    {
        string key = Normalize(directory);
        string prefix = key + "/";
        bool Under(string k) => k == key || k.StartsWith(prefix, StringComparison.Ordinal);
        lock (_gate)
        {
            if (_openLogs.FirstOrDefault(Under) is { } open)
            {
                throw new StorageException($"The log '{open}' is still open; close it before deleting '{key}'.") { FilePath = open };
            }
            foreach (string k in _logs.Keys.Where(Under).ToList())
            {
                _logs.Remove(k);
            }
            foreach (string k in _documents.Keys.Where(Under).ToList())
            {
                _documents.TryRemove(k, out _);
            }
            _directories.RemoveWhere(Under);
        }
    }

    /// <inheritdoc/>
    public byte[]? ReadDocument(string path) => _documents.TryGetValue(Normalize(path), out byte[]? bytes) ? (byte[])bytes.Clone() : null;

    /// <inheritdoc/>
    public void WriteDocument(string path, ReadOnlySpan<byte> bytes, string? keepPreviousAs = null)
    {
        string key = Normalize(path);
        byte[] copy = bytes.ToArray();
        lock (_gate)
        {
            if (keepPreviousAs is not null && _documents.TryGetValue(key, out byte[]? previous))
            {
                _documents[Normalize(keepPreviousAs)] = previous;
            }
            _documents[key] = copy;
            AddDirectoryLocked(Parent(key));
        }
    }

    private void AddDirectoryLocked(string directory)
    {
        for (string? d = directory; !string.IsNullOrEmpty(d) && _directories.Add(d); d = Parent(d))
        {
        }
    }

    private static string Parent(string key) => Path.GetDirectoryName(key) ?? "";

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private sealed class Release(MemoryLogStore store, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lock (store._gate)
                {
                    store._locked.Remove(key);
                }
            }
        }
    }
}
