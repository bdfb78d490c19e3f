using Omnibus.Core.Entities;
using Omnibus.Core.Routing;
using Omnibus.Storage.State;

namespace Omnibus.Core.Engine;

/// <summary>Length limits (RabbitMQ's <c>x-max-length</c>, <c>x-max-length-bytes</c>, <c>x-overflow</c>) over the ready messages outside sessions.</summary>
public sealed partial class Receivable
{
    private const string PushedOutDescription = "The queue was at its maximum length.";

    /// <summary>True when <paramref name="count"/> more ready messages of <paramref name="bytes"/> would go past a length limit.</summary>
    internal bool WouldOverflow(long count, long bytes)
    {
        ReceivableSettings s = Settings;
        if (!s.HasLengthLimit)
        {
            return false;
        }
        lock (_gate)
        {
            (long ready, long readyBytes) = ReadyLength();
            return ready + count > s.MaxLength || readyBytes + bytes > s.MaxLengthBytes;
        }
    }

    /// <summary>
    /// With drop-head overflow, pushes the messages a receive would take first out until the ready
    /// messages are within the limits again: dead-lettered (cause max-length) when the queue has a
    /// dead-letter target, else completed. Called after each store; a message whose dead-lettering
    /// fails goes back to ready (so a full disk does not lose it).
    /// </summary>
    internal async Task TrimToLengthAsync()
    {
        ReceivableSettings s = Settings;
        if (!s.HasLengthLimit || s.Overflow != QueueOverflow.DropHead)
        {
            return;
        }
        var pushedOut = new List<(ReceivablePartition, Entry)>();
        lock (_gate)
        {
            while (!_disposed)
            {
                (long ready, long bytes) = ReadyLength();
                if (!(ready > s.MaxLength || bytes > s.MaxLengthBytes))
                {
                    break;
                }
                ReceivablePartition fullest = _partitions.MaxBy(p => p.Available.Count)!;
                Entry e = fullest.Available.TakeFirst(fullest.Entries);
                e.State = EntryState.Leaving;
                pushedOut.Add((fullest, e));
            }
        }
        foreach ((ReceivablePartition p, Entry e) in pushedOut)
        {
            try
            {
                if (s.DeadLetterOverflow && DeadLetterSink is not null)
                {
                    await DeadLetterEntryAsync(p, e, DeadLetterCause.MaxLength, null, PushedOutDescription).ConfigureAwait(false);
                    continue;
                }
                lock (_gate)
                {
                    if (p.Entries.ContainsKey(e.Sequence))
                    {
                        RemoveEntry(p, e);
                    }
                }
                await p.Store.ApplyAsync(StateChange.Complete(e.Sequence)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MessagingException or IOException or ObjectDisposedException)
            {
                lock (_gate)
                {
                    if (!_disposed && p.Entries.ContainsKey(e.Sequence) && e.State == EntryState.Leaving)
                    {
                        MakeAvailable(p, e);
                    }
                }
            }
        }
    }

    /// <summary>Ready messages outside sessions, and their stored bytes. Under the lock.</summary>
    private (long Count, long Bytes) ReadyLength()
    {
        long count = 0, bytes = 0;
        foreach (ReceivablePartition p in _partitions)
        {
            count += p.Available.Count;
            bytes += p.Available.Bytes;
        }
        return (count, bytes);
    }
}
