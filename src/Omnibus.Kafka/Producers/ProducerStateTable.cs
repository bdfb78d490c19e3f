using System.Collections.Concurrent;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Producers;

/// <summary>
/// Idempotent producers: ids handed out by InitProducerId, and per (topic, partition, producer) the
/// epoch, the last sequence number accepted and the last five batches (Kafka's window), so that a
/// retried batch is answered with its first offset instead of being stored twice, and a gap is
/// refused (OUT_OF_ORDER_SEQUENCE_NUMBER). Kept in memory: after a restart a producer's first batch
/// on a partition is accepted whatever its sequence.
/// </summary>
internal sealed class ProducerStateTable(TimeProvider clock)
{
    private const int Window = 5;
    private readonly ConcurrentDictionary<(string Topic, int Partition, long ProducerId), PartitionProducer> _states = new();
    // Ids unique across restarts without storing anything: the start time in ms, shifted, then counted up.
    private long _nextId = clock.GetUtcNow().ToUnixTimeMilliseconds() << 12;

    public long NewProducerId() => Interlocked.Increment(ref _nextId);

    /// <summary>
    /// Decides a batch's fate before it is appended. <paramref name="append"/> is called (under the
    /// partition's lock, so appends keep sequence order) only when the batch is new.
    /// </summary>
    public Task<(ErrorCode Error, long BaseOffset)> Admit(string topic, int partition, long producerId, short epoch, int baseSequence, int count, Func<Task<long>> append)
    {
        PartitionProducer state = _states.GetOrAdd((topic, partition, producerId), _ => new PartitionProducer());
        lock (state)
        {
            if (state.Known && epoch < state.Epoch)
            {
                return Task.FromResult((ErrorCode.InvalidProducerEpoch, -1L));
            }
            int lastSequence = baseSequence + count - 1;
            if (state.Known && epoch == state.Epoch)
            {
                foreach (Batch b in state.Recent)
                {
                    if (b.First == baseSequence && b.Last == lastSequence)
                    {
                        return AnswerDuplicate(b.BaseOffset);
                    }
                }
                int expected = state.LastSequence == int.MaxValue ? 0 : state.LastSequence + 1;
                if (baseSequence != expected)
                {
                    return Task.FromResult((ErrorCode.OutOfOrderSequenceNumber, -1L));
                }
            }
            else if (state.Known && baseSequence != 0)
            {
                // A new epoch starts its sequences again from 0.
                return Task.FromResult((ErrorCode.OutOfOrderSequenceNumber, -1L));
            }
            Task<long> appended = append();
            int previous = state.LastSequence;
            state.Known = true;
            state.Epoch = epoch;
            state.LastSequence = lastSequence;
            state.Recent.Enqueue(new Batch(baseSequence, lastSequence, appended));
            while (state.Recent.Count > Window)
            {
                state.Recent.Dequeue();
            }
            return Completed(state, appended, previous, lastSequence);
        }
    }

    public void ForgetTopic(string topic)
    {
        foreach ((string Topic, int Partition, long ProducerId) key in _states.Keys)
        {
            if (key.Topic == topic)
            {
                _states.TryRemove(key, out _);
            }
        }
    }

    private static async Task<(ErrorCode, long)> AnswerDuplicate(Task<long> original)
    {
        try
        {
            return (ErrorCode.None, await original.ConfigureAwait(false));
        }
        catch (Exception)
        {
            return (ErrorCode.OutOfOrderSequenceNumber, -1L);
        }
    }

    private static async Task<(ErrorCode, long)> Completed(PartitionProducer state, Task<long> appended, int previous, int lastSequence)
    {
        try
        {
            return (ErrorCode.None, await appended.ConfigureAwait(false));
        }
        catch
        {
            // Not stored: the producer retries the same sequence.
            lock (state)
            {
                if (state.LastSequence == lastSequence)
                {
                    state.LastSequence = previous;
                    state.Known = previous >= 0 || state.Recent.Count > 1;
                }
                state.Recent.Clear();
            }
            throw;
        }
    }

    private sealed record Batch(int First, int Last, Task<long> BaseOffset);

    private sealed class PartitionProducer
    {
        public bool Known;
        public short Epoch;
        public int LastSequence = -1;
        public readonly Queue<Batch> Recent = new();
    }
}
