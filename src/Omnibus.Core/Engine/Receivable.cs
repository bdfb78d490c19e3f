using Omnibus.Core.Messages;
using Omnibus.Storage;
using Omnibus.Storage.State;

namespace Omnibus.Core.Engine;

/// <summary>
/// Something messages are received from: a queue, a topic subscription, or a dead-letter queue.
/// It reads one message log (per partition), keeps its own delivery state, and hands messages to
/// competing receivers with locks, sessions, deferral, scheduling, expiry and dead-lettering.
/// One lock guards the in-memory index; storage writes and body reads happen outside it.
/// </summary>
public sealed partial class Receivable : IDisposable
{
    private readonly object _gate = new();
    private readonly ReceivablePartition[] _partitions;
    private readonly AuxiliaryLog _aux;
    private readonly TimeProvider _clock;
    private readonly Dictionary<Guid, Entry> _locks = [];
    private readonly PriorityQueue<Guid, long> _lockExpiries = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private int _nextPartition;
    private bool _disposed;

    /// <summary>
    /// A log that ends below what the delivery state knows lost records the state had seen (its tail, salvaged
    /// after damage): it continues past them with empty records (readers skip them), so that no new message
    /// takes a sequence number the state already holds as settled.
    /// </summary>
    private static void ContinuePastKnownSequences(Storage.IPartitionLog log, long knownEnd)
    {
        long missing = knownEnd - log.NextSequence;
        if (missing > 0)
        {
            var empty = new ReadOnlyMemory<byte>[(int)Math.Min(missing, int.MaxValue)];
            Array.Fill(empty, ReadOnlyMemory<byte>.Empty);
            log.AppendBatchAsync(empty).GetAwaiter().GetResult();
        }
    }

    internal Receivable(string path, string directory, int routeId, MessageLog log, ReceivableSettings settings, BrokerOptions options, long[]? initialFloors)
    {
        Path = path;
        RouteId = routeId;
        Settings = settings;
        _clock = options.TimeProvider;
        _partitions = new ReceivablePartition[log.Partitions.Length];
        var stores = new List<DeliveryStateStore>();
        try
        {
            for (int i = 0; i < _partitions.Length; i++)
            {
                string stateDir = System.IO.Path.Combine(directory, $"state-p{i}");
                bool fresh = !options.Store.Exists(stateDir);
                var store = DeliveryStateStore.Open(stateDir, new DeliveryStateOptions
                {
                    Durability = options.Durability,
                    InitialFloor = fresh && initialFloors is not null ? initialFloors[i] : 0,
                }, options.Store);
                stores.Add(store);
                ContinuePastKnownSequences(log.Partitions[i], store.State.KnownEnd);
                _partitions[i] = new ReceivablePartition(i, log.Partitions[i], store);
            }
            _aux = new AuxiliaryLog(System.IO.Path.Combine(directory, "aux"), options);
        }
        catch
        {
            foreach (DeliveryStateStore s in stores)
            {
                s.Dispose();
            }
            throw;
        }
        foreach (KeyValuePair<string, byte[]?> kv in _aux.SessionStates)
        {
            GetOrAddSession(kv.Key, 0).State = kv.Value;
        }
        foreach (ReceivablePartition p in _partitions)
        {
            LoadIndex(p);
        }
    }

    /// <summary>
    /// The receivable's display path in the core's own notation (<c>orders</c>, <c>events/Subscriptions/audit</c>,
    /// <c>orders/$DeadLetterQueue</c>); stored in transaction logs and as a dead-lettered message's source.
    /// Front-ends look receivables up by entity names (<see cref="Broker.GetReceivable(string, CallerIdentity?)"/>), never by parsing this.
    /// </summary>
    public string Path { get; }

    /// <summary>Route id of a subscription inside its topic (0 for queues).</summary>
    internal int RouteId { get; }

    internal ReceivableSettings Settings { get; set; }

    /// <summary>Whether other receivables read the same log (a topic's subscriptions do): then nothing may be appended to it for this one alone.</summary>
    internal bool SharesLog { get; init; }

    /// <summary>Where dead-lettered messages go (the DLQ's log, or a forward target). Null for a DLQ itself.</summary>
    internal Func<IReadOnlyList<BrokerMessage>, Task>? DeadLetterSink { get; set; }

    /// <summary>The dead-letter queue (also read for runtime counts). Null for a dead-letter queue itself.</summary>
    internal Receivable? DeadLetterQueue { get; set; }

    /// <summary>This entity's dead-letter queue.</summary>
    /// <exception cref="InvalidOperationException">This is itself a dead-letter queue.</exception>
    public Receivable DeadLetter => DeadLetterQueue ?? throw new InvalidOperationException($"'{Path}' is a dead-letter queue and has none of its own.");

    /// <summary>Running totals.</summary>
    public EntityCounters Counters { get; } = new();

    internal DateTimeOffset AccessedAt { get; set; }

    internal IReadOnlyList<ReceivablePartition> Partitions => _partitions;

    private long NowTicks => _clock.GetUtcNow().UtcTicks;

    /// <summary>Builds the index of one partition from its log and delivery state (start-up).</summary>
    private void LoadIndex(ReceivablePartition p)
    {
        DeliveryState state = p.Store.State;
        long from = Math.Max(state.AckFloor, p.Log.FirstSequence);
        using ILogReader reader = p.Log.OpenReader(from);
        long now = NowTicks;
        while (reader.TryRead(out LogRecord record))
        {
            long seq = record.Sequence;
            if (state.IsSettled(seq))
            {
                continue;
            }
            if (record.Body.IsEmpty)
            {
                // A record salvage emptied (it was damaged or lost): nothing to deliver, settled like a skipped one.
                AddSkip(p, seq, seq + 1);
                continue;
            }
            StoredMessageHeader header = MessageCodec.ReadHeader(record.Body.Span);
            if (!header.IsRoutedTo(RouteId))
            {
                AddSkip(p, seq, seq + 1);
                continue;
            }
            var entry = new Entry
            {
                Sequence = seq,
                Partition = p.Index,
                EnqueuedTicks = header.EnqueuedTicks,
                ExpiresTicks = header.ExpiresTicks,
                ScheduledTicks = header.ScheduledTicks,
                Size = record.Body.Length,
                SessionId = header.SessionId,
                Priority = PriorityOf(header.Priority),
                DeliveryCount = state.DeliveryCount(seq),
                State = state.IsDeferred(seq) ? EntryState.Deferred : header.ScheduledTicks > now ? EntryState.Scheduled : EntryState.Available,
            };
            if (_aux.Overrides.TryGetValue((p.Index, seq), out Dictionary<string, object?>? overrides))
            {
                entry.Overrides = overrides;
            }
            AddEntry(p, entry);
        }
        _aux.Overrides.Clear();
    }

    /// <summary>Adds a newly stored (or reloaded) message to the index. Caller holds the lock (or is the constructor).</summary>
    private void AddEntry(ReceivablePartition p, Entry entry)
    {
        p.Entries[entry.Sequence] = entry;
        p.SizeInBytes += entry.Size;
        if (entry.ExpiresTicks != long.MaxValue)
        {
            p.Expiries.Enqueue(entry.Sequence, entry.ExpiresTicks);
        }
        switch (entry.State)
        {
            case EntryState.Scheduled:
                p.Scheduled.Enqueue(entry.Sequence, entry.ScheduledTicks);
                break;
            case EntryState.Available:
                MakeAvailable(p, entry);
                break;
        }
    }

    private void MakeAvailable(ReceivablePartition p, Entry entry)
    {
        entry.State = EntryState.Available;
        entry.LockToken = Guid.Empty;
        entry.SessionLockToken = Guid.Empty;
        if (entry.SessionId is not null && Settings.RequiresSession)
        {
            GetOrAddSession(entry.SessionId, p.Index).Available.Add(entry.Sequence);
        }
        else
        {
            p.Available.Add(entry);
        }
    }

    /// <summary>
    /// The priority a message is ordered by here: its own (missing counts as 0), capped at the
    /// queue's maximum as RabbitMQ does; always 0 without priorities, so the index keeps sequence order.
    /// </summary>
    private byte PriorityOf(byte? priority) => Math.Min(priority ?? 0, Settings.MaxPriority);

    private void RemoveEntry(ReceivablePartition p, Entry entry)
    {
        p.Entries.Remove(entry.Sequence);
        p.SizeInBytes -= entry.Size;
        if (entry.LockToken != Guid.Empty)
        {
            _locks.Remove(entry.LockToken);
        }
        if (entry.State == EntryState.Available)
        {
            if (entry.SessionId is not null && Settings.RequiresSession && _sessions.TryGetValue(entry.SessionId, out SessionInfo? s))
            {
                s.Available.Remove(entry.Sequence);
            }
            else
            {
                p.Available.Remove(entry);
            }
        }
        entry.State = EntryState.Leaving;
    }

    /// <summary>Called after messages routed here were stored durably.</summary>
    internal void OnStored(int partition, IReadOnlyList<(long Sequence, BrokerMessage Message, int Size)> stored)
    {
        long now = NowTicks;
        int available = 0;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            ReceivablePartition p = _partitions[partition];
            foreach ((long seq, BrokerMessage m, int size) in stored)
            {
                long scheduled = m.ScheduledEnqueueTime?.UtcTicks ?? 0;
                var entry = new Entry
                {
                    Sequence = seq,
                    Partition = partition,
                    EnqueuedTicks = m.EnqueuedTime.UtcTicks,
                    ExpiresTicks = m.ExpiresAt == DateTimeOffset.MaxValue ? long.MaxValue : m.ExpiresAt.UtcTicks,
                    ScheduledTicks = scheduled,
                    Size = size,
                    SessionId = m.SessionId,
                    Priority = PriorityOf(m.Priority),
                    State = scheduled > now ? EntryState.Scheduled : EntryState.Available,
                };
                AddEntry(p, entry);
                if (entry.State == EntryState.Available)
                {
                    available++;
                }
            }
        }
        WakeWaiters(available);
    }

    /// <summary>Called after messages not routed here were stored: they count as settled for this receivable.</summary>
    internal void OnSkipped(int partition, long from, long toExclusive)
    {
        lock (_gate)
        {
            AddSkip(_partitions[partition], from, toExclusive);
        }
    }

    private static void AddSkip(ReceivablePartition p, long from, long toExclusive)
    {
        List<(long From, long To)> skips = p.PendingSkips;
        if (skips.Count > 0 && skips[^1].To == from)
        {
            skips[^1] = (skips[^1].From, toExclusive);
        }
        else
        {
            skips.Add((from, toExclusive));
        }
    }

    /// <summary>Records pending skips as settled ranges (not awaited: losing them only means re-skipping after a crash).</summary>
    private void FlushSkips(ReceivablePartition p)
    {
        StateChange[] changes;
        lock (_gate)
        {
            if (p.PendingSkips.Count == 0)
            {
                return;
            }
            changes = p.PendingSkips.Select(s => StateChange.CompleteRange(s.From, s.To)).ToArray();
            p.PendingSkips.Clear();
        }
        _ = p.Store.ApplyAsync(changes);
    }

    private void WakeWaiters(int count)
    {
        if (count <= 0)
        {
            return;
        }
        var wake = new List<TaskCompletionSource<bool>>();
        lock (_waiters)
        {
            while (count-- > 0 && _waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                wake.Add(first.Value);
            }
        }
        foreach (TaskCompletionSource<bool> w in wake)
        {
            w.TrySetResult(true);
        }
    }

    private void WakeAllWaiters()
    {
        List<TaskCompletionSource<bool>> wake;
        lock (_waiters)
        {
            wake = [.. _waiters];
            _waiters.Clear();
        }
        foreach (TaskCompletionSource<bool> w in wake)
        {
            w.TrySetResult(true);
        }
    }

    /// <summary>True while a receive waits on this receivable or one of its deliveries is locked to a receiver.</summary>
    internal bool IsInUse()
    {
        lock (_waiters)
        {
            if (_waiters.Count > 0)
            {
                return true;
            }
        }
        lock (_gate)
        {
            foreach (ReceivablePartition p in _partitions)
            {
                foreach (Entry e in p.Entries.Values)
                {
                    if (e.State == EntryState.Locked)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>Current counts: active, scheduled, deferred, locked and dead-lettered messages, sizes and times.</summary>
    public EntityRuntimeInfo GetRuntimeInfo(DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        long active = 0, scheduled = 0, deferred = 0, locked = 0, size = 0;
        lock (_gate)
        {
            foreach (ReceivablePartition p in _partitions)
            {
                size += p.SizeInBytes;
                foreach (Entry e in p.Entries.Values)
                {
                    switch (e.State)
                    {
                        case EntryState.Available: active++; break;
                        case EntryState.Locked: active++; locked++; break;
                        case EntryState.Deferred: deferred++; break;
                        case EntryState.Scheduled: scheduled++; break;
                    }
                }
            }
        }
        long deadLetters = DeadLetterQueue?.ActiveCount() ?? 0;
        return new EntityRuntimeInfo(Path, active, scheduled, deferred, deadLetters, 0, size, locked, createdAt, updatedAt, AccessedAt, Counters);
    }

    /// <summary>Bytes of unsettled messages (the figure quotas use).</summary>
    internal long UnsettledBytes()
    {
        lock (_gate)
        {
            return _partitions.Sum(p => p.SizeInBytes);
        }
    }

    internal long ActiveCount()
    {
        lock (_gate)
        {
            long n = 0;
            foreach (ReceivablePartition p in _partitions)
            {
                foreach (Entry e in p.Entries.Values)
                {
                    if (e.State is EntryState.Available or EntryState.Locked)
                    {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    /// <summary>Lowest sequence still needed per partition (for deleting consumed segments).</summary>
    internal DeliveryStateStore StoreOf(int partition) => _partitions[partition].Store;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        WakeAllWaiters();
        foreach (ReceivablePartition p in _partitions)
        {
            FlushSkips(p);
            p.Dispose();
        }
        _aux.Dispose();
    }
}
