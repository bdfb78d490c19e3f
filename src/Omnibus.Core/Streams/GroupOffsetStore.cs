using System.Text;
using System.Text.Json;
using Omnibus.Storage;

namespace Omnibus.Core.Streams;

/// <summary>
/// Committed consumer-group offsets of a namespace's streams, per (group, stream, partition):
/// an append-only log of commit records (<c>streams/offsets/log/</c>) plus a snapshot
/// (<c>streams/offsets/snapshot.json</c>) of all offsets up to a log position, after which the
/// older log segments are deleted. A commit returns once its record is durable (under the
/// <c>always</c> policy: after fsync), so after a crash every offset is the last acknowledged
/// commit's, or a later one that was in flight.
/// </summary>
internal sealed class GroupOffsetStore : IDisposable
{
    private const byte SetKind = 1, DeleteKind = 2;
    private const int MaxMetadataLength = 4096;
    private readonly object _lock = new();
    private readonly Dictionary<(string Group, string Stream, int Partition), CommittedOffset> _offsets = [];
    private readonly IPartitionLog _log;
    private readonly ILogStore _store;
    private readonly string _snapshotPath;
    private readonly TimeProvider _clock;
    private readonly int _snapshotEvery;
    private long _snapshotThrough;

    public GroupOffsetStore(string directory, StreamOptions options)
    {
        _clock = options.TimeProvider;
        _snapshotEvery = options.OffsetSnapshotEvery;
        _store = options.Store;
        _store.CreateDirectory(directory);
        _snapshotPath = Path.Combine(directory, "snapshot.json");
        _snapshotThrough = LoadSnapshot();
        _log = _store.OpenLog(Path.Combine(directory, "log"), new LogOptions
        {
            SegmentSize = 4L * 1024 * 1024,
            Durability = options.Durability,
            TimeProvider = options.TimeProvider,
        });
        try
        {
            Replay();
        }
        catch
        {
            _log.Dispose();
            throw;
        }
    }

    /// <summary>Stores the commits as one record (all or none after a crash); completes when it is durable.</summary>
    public async Task CommitAsync(string group, IReadOnlyList<OffsetCommit> commits)
    {
        ValidateGroup(group);
        foreach (OffsetCommit c in commits)
        {
            if (c.Offset < 0)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"A committed offset cannot be negative ({c.Offset}).");
            }
            if (c.Metadata?.Length > MaxMetadataLength)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Offset metadata is limited to {MaxMetadataLength} characters.");
            }
        }
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] record = Encode(commits.Select(c => (SetKind, group, c.Stream, c.Partition, c.Offset, c.Metadata, now)).ToList());
        Task appended;
        lock (_lock)
        {
            // Applied in the order the records are queued, so memory and log agree on the last commit.
            appended = _log.AppendAsync(record);
            foreach (OffsetCommit c in commits)
            {
                _offsets[(group, c.Stream, c.Partition)] = new CommittedOffset(c.Offset, c.Metadata, now);
            }
        }
        await appended.ConfigureAwait(false);
    }

    /// <summary>The group's committed offset in a partition, or null when none was committed.</summary>
    public CommittedOffset? Fetch(string group, string stream, int partition)
    {
        lock (_lock)
        {
            return _offsets.GetValueOrDefault((group, stream, partition));
        }
    }

    /// <summary>Every committed offset of a group, by stream and partition.</summary>
    public IReadOnlyDictionary<(string Stream, int Partition), CommittedOffset> FetchAll(string group)
    {
        lock (_lock)
        {
            return _offsets.Where(e => e.Key.Group == group).ToDictionary(e => (e.Key.Stream, e.Key.Partition), e => e.Value);
        }
    }

    /// <summary>The groups with any committed offset.</summary>
    public IReadOnlyList<string> Groups()
    {
        lock (_lock)
        {
            return _offsets.Keys.Select(k => k.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Removes committed offsets (a group's explicit reset, a deleted stream): those matching <paramref name="match"/>.</summary>
    public async Task DeleteAsync(Func<(string Group, string Stream, int Partition), bool> match)
    {
        Task appended;
        lock (_lock)
        {
            var doomed = _offsets.Keys.Where(match).ToList();
            if (doomed.Count == 0)
            {
                return;
            }
            byte[] record = Encode(doomed.Select(k => (DeleteKind, k.Group, k.Stream, k.Partition, 0L, (string?)null, 0L)).ToList());
            appended = _log.AppendAsync(record);
            foreach (var key in doomed)
            {
                _offsets.Remove(key);
            }
        }
        await appended.ConfigureAwait(false);
    }

    /// <summary>Writes a snapshot and trims the log once enough records followed the last one (the sweep calls it).</summary>
    public void SnapshotIfDue(bool force = false)
    {
        if (!force && _log.NextSequence - _snapshotThrough < _snapshotEvery)
        {
            return;
        }
        SnapshotDocument doc;
        lock (_lock)
        {
            // Records below NextSequence are durable and applied; later ones (queued, applied to
            // memory already) are replayed again on open, which sets the same values.
            doc = new SnapshotDocument
            {
                Through = _log.NextSequence,
                Offsets = _offsets.Select(e => new SnapshotEntry(e.Key.Group, e.Key.Stream, e.Key.Partition, e.Value.Offset, e.Value.Metadata, e.Value.CommitTimeMs)).ToList(),
            };
        }
        _store.WriteDocument(_snapshotPath, JsonSerializer.SerializeToUtf8Bytes(doc));
        _snapshotThrough = doc.Through;
        _log.DeleteSegmentsBefore(doc.Through);
    }

    private long LoadSnapshot()
    {
        if (_store.ReadDocument(_snapshotPath) is not { } bytes)
        {
            return 0;
        }
        try
        {
            SnapshotDocument doc = JsonSerializer.Deserialize<SnapshotDocument>(bytes) ?? throw new InvalidDataException("empty document");
            if (doc.Version > 1)
            {
                throw new InvalidDataException($"version {doc.Version} is newer than this Omnibus understands (1)");
            }
            foreach (SnapshotEntry e in doc.Offsets)
            {
                _offsets[(e.Group, e.Stream, e.Partition)] = new CommittedOffset(e.Offset, e.Metadata, e.CommitTimeMs);
            }
            return doc.Through;
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new StorageFormatException($"'{_snapshotPath}' cannot be read: {ex.Message}. Nothing was changed.", ex) { FilePath = _snapshotPath };
        }
    }

    private void Replay()
    {
        if (_log.FirstSequence > _snapshotThrough)
        {
            throw new StorageFormatException($"The group offset log in '{_log.Directory}' starts at {_log.FirstSequence}, after its snapshot ({_snapshotThrough}); offsets would be lost. Nothing was changed.") { FilePath = _log.Directory };
        }
        using ILogReader reader = _log.OpenReader(Math.Max(_snapshotThrough, _log.FirstSequence));
        while (reader.TryRead(out LogRecord record))
        {
            using var input = new BinaryReader(new MemoryStream(record.Body.ToArray()), Encoding.UTF8);
            int count = input.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                byte kind = input.ReadByte();
                var key = (input.ReadString(), input.ReadString(), input.ReadInt32());
                long offset = input.ReadInt64();
                string? metadata = input.ReadBoolean() ? input.ReadString() : null;
                long time = input.ReadInt64();
                if (kind == SetKind)
                {
                    _offsets[key] = new CommittedOffset(offset, metadata, time);
                }
                else
                {
                    _offsets.Remove(key);
                }
            }
        }
    }

    private static byte[] Encode(IReadOnlyList<(byte Kind, string Group, string Stream, int Partition, long Offset, string? Metadata, long Time)> entries)
    {
        var buffer = new MemoryStream();
        using (var output = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            output.Write(entries.Count);
            foreach (var e in entries)
            {
                output.Write(e.Kind);
                output.Write(e.Group);
                output.Write(e.Stream);
                output.Write(e.Partition);
                output.Write(e.Offset);
                output.Write(e.Metadata is not null);
                if (e.Metadata is not null)
                {
                    output.Write(e.Metadata);
                }
                output.Write(e.Time);
            }
        }
        return buffer.ToArray();
    }

    private static void ValidateGroup(string group)
    {
        if (string.IsNullOrEmpty(group) || group.Length > 255 || group.Any(char.IsControl))
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "A consumer group name must be 1 to 255 characters without control characters.");
        }
    }

    public void Dispose()
    {
        try
        {
            SnapshotIfDue();
        }
        finally
        {
            _log.Dispose();
        }
    }

    private sealed class SnapshotDocument
    {
        public int Version { get; set; } = 1;
        public long Through { get; set; }
        public List<SnapshotEntry> Offsets { get; set; } = [];
    }

    private sealed record SnapshotEntry(string Group, string Stream, int Partition, long Offset, string? Metadata, long CommitTimeMs);
}
