using System.Buffers;

namespace Omnibus.Storage.State;

/// <summary>
/// Durable delivery state of one subscription: an append-only change log (an <see cref="IPartitionLog"/>
/// with small segments, so it shares group commit and torn-tail recovery) plus periodic checkpoints
/// of the whole state. Opening loads the newest good checkpoint and replays only the changes after
/// it. Layout under the store's directory: <c>changes/</c>, <c>checkpoint</c>, <c>checkpoint.prev</c>.
/// </summary>
public sealed class DeliveryStateStore : IDisposable
{
    private const string CheckpointName = "checkpoint";
    private const string PreviousCheckpointName = "checkpoint.prev";
    private readonly object _lock = new();
    private readonly IPartitionLog _changes;
    private readonly ILogStore _store;
    private readonly DeliveryStateOptions _options;
    private readonly ArrayBufferWriter<byte> _encoder = new();
    private long _recordsSinceCheckpoint;
    private bool _checkpointing;
    private long _assignedNext;       // change-log records appended so far (completed or not), under _lock
    private Task _lastAppend = Task.CompletedTask;
    private Exception? _fault;         // an append failed: the in-memory state is ahead of the disk

    private DeliveryStateStore(string directory, ILogStore store, IPartitionLog changes, DeliveryState state, DeliveryStateOptions options, long replayed)
    {
        _store = store;
        Directory = directory;
        _changes = changes;
        State = state;
        _options = options;
        ReplayedRecords = replayed;
        _recordsSinceCheckpoint = replayed;
        _assignedNext = changes.NextSequence;
    }

    /// <summary>The store's directory.</summary>
    public string Directory { get; }

    /// <summary>
    /// The current state. Read it under <see cref="SyncRoot"/> when other threads apply changes.
    /// </summary>
    public DeliveryState State { get; }

    /// <summary>The lock that serialises changes; take it to read <see cref="State"/> consistently.</summary>
    public object SyncRoot => _lock;

    /// <summary>Change records replayed on open (after the checkpoint): a measure of how fast reopening was.</summary>
    public long ReplayedRecords { get; }

    /// <summary>What opening the change log repaired.</summary>
    public RecoveryReport Recovery => _changes.Recovery;

    /// <summary>Opens or creates the store in <paramref name="directory"/> of <paramref name="store"/> (default: the file system).</summary>
    public static DeliveryStateStore Open(string directory, DeliveryStateOptions? options = null, ILogStore? store = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new DeliveryStateOptions();
        options.Validate();
        store ??= FileLogStore.Instance;
        string full = Path.GetFullPath(directory);
        store.CreateDirectory(full);
        IPartitionLog changes = store.OpenLog(Path.Combine(full, "changes"), new LogOptions
        {
            SegmentSize = options.ChangeLogSegmentSize,
            Durability = options.Durability,
            IndexInterval = 4096,
        });
        try
        {
            (DeliveryState state, long from) = LoadCheckpoint(full, store, options, changes);
            bool checkpointOutranLog = from > changes.NextSequence;
            long replayed = 0;
            using (ILogReader reader = changes.OpenReader(from))
            {
                while (reader.TryRead(out LogRecord record))
                {
                    foreach (StateChange change in StateCodec.DecodeChanges(record.Body.Span, changes.Directory))
                    {
                        state.Apply(change);
                    }
                    replayed++;
                }
            }
            var opened = new DeliveryStateStore(full, store, changes, state, options, replayed);
            if (checkpointOutranLog || (from == 0 && changes.NextSequence == 0 && options.InitialFloor > 0 && !store.Exists(Path.Combine(full, CheckpointName))))
            {
                // Either the change log lost records the checkpoint already holds (power loss under a
                // relaxed policy): re-anchor the checkpoint at the log's real end so new records are
                // not skipped on replay. Or this is a new store: its initial floor must outlive a crash.
                opened.WriteCheckpoint(StateCodec.EncodeCheckpoint(state, changes.NextSequence));
            }
            return opened;
        }
        catch
        {
            changes.Dispose();
            throw;
        }
    }

    private static (DeliveryState, long) LoadCheckpoint(string directory, ILogStore store, DeliveryStateOptions options, IPartitionLog changes)
    {
        foreach (string name in new[] { CheckpointName, PreviousCheckpointName })
        {
            string path = Path.Combine(directory, name);
            if (store.ReadDocument(path) is not { } bytes)
            {
                continue;
            }
            if (StateCodec.DecodeCheckpoint(bytes, path) is { } loaded && loaded.ChangesNext >= changes.FirstSequence)
            {
                return loaded;
            }
        }
        if (changes.FirstSequence > 0)
        {
            throw new StorageCorruptionException(
                $"Delivery state in '{directory}' has no usable checkpoint and its change log starts at record {changes.FirstSequence}; the state cannot be rebuilt. Nothing was changed.")
            { FilePath = Path.Combine(directory, CheckpointName) };
        }
        return (new DeliveryState(options.InitialFloor), 0);
    }

    /// <summary>Records one change; completes when it is durable. A change that alters nothing writes nothing.</summary>
    public Task ApplyAsync(StateChange change) => ApplyAsync([change]);

    /// <summary>Records changes atomically (one change-log record); completes when durable.</summary>
    public Task ApplyAsync(ReadOnlySpan<StateChange> changes) => ApplyAsync(changes, urgent: true);

    /// <summary>
    /// As <see cref="ApplyAsync(ReadOnlySpan{StateChange})"/>; <paramref name="urgent"/> false is for
    /// changes nobody waits for (a delivery attempt): they are written with the next urgent change,
    /// or after <see cref="PartitionLog.LazyWriteDelay"/>, instead of costing a flush of their own.
    /// </summary>
    public Task ApplyAsync(ReadOnlySpan<StateChange> changes, bool urgent)
    {
        Task durable;
        lock (_lock)
        {
            if (_fault is not null)
            {
                throw new LogFaultedException($"Delivery state in '{Directory}' stopped accepting changes after a write failure: {_fault.Message}", _fault);
            }
            _encoder.ResetWrittenCount();
            int effective = 0;
            foreach (StateChange change in changes)
            {
                if (State.Apply(change))
                {
                    StateCodec.EncodeChanges([change], _encoder);
                    effective++;
                }
            }
            if (effective == 0)
            {
                // Nothing new, but the change that made it so may not be durable yet: wait for it.
                return _lastAppend;
            }
            // Appending under the same lock keeps the change log in the order the state saw.
            durable = WatchForFault(_changes.AppendBatchAsync([_encoder.WrittenMemory.ToArray()], urgent));
            _lastAppend = durable;
            _assignedNext++;
            _recordsSinceCheckpoint++;
            if (_recordsSinceCheckpoint < _options.CheckpointEvery)
            {
                return durable;
            }
        }
        return CheckpointAfter(durable);
    }

    private async Task WatchForFault(Task append)
    {
        try
        {
            await append.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The in-memory state already holds the change; refuse everything from now on rather
            // than let a retry of it look like a success. Reopening rebuilds the state from disk.
            lock (_lock)
            {
                _fault ??= ex;
            }
            throw;
        }
    }

    private async Task CheckpointAfter(Task durable)
    {
        await durable.ConfigureAwait(false);
        await CheckpointAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the whole state to <c>checkpoint</c> (keeping the one before as <c>checkpoint.prev</c>)
    /// and deletes change-log segments older than the previous checkpoint.
    /// </summary>
    public async Task CheckpointAsync()
    {
        byte[] bytes;
        Task covered;
        lock (_lock)
        {
            if (_checkpointing)
            {
                return;
            }
            _checkpointing = true;
            // The snapshot is exactly the state after change-log record _assignedNext - 1 ...
            bytes = StateCodec.EncodeCheckpoint(State, _assignedNext);
            covered = _lastAppend;
            _recordsSinceCheckpoint = 0;
        }
        try
        {
            // ... and is written only once those records are durable, so replay after it never
            // applies a change twice and the checkpoint never holds a change that could be lost.
            await covered.ConfigureAwait(false);
            _changes.FlushToDisk(); // 'written' is not 'durable' under interval or none
            WriteCheckpoint(bytes);
        }
        finally
        {
            lock (_lock)
            {
                _checkpointing = false;
            }
        }
    }

    private void WriteCheckpoint(byte[] bytes)
    {
        string path = Path.Combine(Directory, CheckpointName);
        string previous = Path.Combine(Directory, PreviousCheckpointName);
        _store.WriteDocument(path, bytes, keepPreviousAs: previous);
        long previousNext = _store.ReadDocument(previous) is { } older ? StateCodec.DecodeCheckpoint(older, previous)?.ChangesNext ?? -1 : -1;
        if (previousNext > 0)
        {
            // Keep every change after the older checkpoint, so either checkpoint can restore the state.
            _changes.DeleteSegmentsBefore(previousNext);
        }
    }

    /// <summary>Flushes, checkpoints and closes.</summary>
    public void Dispose()
    {
        byte[] bytes;
        lock (_lock)
        {
            bytes = StateCodec.EncodeCheckpoint(State, _assignedNext);
        }
        _changes.Dispose(); // writes everything pending
        if (_lastAppend.IsCompletedSuccessfully)
        {
            try
            {
                WriteCheckpoint(bytes);
            }
            catch (IOException)
            {
                // Replay from the last checkpoint covers it.
            }
        }
    }
}
