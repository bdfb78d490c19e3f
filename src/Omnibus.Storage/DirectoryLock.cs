namespace Omnibus.Storage;

/// <summary>
/// Exclusive ownership of a directory of logs by this process. A log opened on its own locks its
/// directory with a lock file it keeps open; a broker with thousands of logs instead locks its data
/// directory once (<see cref="Acquire"/>), and every log below it is then guarded inside the process
/// only, without a file handle of its own (two opens of one log in this process still fail).
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    /// <summary>The lock file's name, in a locked directory.</summary>
    public const string FileName = "omnibus.lock";

    private static readonly object Registry = new();
    private static readonly List<string> HeldRoots = [];
    private static readonly HashSet<string> OpenLogs = new(StringComparer.Ordinal);

    private readonly FileStream _file;
    private int _disposed;

    private DirectoryLock(string root, FileStream file)
    {
        Root = root;
        _file = file;
    }

    /// <summary>The locked directory (full path).</summary>
    public string Root { get; }

    /// <summary>
    /// Locks <paramref name="directory"/> (created if missing) for this process; throws
    /// <see cref="StorageException"/> when this or another process holds it.
    /// </summary>
    public static DirectoryLock Acquire(string directory)
    {
        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        FileStream file = LockFile(root);
        lock (Registry)
        {
            HeldRoots.Add(root);
        }
        return new DirectoryLock(root, file);
    }

    /// <summary>Takes a log directory's lock: inside the process if a held root contains it, else with its own lock file.</summary>
    internal static IDisposable ForLog(string logDirectory)
    {
        lock (Registry)
        {
            if (HeldRoots.Any(root => IsInside(logDirectory, root)))
            {
                if (!OpenLogs.Add(logDirectory))
                {
                    throw AlreadyOpen(logDirectory, null);
                }
                return new InProcessLogLock(logDirectory);
            }
        }
        return LockFile(logDirectory);
    }

    private static FileStream LockFile(string directory)
    {
        string path = Path.Combine(directory, FileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw AlreadyOpen(directory, ex);
        }
    }

    private static StorageException AlreadyOpen(string directory, Exception? inner)
    {
        string path = Path.Combine(directory, FileName);
        string message = $"The log '{directory}' is already open (by this or another process); '{path}' is locked.";
        return inner is null ? new StorageException(message) { FilePath = path } : new StorageException(message, inner) { FilePath = path };
    }

    private static bool IsInside(string path, string root) =>
        path.StartsWith(root, StringComparison.Ordinal)
        && (path.Length == root.Length || path[root.Length] == Path.DirectorySeparatorChar || root.EndsWith(Path.DirectorySeparatorChar));

    /// <summary>Releases the directory (the logs below it must be closed first).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        lock (Registry)
        {
            HeldRoots.Remove(Root);
        }
        _file.Dispose();
    }

    private sealed class InProcessLogLock(string directory) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (Registry)
                {
                    OpenLogs.Remove(directory);
                }
            }
        }
    }
}
