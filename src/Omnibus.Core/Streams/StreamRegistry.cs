using Omnibus.Core.Engine;

namespace Omnibus.Core.Streams;

/// <summary>
/// The streams of one namespace and their consumer-group offsets, under <c>streams/</c> in the
/// namespace's data directory (layout in docs/core.md, Streams). Names are case-sensitive. A
/// sweep on the clock applies retention and compaction and snapshots the group offsets.
/// </summary>
public sealed partial class StreamRegistry : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, MessageStream> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QuarantinedStream> _quarantined = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sweepGate = new(1, 1);
    private readonly GroupOffsetStore _offsets;
    private readonly ITimer _sweepTimer;
    private bool _disposed;

    private StreamRegistry(StreamOptions options)
    {
        Options = options;
        Directory = Path.Combine(Path.GetFullPath(options.DataDirectory), "streams");
        options.Store.CreateDirectory(Directory);
        RefuseLostCatalog(options.Store, Directory);
        StreamCatalogDocument doc = StreamCatalog.Load(options.Store, Directory);
        try
        {
            foreach (StreamCatalogEntry entry in doc.Streams)
            {
                _directories[entry.Definition.Name] = entry.Directory;
                try
                {
                    _streams[entry.Definition.Name] = new MessageStream(entry.Definition, Path.Combine(Directory, entry.Directory), options);
                }
                catch (Storage.StorageException e) when (e is Storage.StorageCorruptionException or Storage.StorageFormatException)
                {
                    // One stream's damaged partition quarantines that stream, not the broker (as queues are).
                    _quarantined[entry.Definition.Name] = new QuarantinedStream(entry.Definition, e.Message, e.FilePath);
                }
            }
            _offsets = new GroupOffsetStore(Path.Combine(Directory, OffsetsDirectory), options);
        }
        catch
        {
            foreach (MessageStream s in _streams.Values)
            {
                s.Dispose();
            }
            throw;
        }
        _sweepTimer = options.TimeProvider.CreateTimer(_ => _ = SweepSafelyAsync(), null, options.SweepInterval, options.SweepInterval);
    }

    /// <summary>The options the streams run with.</summary>
    public StreamOptions Options { get; }

    /// <summary>The <c>streams/</c> directory.</summary>
    public string Directory { get; }

    /// <summary>Opens the streams under <see cref="StreamOptions.DataDirectory"/>, creating the directory if needed.</summary>
    public static StreamRegistry Open(StreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SweepInterval <= TimeSpan.Zero || options.SweepInterval > TimeSpan.FromDays(30) || options.OffsetSnapshotEvery < 1 || options.MaxRecordBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SweepInterval must be positive and at most 30 days; OffsetSnapshotEvery and MaxRecordBytes must be positive.");
        }
        return new StreamRegistry(options);
    }

    /// <summary>Creates a stream; its definition is durable before this returns.</summary>
    public MessageStream Create(StreamDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_streams.ContainsKey(definition.Name) || _quarantined.ContainsKey(definition.Name))
            {
                throw new MessagingException(MessagingErrorCode.EntityAlreadyExists, $"Stream '{definition.Name}' already exists.");
            }
            string preferred = EntityNames.DirectoryName(definition.Name);
            string directoryName = _directories.ContainsValue(preferred) || Options.Store.Exists(Path.Combine(Directory, preferred))
                ? EntityNames.CaseDistinctDirectoryName(definition.Name)
                : preferred;
            var stream = new MessageStream(definition, Path.Combine(Directory, directoryName), Options);
            _streams[definition.Name] = stream;
            _directories[definition.Name] = directoryName;
            try
            {
                SaveCatalog();
            }
            catch
            {
                _streams.Remove(definition.Name);
                _directories.Remove(definition.Name);
                stream.Dispose();
                Options.Store.DeleteDirectory(stream.Directory);
                throw;
            }
            return stream;
        }
    }

    /// <summary>
    /// Changes a stream's retention, compaction or partition count (which can only grow: Kafka's
    /// CreatePartitions). The new definition is durable before new partitions open. The segment
    /// size cannot change.
    /// </summary>
    public MessageStream Update(StreamDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        lock (_lock)
        {
            MessageStream stream = Get(definition.Name);
            StreamDefinition old = stream.Definition;
            if (definition.PartitionCount < old.PartitionCount)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Stream '{definition.Name}' has {old.PartitionCount} partitions; partitions can be added, not removed.");
            }
            if (definition.SegmentBytes != old.SegmentBytes)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The segment size of stream '{definition.Name}' cannot change.");
            }
            definition = definition with { DeletedBefore = old.DeletedBefore };
            stream.Redefine(definition with { PartitionCount = old.PartitionCount });
            try
            {
                SaveCatalog(definition);
            }
            catch
            {
                stream.Redefine(old);
                throw;
            }
            stream.Grow(definition);
            return stream;
        }
    }

    /// <summary>
    /// Deletes a partition's records below <paramref name="offset"/> (a delete-records request; at most
    /// the high watermark): from now on the partition starts there for every reader, durably (the
    /// definition is stored first); the next sweep frees the whole segments below it. Answers the
    /// partition's new earliest offset; an offset at or below it changes nothing.
    /// </summary>
    public long DeleteRecordsBefore(string name, int partition, long offset)
    {
        lock (_lock)
        {
            MessageStream stream = Get(name);
            if ((uint)partition >= (uint)stream.PartitionCount)
            {
                throw new MessagingException(MessagingErrorCode.EntityNotFound, $"Stream '{name}' has no partition {partition}.");
            }
            long high = stream.HighWatermark(partition);
            if (offset < 0 || offset > high)
            {
                throw new MessagingException(MessagingErrorCode.OffsetOutOfRange, $"Records can be deleted below an offset from 0 to the high watermark {high}, not {offset}.");
            }
            if (offset <= stream.EarliestOffset(partition))
            {
                return stream.EarliestOffset(partition);
            }
            StreamDefinition old = stream.Definition;
            var deleted = new Dictionary<int, long>(old.DeletedBefore ?? new Dictionary<int, long>()) { [partition] = offset };
            StreamDefinition definition = old with { DeletedBefore = deleted };
            SaveCatalog(definition);
            stream.Redefine(definition);
            return offset;
        }
    }

    /// <summary>Adds partitions up to <paramref name="partitionCount"/>; they survive a restart.</summary>
    public MessageStream AddPartitions(string name, int partitionCount)
    {
        StreamDefinition current = Get(name).Definition;
        if (partitionCount <= current.PartitionCount)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Stream '{name}' has {current.PartitionCount} partitions already; ask for more.");
        }
        return Update(current with { PartitionCount = partitionCount });
    }

    /// <summary>The stream of that exact name, or <see cref="MessagingErrorCode.EntityNotFound"/>.</summary>
    public MessageStream Get(string name)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_streams.TryGetValue(name, out MessageStream? stream))
            {
                return stream;
            }
            throw _quarantined.TryGetValue(name, out QuarantinedStream? q)
                ? QuarantineError(q)
                : new MessagingException(MessagingErrorCode.EntityNotFound, $"Stream '{name}' does not exist.");
        }
    }

    /// <summary>The stream of that name, or null.</summary>
    public MessageStream? Find(string name)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _streams.GetValueOrDefault(name);
        }
    }

    /// <summary>Every stream's definition, by name (ordinal).</summary>
    public IReadOnlyList<StreamDefinition> List()
    {
        lock (_lock)
        {
            return _streams.Values.Select(s => s.Definition).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Deletes a stream, its records and every group offset committed on it.</summary>
    public async Task DeleteAsync(string name)
    {
        MessageStream? stream;
        lock (_lock)
        {
            if (_quarantined.Remove(name))
            {
                string directory = Path.Combine(Directory, _directories[name]);
                _directories.Remove(name);
                SaveCatalog();
                Options.Store.DeleteDirectory(directory);
                stream = null;
            }
            else
            {
                stream = Get(name);
                _streams.Remove(name);
                _directories.Remove(name);
                SaveCatalog();
            }
        }
        if (stream is null)
        {
            await _offsets.DeleteAsync(k => k.Stream == name).ConfigureAwait(false);
            return;
        }
        await _sweepGate.WaitAsync().ConfigureAwait(false);
        try
        {
            stream.Dispose();
        }
        finally
        {
            _sweepGate.Release();
        }
        Options.Store.DeleteDirectory(stream.Directory);
        await _offsets.DeleteAsync(k => k.Stream == name).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits a group's offsets (one durable record for all of them: after a crash all are
    /// there or none). Any offset is taken, lower ones too: a commit is the client's explicit
    /// statement of where the group stands (Kafka's rule). The store never goes back by itself:
    /// once this returns, a crash leaves this commit or a later one.
    /// </summary>
    public Task CommitOffsetsAsync(string group, IReadOnlyList<OffsetCommit> commits)
    {
        ArgumentNullException.ThrowIfNull(commits);
        foreach (OffsetCommit c in commits)
        {
            MessageStream stream = Get(c.Stream);
            if ((uint)c.Partition >= (uint)stream.PartitionCount)
            {
                throw new MessagingException(MessagingErrorCode.EntityNotFound, $"Stream '{c.Stream}' has no partition {c.Partition}.");
            }
        }
        return _offsets.CommitAsync(group, commits);
    }

    /// <summary>Commits one offset.</summary>
    public Task CommitOffsetAsync(string group, string stream, int partition, long offset, string? metadata = null)
        => CommitOffsetsAsync(group, [new OffsetCommit(stream, partition, offset, metadata)]);

    /// <summary>A group's committed offset in a partition; null when none (Kafka answers -1).</summary>
    public CommittedOffset? FetchOffset(string group, string stream, int partition) => _offsets.Fetch(group, stream, partition);

    /// <summary>Every committed offset of a group.</summary>
    public IReadOnlyDictionary<(string Stream, int Partition), CommittedOffset> FetchOffsets(string group) => _offsets.FetchAll(group);

    /// <summary>The groups with committed offsets.</summary>
    public IReadOnlyList<string> ListGroups() => _offsets.Groups();

    /// <summary>Forgets a group's offsets (all, or those of one stream): the explicit reset; durable when this returns.</summary>
    public Task ResetOffsetsAsync(string group, string? stream = null)
        => _offsets.DeleteAsync(k => k.Group == group && (stream is null || k.Stream == stream));

    private void SaveCatalog(StreamDefinition? replacing = null)
    {
        var doc = new StreamCatalogDocument
        {
            Streams = _streams.Values
                .Select(s => new StreamCatalogEntry { Definition = s.Name == replacing?.Name ? replacing : s.Definition, Directory = _directories[s.Name] })
                .Concat(_quarantined.Values.Select(q => new StreamCatalogEntry { Definition = q.Definition, Directory = _directories[q.Definition.Name] }))
                .OrderBy(e => e.Definition.Name, StringComparer.Ordinal)
                .ToList(),
        };
        StreamCatalog.Save(Options.Store, Directory, doc);
    }

    /// <summary>Stops the sweep and closes every stream and the offset store.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _sweepTimer.Dispose();
        _sweepGate.Wait();
        try
        {
            foreach (MessageStream s in _streams.Values)
            {
                s.Dispose();
            }
            _offsets.Dispose();
        }
        finally
        {
            _sweepGate.Release();
        }
    }
}
