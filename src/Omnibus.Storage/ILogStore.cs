namespace Omnibus.Storage;

/// <summary>
/// Where a broker keeps its data: partition logs, and small documents (catalogs, checkpoints)
/// replaced whole. Locations are paths; the file store (<see cref="FileLogStore"/>) maps them to the
/// file system, the memory store (<see cref="Memory.MemoryLogStore"/>) to keys in memory, so code
/// above storage is written once for both.
/// </summary>
public interface ILogStore
{
    /// <summary>True when data outlives the process.</summary>
    bool IsDurable { get; }

    /// <summary>Opens (creating if needed) the log at <paramref name="directory"/>; reopening finds what was appended.</summary>
    IPartitionLog OpenLog(string directory, LogOptions? options = null);

    /// <summary>
    /// Salvages every closed log at or under <paramref name="directory"/> (see <see cref="PartitionLog.Salvage"/>;
    /// <paramref name="options"/> only shape the rewritten files), one report per log, in path order. A store
    /// whose logs cannot be damaged reports nothing.
    /// </summary>
    IReadOnlyList<SalvageReport> SalvageLogs(string directory, LogOptions? options, SalvageMode mode);

    /// <summary>Holds <paramref name="directory"/> for one owner until disposed; a second owner is refused.</summary>
    IDisposable Lock(string directory);

    /// <summary>True when anything (a log, a document, a directory) is stored at or under <paramref name="path"/>.</summary>
    bool Exists(string path);

    /// <summary>The names of the directories (and logs) directly under <paramref name="directory"/>; empty when there is none.</summary>
    IReadOnlyList<string> ListDirectories(string directory);

    /// <summary>Makes sure <paramref name="directory"/> exists.</summary>
    void CreateDirectory(string directory);

    /// <summary>Deletes <paramref name="directory"/> and everything under it; the logs there must be closed.</summary>
    void DeleteDirectory(string directory);

    /// <summary>The document at <paramref name="path"/>, or null when there is none.</summary>
    byte[]? ReadDocument(string path);

    /// <summary>
    /// Replaces the document at <paramref name="path"/> atomically and durably: a crash leaves the
    /// old one or the new one. With <paramref name="keepPreviousAs"/>, the old one (if any) moves there first.
    /// </summary>
    void WriteDocument(string path, ReadOnlySpan<byte> bytes, string? keepPreviousAs = null);
}
