using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Matching;
using Omnibus.Core.Routing;
using Omnibus.Core.Security;

namespace Omnibus.Core.Engine;

public sealed partial class Broker
{
    /// <summary>Service Bus's limit on auto-forwarding chains.</summary>
    public const int MaxForwardHops = 4;

    /// <summary>
    /// Sends messages to a queue or topic as one atomic batch: all are stored or none. Completes
    /// when they are durable, with their sequence numbers (-1 for a message dropped as a duplicate).
    /// A message with a future <see cref="BrokerMessage.ScheduledEnqueueTime"/> becomes visible then.
    /// </summary>
    public Task<long[]> SendAsync(string entityPath, IReadOnlyList<BrokerMessage> messages, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Send, entityPath);
        Space.ThrowIfFull(entityPath);
        ArgumentNullException.ThrowIfNull(entityPath);
        string name = entityPath.Trim('/');
        return MapDiskFull(entityPath, IsTopic(name) ? SendToTopicAndItsExchangeAsync(name, messages) : SendAsync(entityPath, messages, 0));
    }

    // A topic is also the exchange of its name (see Broker.Publish): what the topic took goes through that exchange's bindings.
    private async Task<long[]> SendToTopicAndItsExchangeAsync(string topic, IReadOnlyList<BrokerMessage> messages)
    {
        long[] stored = await SendAsync(topic, messages, 0).ConfigureAwait(false);
        List<BrokerMessage> fresh = [.. messages.Where((_, i) => stored[i] >= 0)];
        if (fresh.Count > 0)
        {
            await RouteThroughExchangeOfTopicAsync(topic, fresh).ConfigureAwait(false);
        }
        return stored;
    }

    /// <summary>A write that found the disk full becomes <see cref="MessagingErrorCode.StorageFull"/> (and the full state) instead of an I/O error.</summary>
    private async Task<T> MapDiskFull<T>(string entityPath, Task<T> send)
    {
        try
        {
            return await send.ConfigureAwait(false);
        }
        catch (IOException e) when (Storage.StorageFullException.IsDiskFull(e))
        {
            throw Space.WriteFailed(entityPath, e);
        }
    }

    /// <summary>An error from a send: a full disk as <see cref="MessagingErrorCode.StorageFull"/>, anything else as it is.</summary>
    private Exception DiskFullOr(string entityPath, Exception e) =>
        e is IOException && Storage.StorageFullException.IsDiskFull(e) ? Space.WriteFailed(entityPath, e) : e;

    /// <summary>Schedules messages for <paramref name="enqueueTime"/>; returns their sequence numbers (for cancelling).</summary>
    public Task<long[]> ScheduleAsync(string entityPath, IReadOnlyList<BrokerMessage> messages, DateTimeOffset enqueueTime, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Authorize(caller, EntityRight.Send, entityPath);
        Space.ThrowIfFull(entityPath);
        foreach (BrokerMessage m in messages)
        {
            m.ScheduledEnqueueTime = enqueueTime;
        }
        return MapDiskFull(entityPath, SendAsync(entityPath, messages, 0));
    }

    /// <summary>Cancels scheduled messages; <see cref="MessagingErrorCode.MessageNotFound"/> when none of them is still scheduled.</summary>
    public async Task CancelScheduledAsync(string entityPath, IReadOnlyList<long> sequenceNumbers, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(sequenceNumbers);
        Authorize(caller, EntityRight.Send, entityPath);
        List<Receivable> targets;
        lock (_catalogLock)
        {
            string key = entityPath.Trim('/');
            if (_queues.TryGetValue(key, out QueueEntity? q))
            {
                targets = [q.Receivable];
            }
            else if (_topics.TryGetValue(key, out TopicEntity? t))
            {
                targets = [.. t.Subscriptions.Values.Select(s => s.Receivable)];
            }
            else
            {
                throw MessagingException.NotFound(entityPath);
            }
        }
        int cancelled = 0;
        foreach (Receivable r in targets)
        {
            cancelled += await r.CancelScheduledAsync(sequenceNumbers).ConfigureAwait(false);
        }
        if (cancelled == 0 && targets.Count > 0 && sequenceNumbers.Count > 0)
        {
            throw new MessagingException(MessagingErrorCode.MessageNotFound, $"No scheduled message with sequence number(s) {string.Join(", ", sequenceNumbers)} in '{entityPath}'.");
        }
    }

    /// <summary>
    /// Sends through the forwarding chain. <paramref name="enforceLimits"/> false is for copies a
    /// committed transaction forwards: they were decided when the transaction committed, so status,
    /// quota and size checks no longer refuse them, and a target that is gone drops them.
    /// </summary>
    private async Task<long[]> SendAsync(string entityPath, IReadOnlyList<BrokerMessage> messages, int hop, bool enforceLimits = true)
    {
        ArgumentNullException.ThrowIfNull(entityPath);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return [];
        }
        if (hop > MaxForwardHops)
        {
            if (!enforceLimits)
            {
                return Enumerable.Repeat(-1L, messages.Count).ToArray();
            }
            throw new MessagingException(MessagingErrorCode.InvalidOperation, $"Auto-forwarding chain longer than {MaxForwardHops} hops at '{entityPath}'.");
        }
        (QueueEntity? queue, TopicEntity? topic) = FindSendTarget(entityPath);
        if (queue is not null)
        {
            return await SendToQueueAsync(queue, messages, hop, enforceLimits).ConfigureAwait(false);
        }
        if (topic is not null)
        {
            return await SendToTopicAsync(topic, messages, hop, enforceLimits).ConfigureAwait(false);
        }
        if (!enforceLimits)
        {
            return Enumerable.Repeat(-1L, messages.Count).ToArray();
        }
        throw Missing(entityPath);
    }

    private (QueueEntity? Queue, TopicEntity? Topic) FindSendTarget(string entityPath)
    {
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            string key = entityPath.Trim('/');
            _queues.TryGetValue(key, out QueueEntity? queue);
            _topics.TryGetValue(key, out TopicEntity? topic);
            return (queue, topic);
        }
    }

    private void Stamp(IReadOnlyList<BrokerMessage> messages, string path, EntityStatus status, long maxMessageKb, long maxSizeMb, long currentSize, TimeSpan defaultTtl, bool enforceLimits = true)
    {
        if (enforceLimits && status is EntityStatus.Disabled or EntityStatus.SendDisabled)
        {
            throw new MessagingException(MessagingErrorCode.EntityDisabled, $"The messaging entity '{path}' is disabled for sending.");
        }
        if (enforceLimits && currentSize >= maxSizeMb * 1024 * 1024)
        {
            throw new MessagingException(MessagingErrorCode.QuotaExceeded, $"The messaging entity '{path}' has reached its maximum size of {maxSizeMb} MB.");
        }
        DateTimeOffset now = Clock.GetUtcNow();
        foreach (BrokerMessage m in messages)
        {
            // Headers first: the size estimate walks their values, which must be known to nest no deeper than the limit.
            if (m.HasApplicationProperties)
            {
                HeaderValues.Validate(m.ApplicationProperties);
            }
            if (m.HasNativeFields)
            {
                HeaderValues.Validate(m.NativeFields);
            }
            if (enforceLimits && m.Size > maxMessageKb * 1024)
            {
                throw new MessagingException(MessagingErrorCode.MessageTooLarge, $"The message of {m.Size} bytes exceeds the maximum message size of {maxMessageKb * 1024} bytes of '{path}'.");
            }
            if (m.TimeToLive is not TimeSpan ttl || ttl > defaultTtl)
            {
                m.TimeToLive = defaultTtl == TimeSpan.MaxValue ? null : defaultTtl;
            }
            m.EnqueuedTime = now;
        }
    }

    private async Task<long[]> SendToQueueAsync(QueueEntity queue, IReadOnlyList<BrokerMessage> messages, int hop, bool enforceLimits)
    {
        QueueDescription d = queue.Description;
        if (d.ForwardTo is { } forward && !string.Equals(forward, d.Name, StringComparison.OrdinalIgnoreCase))
        {
            Stamp(messages, d.Name, d.Status, d.MaxMessageSizeInKilobytes, d.MaxSizeInMegabytes, 0, d.DefaultMessageTimeToLive, enforceLimits);
            long[] forwarded = await SendAsync(forward, messages, hop + 1, enforceLimits).ConfigureAwait(false);
            queue.Receivable.Counters.AddTransferred(messages.Count);
            queue.Receivable.AccessedAt = Clock.GetUtcNow();
            return forwarded;
        }
        Stamp(messages, d.Name, d.Status, d.MaxMessageSizeInKilobytes, d.MaxSizeInMegabytes, queue.Receivable.UnsettledBytes(), d.DefaultMessageTimeToLive, enforceLimits);
        if (enforceLimits)
        {
            await RefuseOverLengthAsync(queue, messages).ConfigureAwait(false);
        }
        queue.Receivable.AccessedAt = Clock.GetUtcNow();
        (IReadOnlyList<BrokerMessage> accepted, int[] positions) = FilterDuplicates(queue.Log, messages);
        var result = Enumerable.Repeat(-1L, messages.Count).ToArray();
        if (accepted.Count == 0)
        {
            return result;
        }
        long[] stored = await StoreInQueueAsync(queue, accepted, Guid.Empty).ConfigureAwait(false);
        for (int i = 0; i < accepted.Count; i++)
        {
            result[positions[i]] = stored[i];
        }
        return result;
    }

    /// <summary>
    /// Appends messages that passed every check and duplicate detection to a queue's log (one atomic
    /// batch, tagged with <paramref name="transaction"/> when not empty) and indexes them.
    /// </summary>
    private async Task<long[]> StoreInQueueAsync(QueueEntity queue, IReadOnlyList<BrokerMessage> accepted, Guid transaction)
    {
        int partition = queue.Log.PartitionFor(accepted[0], ref queue.RoundRobin);
        var records = accepted.Select(m => MessageCodec.Encode(m, null, transaction)).ToArray();
        long first = await AppendWithDedupAsync(queue.Log, partition, records, accepted).ConfigureAwait(false);
        var stored = new List<(long, BrokerMessage, int)>(accepted.Count);
        var sequences = new long[accepted.Count];
        for (int i = 0; i < accepted.Count; i++)
        {
            stored.Add((first + i, accepted[i], records[i].Length));
            sequences[i] = SequenceNumbers.Compose(partition, first + i);
            accepted[i].SequenceNumber = sequences[i];
        }
        queue.Receivable.OnStored(partition, stored);
        queue.Receivable.Counters.AddSent(accepted.Count);
        await queue.Receivable.TrimToLengthAsync().ConfigureAwait(false);
        return sequences;
    }

    private async Task<long[]> SendToTopicAsync(TopicEntity topic, IReadOnlyList<BrokerMessage> messages, int hop, bool enforceLimits, bool toStream = true)
    {
        TopicDescription d = topic.Description;
        if (toStream)
        {
            // The topic's messages go to its stream too: none while the stream is quarantined, so it misses none.
            Volatile.Read(ref _streams)?.ThrowIfQuarantined(d.Name);
        }
        Stamp(messages, d.Name, d.Status, d.MaxMessageSizeInKilobytes, d.MaxSizeInMegabytes, topic.Log.SizeInBytes, d.DefaultMessageTimeToLive, enforceLimits);
        topic.AccessedAt = Clock.GetUtcNow();
        (IReadOnlyList<BrokerMessage> accepted, int[] positions) = FilterDuplicates(topic.Log, messages);
        var result = Enumerable.Repeat(-1L, messages.Count).ToArray();
        if (accepted.Count == 0)
        {
            return result;
        }
        long[] stored = await StoreInTopicAsync(topic, accepted, hop, Guid.Empty, toStream).ConfigureAwait(false);
        for (int i = 0; i < accepted.Count; i++)
        {
            result[positions[i]] = stored[i];
        }
        return result;
    }

    /// <summary>
    /// Routes messages that passed every check and duplicate detection through the subscriptions'
    /// rules, appends them to the topic's log (one atomic batch) and indexes them per subscription.
    /// Inside a committed transaction (<paramref name="transaction"/> not empty) the records are
    /// tagged, and the copies for forwarding subscriptions and for filter failures are written
    /// first, without limits: once the tagged append is durable the whole send is done.
    /// </summary>
    private async Task<long[]> StoreInTopicAsync(TopicEntity topic, IReadOnlyList<BrokerMessage> accepted, int hop, Guid transaction, bool toStream = true)
    {
        bool committed = transaction != Guid.Empty;
        SubscriptionEntity[] subscriptions;
        lock (_catalogLock)
        {
            subscriptions = [.. topic.Subscriptions.Values];
        }
        // Route: evaluate every subscription's rules once, at send time, as Service Bus does.
        var records = new List<(BrokerMessage Message, List<int> Routes, int? Original)>();
        var forwards = new List<(string Target, BrokerMessage Message)>();
        var filterFailures = new List<(SubscriptionEntity, BrokerMessage, string)>();
        for (int i = 0; i < accepted.Count; i++)
        {
            BrokerMessage m = accepted[i];
            var routes = new List<int>();
            records.Add((m, routes, i));
            foreach (SubscriptionEntity s in subscriptions)
            {
                RulesOutcome r = s.Rules.Evaluate(m);
                if (r.Error is { } error && s.Description.DeadLetteringOnFilterEvaluationExceptions && !r.IsSelected)
                {
                    filterFailures.Add((s, m.Clone(), error));
                    continue;
                }
                if (s.Description.Status is EntityStatus.Disabled)
                {
                    continue;
                }
                if (r.DeliverOriginal)
                {
                    if (s.Description.ForwardTo is { } fwd)
                    {
                        forwards.Add((fwd, m.Clone()));
                    }
                    else
                    {
                        routes.Add(s.Description.RouteId);
                    }
                }
                foreach (BrokerMessage copied in r.Copies)
                {
                    if (s.Description.ForwardTo is { } fwd)
                    {
                        forwards.Add((fwd, copied));
                    }
                    else
                    {
                        records.Add((copied, [s.Description.RouteId], null));
                    }
                }
            }
        }
        int partition = topic.Log.PartitionFor(accepted[0], ref topic.RoundRobin);
        byte[][] encoded = records.Select(r => MessageCodec.Encode(r.Message, r.Routes, transaction)).ToArray();
        Task Forward() => Task.WhenAll(forwards.GroupBy(f => f.Target, StringComparer.OrdinalIgnoreCase)
            .Select(g => SendAsync(g.Key, g.Select(f => f.Message).ToList(), hop + 1, enforceLimits: !committed)));
        long first;
        if (committed)
        {
            await Forward().ConfigureAwait(false);
            await DeadLetterFilterFailuresAsync(filterFailures).ConfigureAwait(false);
            first = await AppendWithDedupAsync(topic.Log, partition, encoded, accepted).ConfigureAwait(false);
        }
        else
        {
            Task<long> append = AppendWithDedupAsync(topic.Log, partition, encoded, accepted);
            Task forwarding = Forward();
            first = await append.ConfigureAwait(false);
            await forwarding.ConfigureAwait(false);
        }
        var sequences = new long[accepted.Count];
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i].Original is int position)
            {
                sequences[position] = SequenceNumbers.Compose(partition, first + i);
                records[i].Message.SequenceNumber = sequences[position];
            }
        }
        foreach (SubscriptionEntity s in subscriptions)
        {
            var stored = new List<(long, BrokerMessage, int)>();
            long skipFrom = -1;
            for (int i = 0; i < records.Count; i++)
            {
                bool mine = records[i].Routes.Contains(s.Description.RouteId);
                if (mine)
                {
                    stored.Add((first + i, records[i].Message, encoded[i].Length));
                    if (skipFrom >= 0)
                    {
                        s.Receivable.OnSkipped(partition, skipFrom, first + i);
                        skipFrom = -1;
                    }
                }
                else if (skipFrom < 0)
                {
                    skipFrom = first + i;
                }
            }
            if (skipFrom >= 0)
            {
                s.Receivable.OnSkipped(partition, skipFrom, first + records.Count);
            }
            if (stored.Count > 0)
            {
                s.Receivable.OnStored(partition, stored);
                s.Receivable.Counters.AddSent(stored.Count);
            }
        }
        if (!committed)
        {
            await DeadLetterFilterFailuresAsync(filterFailures).ConfigureAwait(false);
        }
        if (toStream)
        {
            await AppendToStreamOfTopicAsync(topic.Description.Name, accepted).ConfigureAwait(false);
        }
        topic.Counters.AddSent(accepted.Count);
        topic.Counters.AddTransferred(forwards.Count);
        return sequences;
    }

    private async Task DeadLetterFilterFailuresAsync(List<(SubscriptionEntity, BrokerMessage, string)> failures)
    {
        foreach ((SubscriptionEntity s, BrokerMessage m, string error) in failures)
        {
            DeadLetterMarking.Mark(m, new DeadLetterReason(DeadLetterCause.FilterError, s.Receivable.Path, Description: error), Clock.GetUtcNow());
            await s.Receivable.DeadLetterSink!([m]).ConfigureAwait(false);
        }
    }

    /// <summary>Drops messages whose id was seen inside the window (they are acknowledged, not stored again).</summary>
    private static (IReadOnlyList<BrokerMessage>, int[]) FilterDuplicates(MessageLog log, IReadOnlyList<BrokerMessage> messages)
    {
        if (log.Dedup is null)
        {
            return (messages, Enumerable.Range(0, messages.Count).ToArray());
        }
        var accepted = new List<BrokerMessage>();
        var positions = new List<int>();
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].MessageId is not { } id || log.Dedup.TryClaim(id))
            {
                accepted.Add(messages[i]);
                positions.Add(i);
            }
        }
        return (accepted, positions.ToArray());
    }

    private async Task<long> AppendWithDedupAsync(MessageLog log, int partition, byte[][] records, IReadOnlyList<BrokerMessage> accepted)
    {
        Space.Added(records.Sum(r => (long)r.Length));
        List<string> ids = log.Dedup is null ? [] : accepted.Where(m => m.MessageId is not null).Select(m => m.MessageId!).ToList();
        try
        {
            Task<long> append = log.Partitions[partition].AppendBatchAsync(records.Select(r => (ReadOnlyMemory<byte>)r).ToArray());
            Task history = log.Dedup?.PersistAsync(ids) ?? Task.CompletedTask;
            await Task.WhenAll(append, history).ConfigureAwait(false);
            return await append.ConfigureAwait(false);
        }
        catch
        {
            foreach (string id in ids)
            {
                log.Dedup!.Release(id);
            }
            throw;
        }
    }

    /// <summary>Where an entity's dead letters go, when not to its own dead-letter queue.</summary>
    private readonly record struct DeadLetterRoute(string? ForwardTo, DeadLetterTarget? Exchange);

    private static DeadLetterRoute DeadLetterRouteOf(QueueDescription q) =>
        new(q.ForwardDeadLetteredMessagesTo, q.DeadLetterExchange is { } x ? DeadLetterTarget.ToExchange(x, q.DeadLetterRoutingKey) : null);

    private static DeadLetterRoute DeadLetterRouteOf(SubscriptionDescription s) =>
        new(s.ForwardDeadLetteredMessagesTo, s.DeadLetterExchange is { } x ? DeadLetterTarget.ToExchange(x, s.DeadLetterRoutingKey) : null);

    /// <summary>
    /// Appends dead letters to the dead-letter queue, or to the forward-dead-lettered-to entity, or
    /// publishes them to the dead-letter exchange (each with its reason in the dead-letter headers).
    /// </summary>
    private async Task DeadLetterSinkAsync(DeadLetterRoute route, MessageLog dlqLog, Receivable dlq, IReadOnlyList<BrokerMessage> messages)
    {
        if (route.Exchange is { } exchange)
        {
            foreach (BrokerMessage m in messages)
            {
                try
                {
                    await StoreDeadLettersAsync([m], exchange).ConfigureAwait(false);
                }
                catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
                {
                    // No such exchange: dropped, as RabbitMQ drops it.
                }
            }
            return;
        }
        if (route.ForwardTo is { } forwardTo)
        {
            await SendAsync(forwardTo, messages, 1).ConfigureAwait(false);
            return;
        }
        DateTimeOffset now = Clock.GetUtcNow();
        foreach (BrokerMessage m in messages)
        {
            m.EnqueuedTime = now;
        }
        byte[][] records = messages.Select(m => MessageCodec.Encode(m, null)).ToArray();
        Space.Added(records.Sum(r => (long)r.Length));
        long first = await dlqLog.Partitions[0].AppendBatchAsync(records.Select(r => (ReadOnlyMemory<byte>)r).ToArray()).ConfigureAwait(false);
        dlq.OnStored(0, messages.Select((m, i) => (first + i, m, records[i].Length)).ToList());
        dlq.Counters.AddSent(messages.Count);
    }
}
