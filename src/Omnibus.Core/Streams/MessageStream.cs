using Omnibus.Storage;

namespace Omnibus.Core.Streams;

/// <summary>
/// An open stream: its partitions (a log each; layout <c>p&lt;n&gt;/</c> in the stream's
/// directory) and the reads and appends on them. No state is kept per reader or per message;
/// offsets are the logs' own sequence numbers, with gaps where compaction removed records.
/// </summary>
public sealed partial class MessageStream : IDisposable
{
    private readonly string _directory;
    private readonly StreamOptions _options;
    private readonly object _growLock = new();
    private StreamPartition[] _partitions = [];
    private StreamDefinition _definition;

    internal MessageStream(StreamDefinition definition, string directory, StreamOptions options)
    {
        _definition = definition;
        _directory = directory;
        _options = options;
        try
        {
            OpenPartitions(definition.PartitionCount);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The stream's definition as last stored.</summary>
    public StreamDefinition Definition => Volatile.Read(ref _definition);

    /// <summary>The stream's name.</summary>
    public string Name => Definition.Name;

    /// <summary>The number of partitions open now.</summary>
    public int PartitionCount => Volatile.Read(ref _partitions).Length;

    internal string Directory => _directory;

    internal IReadOnlyList<StreamPartition> Partitions => Volatile.Read(ref _partitions);

    /// <summary>The earliest offset still stored in a partition (Kafka's log start offset).</summary>
    public long EarliestOffset(int partition) => StartOf(PartitionAt(partition));

    // Where a partition starts for readers: its log's first record, or later when records were deleted on request.
    private long StartOf(StreamPartition p) =>
        Definition.DeletedBefore is { } deleted && deleted.TryGetValue(p.Index, out long before) ? Math.Max(before, p.Log.FirstSequence) : p.Log.FirstSequence;

    /// <summary>The high watermark of a partition: the offset the next record gets.</summary>
    public long HighWatermark(int partition) => PartitionAt(partition).Log.NextSequence;

    /// <summary>
    /// A task that completes at the next append to the partition, for a front-end that waits on
    /// several partitions at once (Kafka's Fetch has one min-bytes and max-wait for all): take the
    /// tasks first, read every partition without waiting, and await any of them (with a timeout)
    /// only when the reads found too little.
    /// </summary>
    public Task NextAppend(int partition) => PartitionAt(partition).NextAppend;

    /// <summary>Bytes stored by a partition.</summary>
    public long SizeInBytes(int partition) => PartitionAt(partition).Log.SizeInBytes;

    /// <summary>
    /// Appends records to a partition atomically (after a crash all are there or none) and
    /// completes with the first one's offset once durable under the broker's policy; the rest
    /// follow densely. Waiting readers wake.
    /// </summary>
    public async Task<long> AppendAsync(int partition, IReadOnlyList<StreamRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "An append needs at least one record.");
        }
        StreamPartition p = PartitionAt(partition);
        _options.Space?.ThrowIfFull(Name);
        var bodies = new ReadOnlyMemory<byte>[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            if (Definition.Compacted && records[i].Key is null && records[i].Marker is null)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Stream '{Name}' is compacted: every record needs a key.");
            }
            bodies[i] = StreamRecordCodec.Encode(records[i]);
            if (bodies[i].Length > _options.MaxRecordBytes)
            {
                throw new MessagingException(MessagingErrorCode.MessageTooLarge, $"A record of {bodies[i].Length} bytes exceeds the stream's maximum of {_options.MaxRecordBytes}.");
            }
        }
        long first;
        StreamTransaction? transaction = records.Any(r => r.Transaction is not null || r.Marker is not null) ? records[0].Transaction ?? MixedTransactions() : null;
        long guessed = transaction is null ? -1 : BeginTransactional(p, records);
        _options.Space?.Added(bodies.Sum(b => (long)b.Length));
        try
        {
            first = await p.Log.AppendBatchAsync(bodies).ConfigureAwait(false);
            if (transaction is not null)
            {
                EndTransactional(p, records, guessed, first);
            }
        }
        catch (ObjectDisposedException ex)
        {
            throw new MessagingException(MessagingErrorCode.EntityNotFound, $"Stream '{Name}' was deleted or closed.", ex);
        }
        catch (IOException ex) when (_options.Space is { } space && Storage.StorageFullException.IsDiskFull(ex))
        {
            throw space.WriteFailed(Name, ex);
        }
        p.SignalAppend();
        return first;
    }

    /// <summary>
    /// Reads a partition from an offset within the request's budgets, long-polling as the request
    /// says. An offset below the earliest or above the high watermark is
    /// <see cref="MessagingErrorCode.OffsetOutOfRange"/>; cancelling ends the wait with
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<StreamReadResult> ReadAsync(StreamReadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxBytes < 1 || request.MaxCount < 1 || request.MaxWait < TimeSpan.Zero)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "MaxBytes and MaxCount must be positive and MaxWait not negative.");
        }
        StreamPartition p = PartitionAt(request.Partition);
        CheckInRange(p, request.Offset);
        TimeProvider clock = _options.TimeProvider;
        long started = clock.GetTimestamp();
        var entries = new List<StreamEntry>();
        long next = request.Offset;
        long bytes = 0;
        while (true)
        {
            Task appended = p.NextAppend;
            next = ReadAvailable(p, next, request, entries, ref bytes, out bool full);
            TimeSpan remaining = request.MaxWait - clock.GetElapsedTime(started);
            if (full || bytes >= request.MinBytes || remaining <= TimeSpan.Zero)
            {
                break;
            }
            // A committed read that stopped at an open transaction waits for the next append too (its marker).
            if (p.Log.NextSequence <= next || request.CommittedOnly)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Task timeout = Task.Delay(remaining, clock, wait.Token);
                await Task.WhenAny(appended, timeout).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        long highWatermark = p.Log.NextSequence;
        if (!request.CommittedOnly)
        {
            return new StreamReadResult(entries, next, StartOf(p), highWatermark);
        }
        lock (p.Transactions)
        {
            return new StreamReadResult(entries, next, StartOf(p), highWatermark) { LastStableOffset = p.Transactions.LastStableOffset(highWatermark) };
        }
    }

    // Adds what is there to the answer; full when a budget stopped it.
    private long ReadAvailable(StreamPartition p, long from, StreamReadRequest request, List<StreamEntry> entries, ref long bytes, out bool full)
    {
        full = entries.Count >= request.MaxCount;
        if (from >= p.Log.NextSequence)
        {
            return from;
        }
        long next = from;
        long stable = long.MaxValue;
        if (request.CommittedOnly)
        {
            lock (p.Transactions)
            {
                LoadTransactions(p);
                stable = p.Transactions.LastStableOffset(p.Log.NextSequence);
            }
        }
        try
        {
            using ILogReader reader = p.Log.OpenReader(from);
            while (entries.Count < request.MaxCount && reader.NextSequence < stable && reader.TryRead(out LogRecord record))
            {
                if (record.Body.Length == 0)
                {
                    next = record.Sequence + 1; // removed by compaction: a gap
                    continue;
                }
                if (record.Sequence >= stable)
                {
                    break;
                }
                if (entries.Count > 0 && bytes + record.Body.Length > request.MaxBytes)
                {
                    full = true;
                    break;
                }
                StreamRecord decoded = StreamRecordCodec.Decode(record.Body.Span);
                if (request.CommittedOnly && decoded is { Transaction: { } t, Marker: null } && IsAborted(p, t.ProducerId, record.Sequence))
                {
                    next = record.Sequence + 1; // an aborted transaction's record: a gap to committed readers
                    continue;
                }
                entries.Add(new StreamEntry(record.Sequence, record.TimestampMs, record.Body.Length, decoded));
                bytes += record.Body.Length;
                next = record.Sequence + 1;
            }
            full |= entries.Count >= request.MaxCount || bytes >= request.MaxBytes;
        }
        catch (ArgumentOutOfRangeException ex) when (entries.Count == 0)
        {
            throw new MessagingException(MessagingErrorCode.OffsetOutOfRange, $"Offset {from} of stream partition {p.Index} was deleted by retention; the earliest is {StartOf(p)}.", ex);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Retention overtook a read that already has records: answer with those.
        }
        return next;
    }

    /// <summary>
    /// The first record of a partition appended at or after <paramref name="appendTimeMs"/> (Unix
    /// ms; Kafka's ListOffsets by timestamp), skipping gaps; null when there is none.
    /// </summary>
    public StreamOffsetAtTime? FindOffsetAtTime(int partition, long appendTimeMs)
    {
        StreamPartition p = PartitionAt(partition);
        long sequence = p.Log.FindSequenceAtOrAfterTime(appendTimeMs);
        try
        {
            using ILogReader reader = p.Log.OpenReader(Math.Max(sequence, StartOf(p)));
            while (reader.TryRead(out LogRecord record))
            {
                if (record.Body.Length > 0 && record.TimestampMs >= appendTimeMs)
                {
                    return new StreamOffsetAtTime(record.Sequence, record.TimestampMs);
                }
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            return FindOffsetAtTime(partition, appendTimeMs); // retention moved the start meanwhile
        }
        return null;
    }

    /// <summary>Grows to <paramref name="count"/> partitions (the caller stored the new definition first).</summary>
    internal void Grow(StreamDefinition definition)
    {
        lock (_growLock)
        {
            OpenPartitions(definition.PartitionCount);
            Volatile.Write(ref _definition, definition);
        }
    }

    internal void Redefine(StreamDefinition definition) => Volatile.Write(ref _definition, definition);

    private void OpenPartitions(int count)
    {
        StreamPartition[] current = _partitions;
        if (count <= current.Length)
        {
            return;
        }
        var grown = new StreamPartition[count];
        current.CopyTo(grown, 0);
        for (int i = current.Length; i < count; i++)
        {
            IPartitionLog log = _options.Store.OpenLog(Path.Combine(_directory, $"p{i}"), new LogOptions
            {
                SegmentSize = Definition.SegmentBytes ?? _options.SegmentSize,
                Durability = _options.Durability,
                TimeProvider = _options.TimeProvider,
                MaxRecordSize = _options.MaxRecordBytes,
            });
            grown[i] = new StreamPartition(i, log);
            // Published one by one, so a failure half-way leaves the opened ones to Dispose.
            Volatile.Write(ref _partitions, grown[..(i + 1)]);
        }
    }

    private StreamPartition PartitionAt(int partition)
    {
        StreamPartition[] partitions = Volatile.Read(ref _partitions);
        if ((uint)partition >= (uint)partitions.Length)
        {
            throw new MessagingException(MessagingErrorCode.EntityNotFound, $"Stream '{Name}' has no partition {partition} (it has {partitions.Length}).");
        }
        return partitions[partition];
    }

    private void CheckInRange(StreamPartition p, long offset)
    {
        long first = StartOf(p), next = p.Log.NextSequence;
        if (offset < first || offset > next)
        {
            throw new MessagingException(MessagingErrorCode.OffsetOutOfRange, $"Offset {offset} is outside partition {p.Index}'s range [{first}, {next}].");
        }
    }

    /// <summary>Closes the partitions' logs; waiting readers wake and find nothing new.</summary>
    public void Dispose()
    {
        foreach (StreamPartition p in Volatile.Read(ref _partitions))
        {
            p.Dispose();
        }
    }
}
