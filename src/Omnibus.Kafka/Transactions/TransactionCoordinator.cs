using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Producers;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Transactions;

/// <summary>
/// The transaction coordinator (this broker coordinates every transactional id): transactional id →
/// producer id and epoch, the current transaction's partitions, groups and pending offsets, and its end:
/// markers in every partition through <see cref="Broker.EndTopicStreamTransactionAsync"/>, then, at a
/// commit, the offsets as the groups' committed offsets. Kept in memory (docs/kafka.md says what a
/// restart keeps); a transaction open longer than its time-out is aborted and its producer fenced.
/// </summary>
internal sealed partial class TransactionCoordinator : IDisposable
{
    /// <summary>Kafka's default <c>transaction.max.timeout.ms</c>.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(15);

    private readonly Broker _broker;
    private readonly ProducerStateTable _producers;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TransactionState> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TransactionState> _byProducer = new();
    private readonly ConcurrentDictionary<(string, int, long), bool> _orphansEnding = new();
    private readonly ITimer _tick;

    public TransactionCoordinator(Broker broker, ProducerStateTable producers, TimeProvider clock, ILogger logger)
    {
        _broker = broker;
        _producers = producers;
        _clock = clock;
        _logger = logger;
        _tick = clock.CreateTimer(_ => AbortExpired(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// InitProducerId with a transactional id: the id's producer id at the next epoch (a new producer id
    /// the first time, or when the epoch is spent), after aborting a transaction the previous epoch left open.
    /// </summary>
    public async Task<(ErrorCode Error, long ProducerId, short Epoch)> InitAsync(string transactionalId, int timeoutMs, long producerId, short epoch, bool fencedCode)
    {
        if (timeoutMs <= 0 || TimeSpan.FromMilliseconds(timeoutMs) > MaxTimeout)
        {
            return (ErrorCode.InvalidTransactionTimeout, -1, -1);
        }
        TransactionState s = _byId.GetOrAdd(transactionalId, id => new TransactionState(id));
        await s.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (s.ProducerId >= 0 && producerId >= 0 && (producerId != s.ProducerId || epoch != s.Epoch))
            {
                // A producer recovering with an id and epoch that a newer InitProducerId replaced.
                return (fencedCode ? ErrorCode.ProducerFenced : ErrorCode.InvalidProducerEpoch, -1, -1);
            }
            if (s.Phase == TransactionPhase.Ongoing)
            {
                await FinishAsync(s, commit: false).ConfigureAwait(false);
            }
            lock (s)
            {
                if (s.ProducerId < 0 || s.Epoch >= short.MaxValue - 1)
                {
                    _byProducer.TryRemove(s.ProducerId, out _);
                    s.ProducerId = _producers.NewProducerId();
                    s.Epoch = 0;
                }
                else
                {
                    s.Epoch++;
                }
                s.Timeout = TimeSpan.FromMilliseconds(timeoutMs);
                s.Phase = TransactionPhase.Empty;
                s.Clear();
                _byProducer[s.ProducerId] = s;
                return (ErrorCode.None, s.ProducerId, s.Epoch);
            }
        }
        finally
        {
            s.Gate.Release();
        }
    }

    /// <summary>AddPartitionsToTxn: every partition must exist, else none is added.</summary>
    public List<(string Topic, List<(int Partition, ErrorCode Error)> Partitions)> AddPartitions(string transactionalId, long producerId, short epoch, bool fencedCode, List<(string Topic, List<int> Partitions)> topics, Func<string, MessageStream?> findStream)
    {
        ErrorCode error = Begin(transactionalId, producerId, epoch, fencedCode, out TransactionState? s);
        var unknown = new HashSet<(string, int)>();
        if (error == ErrorCode.None)
        {
            foreach ((string topic, List<int> partitions) in topics)
            {
                MessageStream? stream = findStream(topic);
                foreach (int p in partitions.Where(p => stream is null || p < 0 || p >= stream.PartitionCount))
                {
                    unknown.Add((topic, p));
                }
            }
            if (unknown.Count == 0)
            {
                lock (s!)
                {
                    foreach ((string topic, List<int> partitions) in topics)
                    {
                        s.Partitions.UnionWith(partitions.Select(p => (topic, p)));
                    }
                }
            }
        }
        return [.. topics.Select(t => (t.Topic, t.Partitions.Select(p => (p,
            error != ErrorCode.None ? error
            : unknown.Contains((t.Topic, p)) ? ErrorCode.UnknownTopicOrPartition
            : unknown.Count > 0 ? ErrorCode.OperationNotAttempted
            : ErrorCode.None)).ToList()))];
    }

    /// <summary>AddOffsetsToTxn: the group's offsets may now be committed in the transaction.</summary>
    public ErrorCode AddGroup(string transactionalId, long producerId, short epoch, bool fencedCode, string groupId)
    {
        ErrorCode error = Begin(transactionalId, producerId, epoch, fencedCode, out TransactionState? s);
        if (error == ErrorCode.None)
        {
            lock (s!)
            {
                s.Groups.Add(groupId);
            }
        }
        return error;
    }

    /// <summary>TxnOffsetCommit: offsets kept with the transaction, the group's committed offsets only at its commit.</summary>
    public ErrorCode StageOffsets(string transactionalId, long producerId, short epoch, string groupId, IEnumerable<(string Topic, int Partition, long Offset, string? Metadata)> offsets)
    {
        TransactionState? s = _byId.GetValueOrDefault(transactionalId);
        if (s is null)
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        lock (s)
        {
            ErrorCode error = Check(s, producerId, epoch, fencedCode: false);
            if (error != ErrorCode.None)
            {
                return error;
            }
            if (s.Phase != TransactionPhase.Ongoing || !s.Groups.Contains(groupId))
            {
                return ErrorCode.InvalidTxnState;
            }
            if (!s.Offsets.TryGetValue(groupId, out var pending))
            {
                s.Offsets[groupId] = pending = [];
            }
            foreach ((string topic, int partition, long offset, string? metadata) in offsets)
            {
                pending[(topic, partition)] = (offset, metadata);
            }
            return ErrorCode.None;
        }
    }

    /// <summary>Whether a transaction holds an offset of that group's partition not yet committed (OffsetFetch's require_stable).</summary>
    public bool HasPendingOffset(string groupId, string topic, int partition)
    {
        foreach (TransactionState s in _byId.Values)
        {
            lock (s)
            {
                if (s.Offsets.TryGetValue(groupId, out var pending) && pending.ContainsKey((topic, partition)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// A transactional produce: allowed for the current epoch of a producer inside a transaction that
    /// added the partition; <paramref name="append"/> then starts, and EndTxn waits for it.
    /// </summary>
    public ErrorCode AdmitProduce(long producerId, short epoch, string topic, int partition, Func<Task> append)
    {
        if (!_byProducer.TryGetValue(producerId, out TransactionState? s))
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        lock (s)
        {
            if (s.ProducerId != producerId || epoch != s.Epoch)
            {
                return ErrorCode.InvalidProducerEpoch;
            }
            if (s.Phase != TransactionPhase.Ongoing || !s.Partitions.Contains((topic, partition)))
            {
                return ErrorCode.InvalidTxnState;
            }
            s.Appends.Add(append());
            return ErrorCode.None;
        }
    }

    /// <summary>EndTxn: commits or aborts the transaction; a repeated end with the same outcome succeeds again.</summary>
    public async Task<ErrorCode> EndAsync(string transactionalId, long producerId, short epoch, bool fencedCode, bool commit)
    {
        if (!_byId.TryGetValue(transactionalId, out TransactionState? s))
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        await s.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (s)
            {
                ErrorCode error = Check(s, producerId, epoch, fencedCode);
                if (error != ErrorCode.None)
                {
                    return error;
                }
                switch (s.Phase)
                {
                    case TransactionPhase.Empty:
                        return ErrorCode.None; // nothing was added: nothing to end
                    case TransactionPhase.Committed:
                        return commit ? ErrorCode.None : ErrorCode.InvalidTxnState;
                    case TransactionPhase.Aborted:
                        return commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
                }
            }
            await FinishAsync(s, commit).ConfigureAwait(false);
            return ErrorCode.None;
        }
        catch (MessagingException e)
        {
            return e.Code is MessagingErrorCode.StorageFull or MessagingErrorCode.QuotaExceeded ? ErrorCode.KafkaStorageError : ErrorCode.UnknownServerError;
        }
        finally
        {
            s.Gate.Release();
        }
    }

    public void Dispose() => _tick.Dispose();

    // A request of the id's current producer that starts (or continues) a transaction.
    private ErrorCode Begin(string transactionalId, long producerId, short epoch, bool fencedCode, out TransactionState? s)
    {
        if (!_byId.TryGetValue(transactionalId, out s))
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        lock (s)
        {
            ErrorCode error = Check(s, producerId, epoch, fencedCode);
            if (error != ErrorCode.None)
            {
                return error;
            }
            if (s.Phase == TransactionPhase.Ending)
            {
                return ErrorCode.ConcurrentTransactions; // clients retry
            }
            if (s.Phase != TransactionPhase.Ongoing)
            {
                s.Phase = TransactionPhase.Ongoing;
                s.StartedTimestamp = _clock.GetTimestamp();
            }
            return ErrorCode.None;
        }
    }

    private static ErrorCode Check(TransactionState s, long producerId, short epoch, bool fencedCode)
    {
        if (producerId != s.ProducerId)
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        if (epoch < s.Epoch)
        {
            return fencedCode ? ErrorCode.ProducerFenced : ErrorCode.InvalidProducerEpoch;
        }
        return epoch == s.Epoch ? ErrorCode.None : ErrorCode.InvalidProducerEpoch;
    }
}
