using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Security;
using Omnibus.Core.Streams;

namespace Omnibus.Core.Engine;

/// <summary>
/// A topic's stream (docs/core.md, "A topic's stream"): one name is one topic to every protocol.
/// A topic can carry a stream, the partitioned log Kafka clients read by offset. What is sent to
/// the topic through any protocol is appended to its stream; what is appended to the stream (a
/// Kafka produce) reaches the topic's subscriptions and the bindings of its exchange. The stream
/// is made when a Kafka client creates or names the topic, and goes with the topic.
/// </summary>
public sealed partial class Broker
{
    private int _streamRoundRobin;

    /// <summary>Whether a topic of that name exists (with or without a stream).</summary>
    public bool TopicExists(string name) => IsTopic(name);

    /// <summary>
    /// Creates the stream of a topic, and the topic when there is none (a Kafka CreateTopics, or a
    /// Kafka client naming a topic another protocol made). A queue of that name refuses:
    /// <see cref="MessagingErrorCode.EntityAlreadyExists"/>.
    /// </summary>
    public MessageStream CreateTopicStream(StreamDefinition definition, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Authorize(caller, EntityRight.Manage, definition.Name);
        definition.Validate();
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_queues.ContainsKey(definition.Name))
            {
                throw new MessagingException(MessagingErrorCode.EntityAlreadyExists, $"A queue named '{definition.Name}' exists; a stream belongs to a topic of its name.");
            }
            bool made = !_topics.ContainsKey(definition.Name);
            if (made)
            {
                CreateTopic(new TopicDescription { Name = definition.Name });
            }
            try
            {
                return Streams.Create(definition);
            }
            catch when (made)
            {
                DeleteTopic(definition.Name);
                throw;
            }
        }
    }

    /// <summary>Deletes a topic's stream and the topic with it (a Kafka DeleteTopics).</summary>
    public async Task DeleteTopicStreamAsync(string name, CallerIdentity? caller = null)
    {
        Authorize(caller, EntityRight.Manage, name);
        bool topic;
        lock (_catalogLock)
        {
            topic = _topics.ContainsKey(name);
        }
        if (topic)
        {
            DeleteTopic(name, caller);
            return;
        }
        await Streams.DeleteAsync(name).ConfigureAwait(false);
    }

    /// <summary>
    /// Appends records to a partition of a topic's stream, then sends them to the topic's
    /// subscriptions and exchange bindings (as messages: <see cref="StreamMessageMapping.ToMessage"/>).
    /// Completes with the first record's offset once both are durable. The two steps are not one
    /// atomic write: when the second fails the records stay in the stream and the call fails.
    /// Records of a transaction (<see cref="StreamRecord.Transaction"/>) go to the stream only;
    /// the topic gets them when <see cref="EndTopicStreamTransactionAsync"/> commits.
    /// </summary>
    public async Task<long> AppendToTopicStreamAsync(string name, int partition, IReadOnlyList<StreamRecord> records, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        Authorize(caller, EntityRight.Send, name);
        long first = await Streams.Get(name).AppendAsync(partition, records).ConfigureAwait(false);
        if (records.Count > 0 && records[0].Transaction is not null)
        {
            return first; // reaches the topic when its transaction commits (EndTopicStreamTransactionAsync)
        }
        await SendStreamRecordsToTopicAsync(name, records).ConfigureAwait(false);
        return first;
    }

    // The records appended to a stream, sent to the topic's subscriptions and exchange bindings.
    private async Task SendStreamRecordsToTopicAsync(string name, IReadOnlyList<StreamRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }
        TopicEntity? topic;
        bool exchange;
        lock (_catalogLock)
        {
            _topics.TryGetValue(name, out topic);
            exchange = _router.Exchanges.ContainsKey(name);
        }
        // A topic nobody subscribes to and no exchange binds: its stream is all there is to write.
        if (topic is not null && (topic.Subscriptions.Count > 0 || exchange))
        {
            BrokerMessage[] messages = [.. records.Select(StreamMessageMapping.ToMessage)];
            await MapDiskFull(name, SendToTopicAsync(topic, messages, 0, enforceLimits: true, toStream: false)).ConfigureAwait(false);
            if (exchange)
            {
                await RouteThroughExchangeOfTopicAsync(name, messages).ConfigureAwait(false);
            }
        }
    }

    // The stream leaves the registry at once (its name is free again); its files go when no sweep holds them.
    private void DeleteStreamOfTopic(string name)
    {
        if (Volatile.Read(ref _streams) is { } streams && (streams.Find(name) is not null || streams.IsQuarantined(name)))
        {
            _ = streams.DeleteAsync(name).ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>After a topic stored messages: the same messages appended to its stream, when it has one.</summary>
    private async Task AppendToStreamOfTopicAsync(string topic, IReadOnlyList<BrokerMessage> messages)
    {
        if (Volatile.Read(ref _streams)?.Find(topic) is not { } stream)
        {
            return;
        }
        DateTimeOffset now = Clock.GetUtcNow();
        int count = stream.PartitionCount;
        bool compacted = stream.Definition.Compacted;
        var byPartition = new Dictionary<int, List<StreamRecord>>();
        foreach (BrokerMessage m in messages)
        {
            // A scheduled message is not in the stream (it would be readable before it is due), nor
            // is an unkeyed one in a compacted stream (compaction needs a key).
            if (m.ScheduledEnqueueTime > now)
            {
                continue;
            }
            StreamRecord record = StreamMessageMapping.ToRecord(m);
            if (compacted && record.Key is null)
            {
                continue;
            }
            int partition = record.Key is { } key ? KeyPartitioner.PartitionFor(key, count) : (int)((uint)Interlocked.Increment(ref _streamRoundRobin) % (uint)count);
            if (!byPartition.TryGetValue(partition, out List<StreamRecord>? list))
            {
                byPartition[partition] = list = [];
            }
            list.Add(record);
        }
        await Task.WhenAll(byPartition.Select(p => stream.AppendAsync(p.Key, p.Value))).ConfigureAwait(false);
    }
}
