using Omnibus.Storage;

namespace Omnibus.Core.Streams;

/// <summary>A transaction still open in a partition: its producer and the offset of its first record there.</summary>
public sealed record StreamOpenTransaction(long ProducerId, short ProducerEpoch, long FirstOffset);

/// <summary>
/// What one partition knows of transactions: the open ones (producer → first offset), which hold
/// the last stable offset back, and the offset ranges of aborted ones, which committed reads skip.
/// Nothing of it is stored apart from the log: it is rebuilt by one scan of the partition the first
/// time a transactional append or a committed read needs it (markers are in the log), and kept up
/// to date by appends after that. A partition that never had a transactional record is known by
/// the absence of its flag document and needs no scan. All members run under the instance's lock.
/// </summary>
internal sealed class StreamPartitionTransactions
{
    private readonly Dictionary<long, StreamOpenTransaction> _open = [];
    private readonly Dictionary<long, List<(long First, long Last)>> _aborted = [];
    private bool _loaded;

    /// <summary>Whether the partition's flag document (it may hold transactional records) is known to exist.</summary>
    public bool Flagged { get; set; }

    /// <summary>
    /// Builds the state from the log once; later calls return at once. <paramref name="flagged"/> says
    /// whether the partition was ever given a transactional record (else there is nothing to scan for).
    /// </summary>
    public void EnsureLoaded(IPartitionLog log, Func<bool> flagged)
    {
        if (_loaded)
        {
            return;
        }
        Flagged = flagged();
        if (!Flagged)
        {
            _loaded = true;
            return;
        }
        try
        {
            using ILogReader reader = log.OpenReader(log.FirstSequence);
            while (reader.TryRead(out LogRecord record))
            {
                if (record.Body.Length > 0 && StreamRecordCodec.IsTransactional(record.Body.Span))
                {
                    StreamRecord r = StreamRecordCodec.Decode(record.Body.Span);
                    if (r.Marker is { } outcome)
                    {
                        Close(r.Transaction!.ProducerId, outcome, record.Sequence);
                    }
                    else
                    {
                        Opened(r.Transaction!, record.Sequence);
                    }
                }
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // Retention moved the head during the scan: start again from the new head.
            _open.Clear();
            _aborted.Clear();
            EnsureLoaded(log, () => true);
            return;
        }
        _loaded = true;
    }

    /// <summary>A record of the producer's transaction at <paramref name="offset"/> (the first one opens it).</summary>
    public void Opened(StreamTransaction transaction, long offset)
    {
        if (!_open.TryGetValue(transaction.ProducerId, out StreamOpenTransaction? open) || offset < open.FirstOffset)
        {
            _open[transaction.ProducerId] = new StreamOpenTransaction(transaction.ProducerId, transaction.ProducerEpoch, offset);
        }
    }

    /// <summary>
    /// After an append that was registered with a conservative offset (the high watermark before it),
    /// moves the transaction's first offset up to where its first record really is.
    /// </summary>
    public void Settled(long producerId, long guessed, long actual)
    {
        if (_open.TryGetValue(producerId, out StreamOpenTransaction? open) && open.FirstOffset == guessed && actual > guessed)
        {
            _open[producerId] = open with { FirstOffset = actual };
        }
    }

    /// <summary>The producer's marker at <paramref name="markerOffset"/> ends its open transaction.</summary>
    public void Close(long producerId, StreamTransactionOutcome outcome, long markerOffset)
    {
        if (!_open.Remove(producerId, out StreamOpenTransaction? open))
        {
            return;
        }
        if (outcome == StreamTransactionOutcome.Aborted)
        {
            if (!_aborted.TryGetValue(producerId, out List<(long, long)>? ranges))
            {
                _aborted[producerId] = ranges = [];
            }
            ranges.Add((open.FirstOffset, markerOffset));
        }
    }

    public StreamOpenTransaction? Open(long producerId) => _open.GetValueOrDefault(producerId);

    public IReadOnlyList<StreamOpenTransaction> OpenTransactions => [.. _open.Values];

    /// <summary>The first offset not yet decided: the earliest open transaction's first record, else the high watermark.</summary>
    public long LastStableOffset(long highWatermark)
    {
        long stable = highWatermark;
        foreach (StreamOpenTransaction open in _open.Values)
        {
            stable = Math.Min(stable, open.FirstOffset);
        }
        return stable;
    }

    /// <summary>Whether the producer's record at <paramref name="offset"/> belongs to one of its aborted transactions.</summary>
    public bool IsAborted(long producerId, long offset)
    {
        if (!_aborted.TryGetValue(producerId, out List<(long First, long Last)>? ranges))
        {
            return false;
        }
        foreach ((long first, long last) in ranges)
        {
            if (offset >= first && offset <= last)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Forgets aborted ranges that retention has removed from the log.</summary>
    public void Forget(long logStart)
    {
        foreach ((long producer, List<(long First, long Last)> ranges) in _aborted)
        {
            ranges.RemoveAll(r => r.Last < logStart);
            if (ranges.Count == 0)
            {
                _aborted.Remove(producer);
            }
        }
    }
}
