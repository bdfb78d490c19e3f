using Omnibus.Core.Entities;
using Omnibus.Core.Matching;
using Omnibus.Core.Messages;
using Omnibus.Core.Security;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>
/// The protocol-neutral broker: one namespace of queues, topics and subscriptions over the
/// storage engine. Front-ends call it; it never knows which protocol is calling. Layout of the
/// data directory: docs/core.md.
/// </summary>
public sealed partial class Broker : IAsyncDisposable, IDisposable
{
    private readonly object _catalogLock = new();
    private readonly Dictionary<string, QueueEntity> _queues = [];
    private readonly Dictionary<string, TopicEntity> _topics = [];
    private readonly ITimer _sweepTimer;
    private readonly SemaphoreSlim _sweepGate = new(1, 1);
    private bool _disposed;
    private readonly IDisposable _dataDirectoryLock;

    private Broker(BrokerOptions options)
    {
        Options = options;
        DataDirectory = Path.GetFullPath(options.DataDirectory);
        Clock = options.TimeProvider;
        Store = options.Store;
        Store.CreateDirectory(DataDirectory);
        // One lock for the whole data directory: the logs below it then need no lock file handle each.
        _dataDirectoryLock = Store.Lock(DataDirectory);
        // The memory store has no volume to watch: no floor there.
        Space = Store.IsDurable
            ? new StorageSpace(DataDirectory, options.MinFreeSpaceBytes, options.FreeSpaceProbeInterval, options.FreeSpaceProbe, Clock)
            : new StorageSpace(DataDirectory, 0, options.FreeSpaceProbeInterval, _ => long.MaxValue, Clock);
        try
        {
            RefuseLostCatalog();
            CatalogDocument doc = EntityCatalog.Load(Store, DataDirectory);
            RefuseLostRouting(doc);
            // One entity's damaged data quarantines that entity (Broker.Quarantine), not the broker.
            foreach (QueueDescription q in doc.Queues)
            {
                string directory = doc.QueueDirectories.GetValueOrDefault(q.Name) ?? EntityNames.DirectoryName(q.Name);
                try
                {
                    _queues[q.Name] = OpenQueue(q, directory);
                }
                catch (StorageException e) when (TryQuarantineQueue(q, directory, e))
                {
                }
            }
            foreach (TopicDocument t in doc.Topics)
            {
                try
                {
                    _topics[t.Topic.Name] = OpenTopic(t);
                }
                catch (StorageException e) when (TryQuarantineTopic(t, e))
                {
                }
            }
            OpenRouting();
            // Streams first, so a transaction naming a quarantined stream waits for it.
            OpenStreamsIfPresent();
            _transactionLog = new TransactionLog(Path.Combine(DataDirectory, "transactions"), options);
            RecoverTransactions();
            CollectRepairs();
        }
        catch
        {
            DisposeEntities();
            _transactionLog?.Dispose();
            _router?.Dispose();
            _streams?.Dispose();
            Space.Dispose();
            _dataDirectoryLock.Dispose();
            throw;
        }
        _sweepTimer = Clock.CreateTimer(_ => _ = SweepSafelyAsync(), null, options.SweepInterval, options.SweepInterval);
    }

    /// <summary>The options the broker runs with.</summary>
    public BrokerOptions Options { get; }

    /// <summary>Where the broker's logs and catalogs are kept.</summary>
    internal ILogStore Store { get; }

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory { get; }

    internal TimeProvider Clock { get; }

    /// <summary>Whether the data directory's volume has room for new messages (the free-space floor).</summary>
    public StorageSpace Space { get; }

    /// <summary>
    /// Raised whenever a message lock ends — completed, abandoned, dead-lettered, deferred or
    /// expired — with the entity path and how long the lock was held (the processing time).
    /// Handlers run inline under the entity's lock: keep them to a counter or histogram update.
    /// </summary>
    public event Action<string, TimeSpan>? LockReleased;

    private void RaiseLockReleased(string path, TimeSpan held) => LockReleased?.Invoke(path, held);

    /// <summary>Opens the broker over its data directory, restoring every entity and message.</summary>
    public static Broker Open(BrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Broker(options);
    }

    private string QueuesDirectory => Path.Combine(DataDirectory, "queues");

    /// <summary>
    /// The directory a new entity gets: the default name, unless an entity whose name differs only
    /// in case has it (or it is left on disk), then one from the exact name.
    /// </summary>
    private string NewDirectoryName(string parent, string name, IEnumerable<string> taken)
    {
        string preferred = EntityNames.DirectoryName(name);
        return taken.Contains(preferred, StringComparer.Ordinal) || Store.Exists(Path.Combine(parent, preferred))
            ? EntityNames.CaseDistinctDirectoryName(name)
            : preferred;
    }

    private string TopicsDirectory => Path.Combine(DataDirectory, "topics");

    private QueueEntity OpenQueue(QueueDescription q, string directoryName)
    {
        string dir = Path.Combine(QueuesDirectory, directoryName);
        var log = new MessageLog(Path.Combine(dir, "log"), q.PartitionCount, Options);
        var dlqLog = new MessageLog(Path.Combine(dir, "dlq", "log"), 1, Options);
        Receivable? receivable = null, dlq = null;
        try
        {
            log.ConfigureDuplicateDetection(q.RequiresDuplicateDetection, q.DuplicateDetectionHistoryTimeWindow);
            dlq = new Receivable(EntityNames.DeadLetterPath(q.Name), Path.Combine(dir, "dlq", "recv"), 0, dlqLog, DeadLetterSettingsOf(q.LockDuration), Options, null);
            receivable = new Receivable(q.Name, Path.Combine(dir, "recv"), 0, log, SettingsOf(q), Options, null);
            var entity = new QueueEntity(q, dir, log, receivable, dlqLog, dlq);
            receivable.DeadLetterQueue = dlq;
            receivable.DeadLetterSink = msgs => DeadLetterSinkAsync(DeadLetterRouteOf(entity.Description), dlqLog, dlq, msgs);
            receivable.LockReleased = dlq.LockReleased = RaiseLockReleased;
            RememberRecentMessageIds(log);
            return entity;
        }
        catch
        {
            receivable?.Dispose();
            dlq?.Dispose();
            log.Dispose();
            dlqLog.Dispose();
            throw;
        }
    }

    private TopicEntity OpenTopic(TopicDocument t)
    {
        t.Directory ??= EntityNames.DirectoryName(t.Topic.Name);
        string dir = Path.Combine(TopicsDirectory, t.Directory);
        var log = new MessageLog(Path.Combine(dir, "log"), t.Topic.PartitionCount, Options);
        var topic = new TopicEntity(t, dir, log);
        try
        {
            log.ConfigureDuplicateDetection(t.Topic.RequiresDuplicateDetection, t.Topic.DuplicateDetectionHistoryTimeWindow);
            foreach (SubscriptionDocument s in t.Subscriptions)
            {
                topic.Subscriptions[s.Subscription.Name] = OpenSubscription(topic, s, null);
            }
            RememberRecentMessageIds(log);
            return topic;
        }
        catch
        {
            topic.Dispose();
            throw;
        }
    }

    private SubscriptionEntity OpenSubscription(TopicEntity topic, SubscriptionDocument s, long[]? initialFloors)
    {
        SubscriptionDescription d = s.Subscription;
        string path = EntityNames.SubscriptionPath(topic.Description.Name, d.Name);
        s.Directory ??= EntityNames.DirectoryName(d.Name);
        string dir = Path.Combine(topic.Directory, "subscriptions", s.Directory);
        var dlqLog = new MessageLog(Path.Combine(dir, "dlq", "log"), 1, Options);
        Receivable? receivable = null, dlq = null;
        try
        {
            ISubscriptionRules rules = Options.RuleCompiler.Compile(s.Rules);
            dlq = new Receivable(EntityNames.DeadLetterPath(path), Path.Combine(dir, "dlq", "recv"), 0, dlqLog, DeadLetterSettingsOf(d.LockDuration), Options, null);
            receivable = new Receivable(path, Path.Combine(dir, "recv"), d.RouteId, topic.Log, SettingsOf(d), Options, initialFloors) { SharesLog = true };
            var entity = new SubscriptionEntity(s, dir, receivable, dlqLog, dlq, rules);
            receivable.DeadLetterQueue = dlq;
            receivable.DeadLetterSink = msgs => DeadLetterSinkAsync(DeadLetterRouteOf(entity.Description), dlqLog, dlq, msgs);
            receivable.LockReleased = dlq.LockReleased = RaiseLockReleased;
            return entity;
        }
        catch
        {
            receivable?.Dispose();
            dlq?.Dispose();
            dlqLog.Dispose();
            throw;
        }
    }

    /// <summary>A dead-letter queue locks its messages for as long as its entity does, and never dead-letters them again.</summary>
    internal static ReceivableSettings DeadLetterSettingsOf(TimeSpan lockDuration) => new() { MaxDeliveryCount = int.MaxValue, LockDuration = lockDuration };

    private static ReceivableSettings SettingsOf(QueueDescription q) => new()
    {
        LockDuration = q.LockDuration,
        MaxDeliveryCount = q.MaxDeliveryCount,
        DeadLetteringOnMessageExpiration = q.DeadLetteringOnMessageExpiration,
        RequiresSession = q.RequiresSession,
        MessageGroups = q.MessageGroups,
        MaxPriority = (byte)(q.MaxPriority ?? 0),
        Status = q.Status,
        MaxLength = q.MaxLength,
        MaxLengthBytes = q.MaxLengthBytes,
        Overflow = q.Overflow,
        // Pushed out of a RabbitMQ queue without a dead-letter exchange, a message is gone (not kept in a hidden dead-letter queue).
        DeadLetterOverflow = q.DeadLetterExchange is not null || q.ForwardDeadLetteredMessagesTo is not null,
    };

    private static ReceivableSettings SettingsOf(SubscriptionDescription s) => new()
    {
        LockDuration = s.LockDuration,
        MaxDeliveryCount = s.MaxDeliveryCount,
        DeadLetteringOnMessageExpiration = s.DeadLetteringOnMessageExpiration,
        RequiresSession = s.RequiresSession,
        MessageGroups = s.MessageGroups,
        Status = s.Status,
    };

    /// <summary>A crash between a message append and its dedup-history append must not admit a duplicate: re-learn recent ids from the log.</summary>
    private static void RememberRecentMessageIds(MessageLog log)
    {
        if (log.Dedup is null)
        {
            return;
        }
        foreach (Storage.IPartitionLog p in log.Partitions)
        {
            Storage.SegmentInfo tail = p.Segments[^1];
            using Storage.ILogReader reader = p.OpenReader(Math.Max(p.FirstSequence, tail.BaseSequence));
            while (reader.TryRead(out Storage.LogRecord record))
            {
                if (record.Body.IsEmpty)
                {
                    continue; // emptied by salvage
                }
                StoredMessageHeader header = MessageCodec.ReadHeader(record.Body.Span);
                if (header.MessageId is not null)
                {
                    log.Dedup.RememberFromLog(header.MessageId, header.EnqueuedTicks);
                }
            }
        }
    }

    /// <summary>The receivable of queue <paramref name="queue"/> (its dead-letter queue is <see cref="Receivable.DeadLetter"/>).</summary>
    public Receivable GetReceivable(string queue, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        Authorize(caller, EntityRight.Listen, queue);
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_queues.TryGetValue(queue, out QueueEntity? q))
            {
                return q.Receivable;
            }
        }
        throw Missing(queue);
    }

    /// <summary>The receivable of subscription <paramref name="subscription"/> of <paramref name="topic"/>.</summary>
    public Receivable GetReceivable(string topic, string subscription, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(subscription);
        string path = EntityNames.SubscriptionPath(topic, subscription);
        Authorize(caller, EntityRight.Listen, path);
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_topics.TryGetValue(topic, out TopicEntity? t) && t.Subscriptions.TryGetValue(subscription, out SubscriptionEntity? s))
            {
                return s.Receivable;
            }
        }
        throw Missing(path);
    }

    /// <summary>
    /// Finds a receivable by its <see cref="Receivable.Path"/>, the form the transaction log stores
    /// (a queue, <c>topic/Subscriptions/sub</c>, either with <c>/$DeadLetterQueue</c>; logs written
    /// before this form was internal hold it too, so it cannot change).
    /// </summary>
    internal Receivable GetReceivableByStoredPath(string storedPath)
    {
        string path = storedPath;
        bool deadLetter = path.EndsWith("/" + EntityNames.DeadLetterSuffix, StringComparison.OrdinalIgnoreCase);
        if (deadLetter)
        {
            path = path[..^(EntityNames.DeadLetterSuffix.Length + 1)];
        }
        int marker = path.IndexOf("/" + EntityNames.SubscriptionsSegment + "/", StringComparison.OrdinalIgnoreCase);
        Receivable r = marker > 0
            ? GetReceivable(path[..marker], path[(marker + EntityNames.SubscriptionsSegment.Length + 2)..])
            : GetReceivable(path);
        return deadLetter ? r.DeadLetter : r;
    }

    /// <summary>Asks the authorization hook; a null caller is the broker itself (recovery, sweeps, the entities file).</summary>
    private void Authorize(CallerIdentity? caller, EntityRight right, string entityPath) =>
        Options.Authorization.Authorize(caller ?? CallerIdentity.Broker, right, entityPath);

    /// <summary>True when <paramref name="entityPath"/> names a queue or topic (something one sends to).</summary>
    public bool IsSendTarget(string entityPath)
    {
        string key = entityPath.Trim('/');
        lock (_catalogLock)
        {
            return _queues.ContainsKey(key) || _topics.ContainsKey(key);
        }
    }

    private async Task SweepSafelyAsync()
    {
        // A tick that finds the previous sweep still running is skipped rather than queued.
        if (!await _sweepGate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }
        try
        {
            await SweepCoreAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Storage.StorageException)
        {
            // A storage fault surfaces to the next caller of the faulted log; the sweep retries next tick.
        }
        finally
        {
            _sweepGate.Release();
        }
    }

    /// <summary>Runs the time-driven work now: lock expiry, schedules, TTL, consumed-segment deletion, idle entities.</summary>
    public async Task SweepAsync()
    {
        await _sweepGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await SweepCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _sweepGate.Release();
        }
    }

    private async Task SweepCoreAsync()
    {
        {
            List<Receivable> receivables;
            List<(MessageLog Log, List<Receivable> Readers)> logs;
            lock (_catalogLock)
            {
                if (_disposed)
                {
                    return;
                }
                receivables = [.. _queues.Values.SelectMany(q => new[] { q.Receivable, q.DeadLetter }),
                               .. _topics.Values.SelectMany(t => t.Subscriptions.Values.SelectMany(s => new[] { s.Receivable, s.DeadLetter }))];
                logs = [.. _queues.Values.Select(q => (q.Log, new List<Receivable> { q.Receivable })),
                        .. _queues.Values.Select(q => (q.DeadLetterLog, new List<Receivable> { q.DeadLetter })),
                        .. _topics.Values.Select(t => (t.Log, t.Subscriptions.Values.Select(s => s.Receivable).ToList())),
                        .. _topics.Values.SelectMany(t => t.Subscriptions.Values.Select(s => (s.DeadLetterLog, new List<Receivable> { s.DeadLetter })))];
            }
            foreach (Receivable r in receivables)
            {
                await r.SweepAsync().ConfigureAwait(false);
            }
            foreach ((MessageLog log, List<Receivable> readers) in logs)
            {
                for (int i = 0; i < log.Partitions.Length; i++)
                {
                    DeleteConsumedSegments(log, i, readers);
                }
                log.Dedup?.EnforceRetention();
            }
            DeleteIdleEntities();
        }
    }

    private void DisposeEntities()
    {
        foreach (QueueEntity q in _queues.Values)
        {
            q.Dispose();
        }
        foreach (TopicEntity t in _topics.Values)
        {
            t.Dispose();
        }
        _queues.Clear();
        _topics.Clear();
    }

    /// <summary>Stops the timers and closes every log, flushing what is pending.</summary>
    public void Dispose()
    {
        lock (_catalogLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _sweepTimer.Dispose();
        Space.Dispose();
        _sweepGate.Wait();
        lock (_catalogLock)
        {
            DisposeEntities();
            _transactionLog?.Dispose();
            _router?.Dispose();
            _streams?.Dispose();
            _dataDirectoryLock.Dispose();
        }
        _sweepGate.Release();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
