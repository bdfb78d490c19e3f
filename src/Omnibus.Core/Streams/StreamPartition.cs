using Omnibus.Storage;

namespace Omnibus.Core.Streams;

/// <summary>
/// One partition of a stream: its log (offsets are the log's sequence numbers), the signal
/// long-polling readers wait on, and what compaction last did.
/// </summary>
internal sealed class StreamPartition : IDisposable
{
    private TaskCompletionSource _appended = NewSignal();

    public StreamPartition(int index, IPartitionLog log)
    {
        Index = index;
        Log = log;
    }

    public int Index { get; }

    public IPartitionLog Log { get; }

    /// <summary>Open and aborted transactions (lock it to use it).</summary>
    public StreamPartitionTransactions Transactions { get; } = new();

    /// <summary>The next offset of the newest sealed segment compaction has seen; compaction runs again once a newer one is sealed.</summary>
    public long CompactedThrough { get; set; } = -1;

    /// <summary>Append time of the oldest tombstone the last compaction kept, if any.</summary>
    public long? OldestKeptTombstoneMs { get; set; }

    /// <summary>Completes at the next append; take it before looking at <see cref="PartitionLog.NextSequence"/>, so no append is missed.</summary>
    public Task NextAppend => Volatile.Read(ref _appended).Task;

    /// <summary>Wakes every waiting reader (called after an append is visible).</summary>
    public void SignalAppend() => Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        Log.Dispose();
        SignalAppend();
    }
}
