using Omnibus.Core.Entities;
using Omnibus.Core.Security;

namespace Omnibus.Core.Engine;

public sealed partial class Broker
{
    private CatalogDocument Snapshot() => new()
    {
        Queues = [.. _queues.Values.Select(q => q.Description).Concat(_quarantinedQueues).OrderBy(q => q.Name, StringComparer.Ordinal)],
        Topics = [.. _topics.Values.Select(t => t.Document).Concat(_quarantinedTopics).OrderBy(t => t.Topic.Name, StringComparer.Ordinal)],
        QueueDirectories = _queues.Values.Select(q => (q.Description.Name, Directory: Path.GetFileName(q.Directory)))
            .Concat(_quarantinedQueueDirectories.Select(d => (d.Key, Directory: d.Value)))
            .ToDictionary(d => d.Item1, d => d.Directory, StringComparer.Ordinal),
        HasRouting = _hasRouting,
    };

    /// <summary>Writes the catalog (durably), then tells the watchers what changed.</summary>
    private void SaveCatalog(EntityChange? change = null)
    {
        EntityCatalog.Save(Store, DataDirectory, Snapshot());
        if (change is { } c)
        {
            EntityChanged?.Invoke(c);
        }
    }

    /// <summary>
    /// Raised after each change of the catalog is durable (entities created, updated, deleted,
    /// including idle entities auto-deleted). Handlers run inline under the catalog lock: record
    /// the change and return; do not call back into the broker from another thread and wait.
    /// </summary>
    public event Action<EntityChange>? EntityChanged;

    /// <summary>
    /// The stored name of the queue or topic named <paramref name="name"/> regardless of case: the
    /// exact match if there is one, else the only entity whose name differs only in case, else
    /// <paramref name="name"/> itself. Names are case-sensitive; a front-end whose protocol ignores
    /// case (Service Bus) resolves names through this before using them.
    /// </summary>
    public string ResolveNameIgnoringCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_catalogLock)
        {
            return Resolve(name, _queues.Keys.Concat(_topics.Keys));
        }
    }

    /// <summary>As <see cref="ResolveNameIgnoringCase"/>, for a subscription of a topic (the topic name given as stored).</summary>
    public string ResolveSubscriptionNameIgnoringCase(string topicName, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_catalogLock)
        {
            return _topics.TryGetValue(topicName, out TopicEntity? t) ? Resolve(name, t.Subscriptions.Keys) : name;
        }
    }

    private static string Resolve(string name, IEnumerable<string> names)
    {
        string? found = null;
        foreach (string candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return candidate;
            }
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found is not null)
                {
                    return name;
                }
                found = candidate;
            }
        }
        return found ?? name;
    }

    private void EnsureNameFree(string name)
    {
        string key = name;
        if (_queues.ContainsKey(key) || _topics.ContainsKey(key) || _quarantine.ContainsKey(key) || _streams?.Find(key) is not null || _streams?.IsQuarantined(key) == true)
        {
            throw new MessagingException(MessagingErrorCode.EntityAlreadyExists, $"An entity named '{name}' already exists.");
        }
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, message);
        }
    }

    /// <summary>
    /// The broker's own bounds, wide enough for every protocol (SQS visibility up to 12 h, RabbitMQ's
    /// <c>x-expires</c> in milliseconds); a front-end checks its protocol's narrower limits first
    /// (Service Bus: <c>ServiceBusLimits</c>).
    /// </summary>
    private static void ValidateCommon(TimeSpan lockDuration, int maxDeliveryCount, TimeSpan ttl, TimeSpan autoDelete)
    {
        Check(lockDuration > TimeSpan.Zero && lockDuration <= Receivable.MaxVisibility, $"LockDuration {lockDuration} must be positive and at most {Receivable.MaxVisibility}.");
        Check(maxDeliveryCount >= 1, $"MaxDeliveryCount {maxDeliveryCount} must be at least 1.");
        Check(ttl > TimeSpan.Zero, $"DefaultMessageTimeToLive {ttl} must be positive.");
        Check(autoDelete > TimeSpan.Zero, $"AutoDeleteOnIdle {autoDelete} must be positive.");
    }

    private static void ValidateDuplicateWindow(TimeSpan window) =>
        Check(window > TimeSpan.Zero && window <= MaxDuplicateWindow, $"DuplicateDetectionHistoryTimeWindow {window} must be positive and at most {MaxDuplicateWindow}.");

    /// <summary>The longest duplicate-detection window (Service Bus's 7 days; SQS uses 5 minutes).</summary>
    private static readonly TimeSpan MaxDuplicateWindow = TimeSpan.FromDays(7);

    private static void ValidateQueue(QueueDescription q)
    {
        EntityNames.Validate(q.Name, EntityNameKind.Queue);
        ValidateCommon(q.LockDuration, q.MaxDeliveryCount, q.DefaultMessageTimeToLive, q.AutoDeleteOnIdle);
        Check(q.PartitionCount is >= 1 and <= 32, $"PartitionCount {q.PartitionCount} must be between 1 and 32.");
        Check(q.MaxSizeInMegabytes >= 1, "MaxSizeInMegabytes must be at least 1.");
        Check(q.MaxMessageSizeInKilobytes is >= 1 and <= 102400, "MaxMessageSizeInKilobytes must be between 1 and 102400.");
        ValidateDuplicateWindow(q.DuplicateDetectionHistoryTimeWindow);
        Check(q.MaxPriority is null or (>= 0 and <= byte.MaxValue), $"MaxPriority {q.MaxPriority} must be between 0 and 255.");
        Check(q.MaxLength is null or >= 0, $"MaxLength {q.MaxLength} must not be negative.");
        Check(q.MaxLengthBytes is null or >= 0, $"MaxLengthBytes {q.MaxLengthBytes} must not be negative.");
        Check(Enum.IsDefined(q.Overflow), $"Overflow {q.Overflow} is not a known behaviour.");
        Check(!(q.RequiresSession && q.MaxPriority > 0), "MaxPriority cannot be combined with RequiresSession: a session's messages go out in their order.");
    }

    // ---------------- queues ----------------

    /// <summary>Creates a queue; <see cref="MessagingErrorCode.EntityAlreadyExists"/> when the name is taken.</summary>
    public QueueDescription CreateQueue(QueueDescription description, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, description?.Name ?? "");
        ArgumentNullException.ThrowIfNull(description);
        ValidateQueue(description);
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EnsureNameFree(description.Name);
            DateTimeOffset now = Clock.GetUtcNow();
            QueueDescription q = description with { CreatedAt = now, UpdatedAt = now };
            QueueEntity entity = OpenQueue(q, NewDirectoryName(QueuesDirectory, q.Name, _queues.Values.Select(e => Path.GetFileName(e.Directory))));
            entity.Receivable.AccessedAt = now;
            _queues[q.Name] = entity;
            SaveCatalog(new EntityChange(EntityKind.Queue, q.Name, EntityChangeKind.Created));
            return q;
        }
    }

    /// <summary>Updates a queue's settings. Partition count and sessions cannot change after creation.</summary>
    public QueueDescription UpdateQueue(QueueDescription description, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, description?.Name ?? "");
        ArgumentNullException.ThrowIfNull(description);
        ValidateQueue(description);
        lock (_catalogLock)
        {
            QueueEntity q = FindQueue(description.Name);
            Check(description.PartitionCount == q.Description.PartitionCount, "PartitionCount cannot be changed after the queue is created.");
            Check(description.RequiresSession == q.Description.RequiresSession, "RequiresSession cannot be changed after the queue is created.");
            Check((description.MaxPriority ?? 0) == (q.Description.MaxPriority ?? 0), "MaxPriority cannot be changed after the queue is created.");
            QueueDescription updated = description with { Name = q.Description.Name, Settings = description.Settings ?? q.Description.Settings, CreatedAt = q.Description.CreatedAt, UpdatedAt = Clock.GetUtcNow() };
            q.Description = updated;
            q.Receivable.Settings = SettingsOf(updated);
            q.DeadLetter.Settings = DeadLetterSettingsOf(updated.LockDuration);
            q.Log.ConfigureDuplicateDetection(updated.RequiresDuplicateDetection, updated.DuplicateDetectionHistoryTimeWindow);
            SaveCatalog(new EntityChange(EntityKind.Queue, updated.Name, EntityChangeKind.Updated));
            return updated;
        }
    }

    /// <summary>Deletes a queue and everything in it.</summary>
    public void DeleteQueue(string name, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, name);
        if (TryDeleteQuarantined(name, EntityKind.Queue))
        {
            return;
        }
        QueueEntity q;
        lock (_catalogLock)
        {
            q = FindQueue(name);
            _queues.Remove(name);
            SaveCatalog(new EntityChange(EntityKind.Queue, name, EntityChangeKind.Deleted));
            RemoveBindingsTo(name);
        }
        q.Dispose();
        Store.DeleteDirectory(q.Directory);
    }

    /// <summary>A queue's definition.</summary>
    public QueueDescription GetQueue(string name)
    {
        lock (_catalogLock)
        {
            return FindQueue(name).Description;
        }
    }

    /// <summary>Every queue, by name.</summary>
    public IReadOnlyList<QueueDescription> ListQueues()
    {
        lock (_catalogLock)
        {
            return Snapshot().Queues;
        }
    }

    /// <summary>A queue's message counts.</summary>
    public EntityRuntimeInfo GetQueueRuntimeInfo(string name)
    {
        QueueEntity q;
        lock (_catalogLock)
        {
            q = FindQueue(name);
        }
        return q.Receivable.GetRuntimeInfo(q.Description.CreatedAt, q.Description.UpdatedAt) with { SizeInBytes = q.Log.SizeInBytes };
    }

    private QueueEntity FindQueue(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _queues.TryGetValue(name, out QueueEntity? q) ? q : throw Missing(name);
    }

    // ---------------- topics ----------------

    private static void ValidateTopic(TopicDescription t)
    {
        EntityNames.Validate(t.Name, EntityNameKind.Topic);
        Check(t.DefaultMessageTimeToLive > TimeSpan.Zero, "DefaultMessageTimeToLive must be positive.");
        Check(t.PartitionCount is >= 1 and <= 32, $"PartitionCount {t.PartitionCount} must be between 1 and 32.");
        Check(t.MaxSizeInMegabytes >= 1, "MaxSizeInMegabytes must be at least 1.");
        Check(t.MaxMessageSizeInKilobytes is >= 1 and <= 102400, "MaxMessageSizeInKilobytes must be between 1 and 102400.");
        Check(t.AutoDeleteOnIdle > TimeSpan.Zero, $"AutoDeleteOnIdle {t.AutoDeleteOnIdle} must be positive.");
        ValidateDuplicateWindow(t.DuplicateDetectionHistoryTimeWindow);
    }

    /// <summary>Creates a topic.</summary>
    public TopicDescription CreateTopic(TopicDescription description, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, description?.Name ?? "");
        ArgumentNullException.ThrowIfNull(description);
        ValidateTopic(description);
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EnsureNameFree(description.Name);
            DateTimeOffset now = Clock.GetUtcNow();
            TopicDescription t = description with { CreatedAt = now, UpdatedAt = now };
            TopicEntity entity = OpenTopic(new TopicDocument { Topic = t, Directory = NewDirectoryName(TopicsDirectory, t.Name, _topics.Values.Select(e => e.Document.Directory!)) });
            entity.AccessedAt = now;
            _topics[t.Name] = entity;
            SaveCatalog(new EntityChange(EntityKind.Topic, t.Name, EntityChangeKind.Created));
            return t;
        }
    }

    /// <summary>Updates a topic's settings.</summary>
    public TopicDescription UpdateTopic(TopicDescription description, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, description?.Name ?? "");
        ArgumentNullException.ThrowIfNull(description);
        ValidateTopic(description);
        lock (_catalogLock)
        {
            TopicEntity t = FindTopic(description.Name);
            Check(description.PartitionCount == t.Description.PartitionCount, "PartitionCount cannot be changed after the topic is created.");
            t.Description = description with { Name = t.Description.Name, Settings = description.Settings ?? t.Description.Settings, CreatedAt = t.Description.CreatedAt, UpdatedAt = Clock.GetUtcNow() };
            t.Log.ConfigureDuplicateDetection(t.Description.RequiresDuplicateDetection, t.Description.DuplicateDetectionHistoryTimeWindow);
            SaveCatalog(new EntityChange(EntityKind.Topic, t.Description.Name, EntityChangeKind.Updated));
            return t.Description;
        }
    }

    /// <summary>Deletes a topic with its subscriptions and messages.</summary>
    public void DeleteTopic(string name, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, name);
        if (TryDeleteQuarantined(name, EntityKind.Topic))
        {
            return;
        }
        TopicEntity t;
        lock (_catalogLock)
        {
            t = FindTopic(name);
            _topics.Remove(name);
            SaveCatalog(new EntityChange(EntityKind.Topic, name, EntityChangeKind.Deleted));
            RemoveBindingsTo(name);
        }
        t.Dispose();
        Store.DeleteDirectory(t.Directory);
        DeleteStreamOfTopic(name);
    }

    /// <summary>A topic's definition.</summary>
    public TopicDescription GetTopic(string name)
    {
        lock (_catalogLock)
        {
            return FindTopic(name).Description;
        }
    }

    /// <summary>Every topic, by name.</summary>
    public IReadOnlyList<TopicDescription> ListTopics()
    {
        lock (_catalogLock)
        {
            return Snapshot().Topics.Select(t => t.Topic).ToList();
        }
    }

    /// <summary>A topic's size, subscription count and totals.</summary>
    public (long SizeInBytes, int SubscriptionCount, long ScheduledMessageCount, EntityCounters Totals, DateTimeOffset AccessedAt) GetTopicRuntimeInfo(string name)
    {
        TopicEntity t;
        lock (_catalogLock)
        {
            t = FindTopic(name);
        }
        return (t.Log.SizeInBytes, t.Subscriptions.Count, 0, t.Counters, t.AccessedAt);
    }

    private TopicEntity FindTopic(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _topics.TryGetValue(name, out TopicEntity? t) ? t : throw Missing(name);
    }

    // ---------------- subscriptions ----------------

    private static void ValidateSubscription(SubscriptionDescription s)
    {
        EntityNames.Validate(s.Name, EntityNameKind.Subscription);
        ValidateCommon(s.LockDuration, s.MaxDeliveryCount, s.DefaultMessageTimeToLive, s.AutoDeleteOnIdle);
    }

    /// <summary>
    /// Creates a subscription with <paramref name="defaultRule"/> (or the <c>$Default</c> true rule).
    /// It receives messages sent from now on, as in Service Bus.
    /// </summary>
    public SubscriptionDescription CreateSubscription(SubscriptionDescription description, RuleDescription? defaultRule = null, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, description?.TopicName ?? "");
        ArgumentNullException.ThrowIfNull(description);
        ValidateSubscription(description);
        if (defaultRule is not null)
        {
            EntityNames.Validate(defaultRule.Name, EntityNameKind.Rule);
        }
        lock (_catalogLock)
        {
            TopicEntity t = FindTopic(description.TopicName);
            if (t.Subscriptions.ContainsKey(description.Name))
            {
                throw new MessagingException(MessagingErrorCode.EntityAlreadyExists, $"The subscription '{description.Name}' already exists on topic '{t.Description.Name}'.");
            }
            DateTimeOffset now = Clock.GetUtcNow();
            RuleDescription rule = (defaultRule ?? new RuleDescription { Name = RuleDescription.DefaultRuleName }) with { CreatedAt = now };
            Options.RuleCompiler.Validate(rule);
            SubscriptionDescription s = description with { TopicName = t.Description.Name, RouteId = t.Document.NextRouteId++, CreatedAt = now, UpdatedAt = now };
            var doc = new SubscriptionDocument
            {
                Subscription = s,
                Rules = [rule],
                Directory = NewDirectoryName(Path.Combine(t.Directory, "subscriptions"), s.Name, t.Document.Subscriptions.Select(x => x.Directory!)),
            };
            long[] floors = t.Log.Partitions.Select(p => p.NextSequence).ToArray();
            SubscriptionEntity entity = OpenSubscription(t, doc, floors);
            entity.Receivable.AccessedAt = now;
            t.Subscriptions[s.Name] = entity;
            t.Document.Subscriptions.Add(doc);
            SaveCatalog(new EntityChange(EntityKind.Subscription, s.Name, EntityChangeKind.Created, t.Description.Name));
            return s;
        }
    }

    /// <summary>Updates a subscription's settings.</summary>
    public SubscriptionDescription UpdateSubscription(SubscriptionDescription description, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, description?.TopicName ?? "");
        ArgumentNullException.ThrowIfNull(description);
        ValidateSubscription(description);
        lock (_catalogLock)
        {
            SubscriptionEntity s = FindSubscription(description.TopicName, description.Name);
            Check(description.RequiresSession == s.Description.RequiresSession, "RequiresSession cannot be changed after the subscription is created.");
            s.Description = description with { TopicName = s.Description.TopicName, Name = s.Description.Name, RouteId = s.Description.RouteId, CreatedAt = s.Description.CreatedAt, UpdatedAt = Clock.GetUtcNow() };
            s.Receivable.Settings = SettingsOf(s.Description);
            s.DeadLetter.Settings = DeadLetterSettingsOf(s.Description.LockDuration);
            SaveCatalog(new EntityChange(EntityKind.Subscription, s.Description.Name, EntityChangeKind.Updated, s.Description.TopicName));
            return s.Description;
        }
    }

    /// <summary>Deletes a subscription and its messages.</summary>
    public void DeleteSubscription(string topicName, string name, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, topicName);
        SubscriptionEntity s;
        lock (_catalogLock)
        {
            TopicEntity t = FindTopic(topicName);
            s = FindSubscription(topicName, name);
            t.Subscriptions.Remove(name);
            t.Document.Subscriptions.Remove(s.Document);
            SaveCatalog(new EntityChange(EntityKind.Subscription, name, EntityChangeKind.Deleted, topicName));
        }
        s.Dispose();
        Store.DeleteDirectory(s.Directory);
    }

    /// <summary>A subscription's definition.</summary>
    public SubscriptionDescription GetSubscription(string topicName, string name)
    {
        lock (_catalogLock)
        {
            return FindSubscription(topicName, name).Description;
        }
    }

    /// <summary>The subscriptions of a topic, by name.</summary>
    public IReadOnlyList<SubscriptionDescription> ListSubscriptions(string topicName)
    {
        lock (_catalogLock)
        {
            return FindTopic(topicName).Subscriptions.Values.Select(s => s.Description).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>A subscription's message counts.</summary>
    public EntityRuntimeInfo GetSubscriptionRuntimeInfo(string topicName, string name)
    {
        SubscriptionEntity s;
        lock (_catalogLock)
        {
            s = FindSubscription(topicName, name);
        }
        return s.Receivable.GetRuntimeInfo(s.Description.CreatedAt, s.Description.UpdatedAt);
    }

    private SubscriptionEntity FindSubscription(string topicName, string name)
    {
        TopicEntity t = FindTopic(topicName);
        return t.Subscriptions.TryGetValue(name, out SubscriptionEntity? s)
            ? s
            : throw MessagingException.NotFound(EntityNames.SubscriptionPath(topicName, name));
    }

    // ---------------- rules ----------------

    /// <summary>Adds a rule; a bad filter or action is rejected here with its position.</summary>
    public RuleDescription AddRule(string topicName, string subscriptionName, RuleDescription rule, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, topicName);
        ArgumentNullException.ThrowIfNull(rule);
        EntityNames.Validate(rule.Name, EntityNameKind.Rule);
        Options.RuleCompiler.Validate(rule);
        lock (_catalogLock)
        {
            SubscriptionEntity s = FindSubscription(topicName, subscriptionName);
            if (s.Document.Rules.Any(r => string.Equals(r.Name, rule.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new MessagingException(MessagingErrorCode.EntityAlreadyExists, $"The rule '{rule.Name}' already exists.");
            }
            RuleDescription added = rule with { CreatedAt = Clock.GetUtcNow() };
            List<RuleDescription> rules = [.. s.Document.Rules, added];
            s.Rules = Options.RuleCompiler.Compile(rules);
            s.Document.Rules = rules;
            SaveCatalog(new EntityChange(EntityKind.Subscription, subscriptionName, EntityChangeKind.Updated, topicName));
            return added;
        }
    }

    /// <summary>Removes a rule.</summary>
    public void RemoveRule(string topicName, string subscriptionName, string ruleName, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, topicName);
        lock (_catalogLock)
        {
            SubscriptionEntity s = FindSubscription(topicName, subscriptionName);
            List<RuleDescription> rules = s.Document.Rules.Where(r => !string.Equals(r.Name, ruleName, StringComparison.OrdinalIgnoreCase)).ToList();
            if (rules.Count == s.Document.Rules.Count)
            {
                throw new MessagingException(MessagingErrorCode.EntityNotFound, $"The rule '{ruleName}' could not be found.");
            }
            s.Rules = Options.RuleCompiler.Compile(rules);
            s.Document.Rules = rules;
            SaveCatalog(new EntityChange(EntityKind.Subscription, subscriptionName, EntityChangeKind.Updated, topicName));
        }
    }

    /// <summary>A subscription's rules.</summary>
    public IReadOnlyList<RuleDescription> GetRules(string topicName, string subscriptionName)
    {
        lock (_catalogLock)
        {
            return [.. FindSubscription(topicName, subscriptionName).Document.Rules];
        }
    }

    private void DeleteIdleEntities()
    {
        DateTimeOffset now = Clock.GetUtcNow();
        List<QueueEntity> queues;
        List<string> topics;
        lock (_catalogLock)
        {
            queues = _queues.Values.Where(q => q.Description.AutoDeleteOnIdle != TimeSpan.MaxValue && now - q.Receivable.AccessedAt > q.Description.AutoDeleteOnIdle).ToList();
            topics = _topics.Values.Where(t => t.Description.AutoDeleteOnIdle != TimeSpan.MaxValue && now - t.AccessedAt > t.Description.AutoDeleteOnIdle)
                .Select(t => t.Description.Name).ToList();
        }
        foreach (QueueEntity q in queues)
        {
            // A receiver waiting on the queue, or holding a delivery of it, is using it however long ago it asked:
            // the idle time starts again once it lets go.
            if (q.Receivable.IsInUse())
            {
                q.Receivable.AccessedAt = now;
                continue;
            }
            DeleteQueue(q.Description.Name);
        }
        foreach (string t in topics)
        {
            DeleteTopic(t);
        }
    }
}
