using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;

namespace Omnibus.Kafka.Transactions;

/// <summary>How transactions end: EndTxn, a newer epoch, a time-out, or a producer the broker no longer knows.</summary>
internal sealed partial class TransactionCoordinator
{
    /// <summary>
    /// Writes the markers of the transaction (the caller holds <see cref="TransactionState.Gate"/>) once
    /// its appends are done; a commit also stores its offsets as the groups' committed offsets, all in
    /// one core transaction (<see cref="Broker.CommitTransactionAsync"/>).
    /// A failure leaves the transaction ongoing, so that the client may end it again.
    /// </summary>
    private async Task FinishAsync(TransactionState s, bool commit)
    {
        Task[] appends;
        (string Topic, int Partition)[] partitions;
        List<(string Group, List<OffsetCommit> Commits)> offsets;
        StreamTransaction transaction;
        lock (s)
        {
            s.Phase = TransactionPhase.Ending;
            appends = [.. s.Appends];
            partitions = [.. s.Partitions];
            offsets = [.. s.Offsets.Select(g => (g.Key, g.Value.Select(o => new OffsetCommit(o.Key.Topic, o.Key.Partition, o.Value.Offset, o.Value.Metadata)).ToList()))];
            transaction = new StreamTransaction(s.ProducerId, s.Epoch);
        }
        try
        {
            try
            {
                await Task.WhenAll(appends).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed append stored nothing (or its records are ended by the markers below).
            }
            if (commit)
            {
                await CommitAsync(partitions, offsets, transaction).ConfigureAwait(false);
            }
            else
            {
                await Task.WhenAll(partitions.Select(p => WriteMarkerAsync(p.Topic, p.Partition, transaction, commit: false))).ConfigureAwait(false);
            }
        }
        catch
        {
            lock (s)
            {
                s.Phase = TransactionPhase.Ongoing;
            }
            throw;
        }
        lock (s)
        {
            s.Phase = commit ? TransactionPhase.Committed : TransactionPhase.Aborted;
            s.Clear();
        }
    }

    // One core transaction: its intent record is the durable decision, so a crash part-way is completed
    // at the next open (every marker and offset, or, before the commit point, none).
    private Task CommitAsync((string Topic, int Partition)[] partitions, List<(string Group, List<OffsetCommit> Commits)> offsets, StreamTransaction transaction)
    {
        var operations = new List<TransactionOperation>();
        foreach ((string topic, int partition) in partitions)
        {
            if (_broker.Streams.Find(topic) is { } stream && partition < stream.PartitionCount)
            {
                operations.Add(new TransactionStreamCommit(topic, partition, transaction)); // a deleted topic has nothing left to mark
            }
        }
        operations.AddRange(offsets.Select(o => new TransactionOffsetCommit(o.Group, o.Commits)));
        return _broker.CommitTransactionAsync(operations);
    }

    private async Task WriteMarkerAsync(string topic, int partition, StreamTransaction transaction, bool commit)
    {
        try
        {
            await _broker.EndTopicStreamTransactionAsync(topic, partition, transaction, commit).ConfigureAwait(false);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            // The topic was deleted during the transaction: nothing is left to mark.
        }
    }

    // Transactions open longer than their time-out are aborted and their producer fenced (a new epoch), as Kafka does.
    private void AbortExpired()
    {
        foreach (TransactionState s in _byId.Values)
        {
            bool expired;
            lock (s)
            {
                expired = s.Phase == TransactionPhase.Ongoing && _clock.GetElapsedTime(s.StartedTimestamp) > s.Timeout;
            }
            if (expired)
            {
                _ = AbortExpiredAsync(s);
            }
        }
    }

    private async Task AbortExpiredAsync(TransactionState s)
    {
        if (!await s.Gate.WaitAsync(0).ConfigureAwait(false))
        {
            return; // being ended or re-initialized now
        }
        try
        {
            bool expired;
            lock (s)
            {
                expired = s.Phase == TransactionPhase.Ongoing && _clock.GetElapsedTime(s.StartedTimestamp) > s.Timeout;
            }
            if (!expired)
            {
                return;
            }
            await FinishAsync(s, commit: false).ConfigureAwait(false);
            lock (s)
            {
                s.Epoch++;
            }
            Log.TransactionTimedOut(_logger, s.TransactionalId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.TransactionAbortFailed(_logger, e, s.TransactionalId);
        }
        finally
        {
            s.Gate.Release();
        }
    }

    /// <summary>
    /// Aborts the transactions open in a partition whose producer this coordinator does not know: they
    /// were left by a broker that stopped before ending them (producer ids are never reused), and would
    /// otherwise hold the last stable offset back for ever.
    /// </summary>
    public void AbortOrphans(string topic, int partition, IReadOnlyList<StreamOpenTransaction> open)
    {
        foreach (StreamOpenTransaction t in open)
        {
            if (_byProducer.ContainsKey(t.ProducerId) || !_orphansEnding.TryAdd((topic, partition, t.ProducerId), true))
            {
                continue;
            }
            _ = AbortOrphanAsync(topic, partition, t);
        }
    }

    private async Task AbortOrphanAsync(string topic, int partition, StreamOpenTransaction t)
    {
        try
        {
            await WriteMarkerAsync(topic, partition, new StreamTransaction(t.ProducerId, t.ProducerEpoch), commit: false).ConfigureAwait(false);
            Log.OrphanAborted(_logger, topic, partition, t.ProducerId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.TransactionAbortFailed(_logger, e, $"{topic}/{partition} producer {t.ProducerId}");
        }
        finally
        {
            _orphansEnding.TryRemove((topic, partition, t.ProducerId), out _);
        }
    }
}
