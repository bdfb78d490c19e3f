using Omnibus.Core;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;
using Omnibus.Kafka.Records;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// Produce (v3–9): each partition's one record batch v2 is checked (size against the topic's
/// <c>max.message.bytes</c>, CRC-32C, magic, counts, no control batches), decompressed, and its records appended to the stream partition as one atomic append; the
/// answer carries the first offset once the append is durable under the broker's policy (with the
/// default <c>always</c>, after fsync: acks=1 and acks=all alike). acks=0 gets no answer. Batches of
/// idempotent producers go through <see cref="Producers.ProducerStateTable"/>; transactional batches
/// (attributes bit 4) are admitted by the <see cref="Transactions.TransactionCoordinator"/> and stored as
/// records of the producer's transaction (<see cref="StreamRecord.Transaction"/>).
/// </summary>
internal static class ProduceApi
{
    private sealed record PartitionData(int Index, ReadOnlyMemory<byte>? Records);

    private sealed record TopicData(string Name, List<PartitionData> Partitions);

    private sealed record PartitionResult(int Index, ErrorCode Error, long BaseOffset, long LogStart, string? Message = null)
    {
        /// <summary>The broker's append time of the batch, for LogAppendTime topics; else −1.</summary>
        public long AppendTime { get; init; } = -1;
    }

    public static async Task<bool> HandleAsync(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string? transactionalId = r.NullableString();
        short acks = r.Int16();
        r.Int32(); // timeout: appends are not abandoned
        List<TopicData> topics = r.Array(r => new TopicData(r.String(), r.Array(r => new PartitionData(r.Int32(), r.NullableBytes()))));

        // Every append starts now, in request order; the answers are awaited after.
        var pending = new List<(string Topic, MessageStream? Stream, List<Task<PartitionResult>> Partitions)>();
        foreach (TopicData topic in topics)
        {
            MessageStream? stream = request.Services.FindStream(topic.Name);
            pending.Add((topic.Name, stream, [.. topic.Partitions.Select(p => Append(request, stream, topic.Name, p, transactionalId))]));
        }
        var results = new List<(string Topic, PartitionResult[] Partitions)>();
        foreach ((string name, MessageStream? stream, List<Task<PartitionResult>> partitions) in pending)
        {
            PartitionResult[] done = await Task.WhenAll(partitions).ConfigureAwait(false);
            if (stream is not null && TopicConfigs.IsLogAppendTime(stream.Definition))
            {
                for (int i = 0; i < done.Length; i++)
                {
                    done[i] = done[i].Error == ErrorCode.None ? done[i] with { AppendTime = await AppendTimeAsync(stream, done[i]).ConfigureAwait(false) } : done[i];
                }
            }
            results.Add((name, done));
        }
        if (acks == 0)
        {
            return false;
        }
        KafkaWriter w = request.Writer;
        w.Array(results, (w, t) =>
        {
            w.String(t.Topic);
            w.Array(t.Partitions, (w, p) =>
            {
                w.Int32(p.Index).Int16((short)p.Error).Int64(p.BaseOffset);
                w.Int64(p.AppendTime);
                if (v >= 5)
                {
                    w.Int64(p.LogStart);
                }
                if (v >= 8)
                {
                    w.ArrayLength(0).NullableString(p.Message);
                }
            });
        });
        w.Int32(0).Tags();
        return true;
    }

    private static Task<PartitionResult> Append(KafkaRequest request, MessageStream? stream, string topic, PartitionData data, string? transactionalId)
    {
        if (stream is null && request.Services.Streams.IsQuarantined(topic))
        {
            return Done(data.Index, ErrorCode.KafkaStorageError, $"Topic '{topic}' is quarantined: its stored data is damaged until an operator recovers it.");
        }
        if (stream is null || data.Index < 0 || data.Index >= stream.PartitionCount)
        {
            return Done(data.Index, ErrorCode.UnknownTopicOrPartition);
        }
        int maxMessageBytes = TopicConfigs.MaxMessageBytesOf(stream.Definition);
        if (data.Records is { Length: int size } && size > maxMessageBytes)
        {
            return Done(data.Index, ErrorCode.MessageTooLarge, $"The batch is {size} bytes; topic '{topic}' takes at most {maxMessageBytes} (max.message.bytes).");
        }
        RecordBatch batch;
        try
        {
            List<RecordBatch> batches = RecordBatch.ReadAll(data.Records ?? ReadOnlyMemory<byte>.Empty, request.Services.Options.MaxBatchBytes);
            if (batches.Count != 1)
            {
                return Done(data.Index, ErrorCode.InvalidRecord, "A produce request carries exactly one record batch per partition.");
            }
            batch = batches[0];
        }
        catch (UnsupportedCompressionException e)
        {
            return Done(data.Index, ErrorCode.UnsupportedCompressionType, e.Message);
        }
        catch (NotSupportedException e)
        {
            return Done(data.Index, ErrorCode.CorruptMessage, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Done(data.Index, ErrorCode.CorruptMessage, e.Message);
        }
        if (batch.IsControl)
        {
            return Done(data.Index, ErrorCode.InvalidRecord, "Control batches are written by the broker only.");
        }
        if (batch.IsTransactional != (transactionalId is not null) || (batch.IsTransactional && batch.ProducerId < 0))
        {
            return Done(data.Index, ErrorCode.InvalidRecord, "A transactional batch comes with its producer's transactional id and producer id, and only then.");
        }
        if (batch.Records.Count == 0 || batch.LastOffsetDelta != batch.Records.Count - 1)
        {
            return Done(data.Index, ErrorCode.InvalidRecord, "The batch's last offset delta does not match its record count.");
        }
        StreamTransaction? transaction = batch.IsTransactional ? new StreamTransaction(batch.ProducerId, batch.ProducerEpoch) : null;
        StreamRecord[] records = [.. batch.Records.Select(r => ToStream(r) with { Transaction = transaction })];
        int partition = data.Index;
        Func<Task<PartitionResult>> append = batch.ProducerId >= 0 && batch.BaseSequence >= 0
            ? () => Idempotent(request, stream, topic, partition, batch, records)
            : () => Store(stream, partition, () => request.Services.Broker.AppendToTopicStreamAsync(topic, partition, records));
        if (transaction is null)
        {
            return append();
        }
        // Inside the producer's transaction only, on a partition it added; EndTxn waits for the append.
        Task<PartitionResult>? appended = null;
        ErrorCode admitted = request.Services.Transactions.AdmitProduce(batch.ProducerId, batch.ProducerEpoch, topic, partition, () => appended = append());
        return admitted == ErrorCode.None ? appended! : Done(partition, admitted);
    }

    private static async Task<PartitionResult> Idempotent(KafkaRequest request, MessageStream stream, string topic, int partition, RecordBatch batch, StreamRecord[] records)
    {
        try
        {
            (ErrorCode error, long offset) = await request.Services.Producers.Admit(topic, partition, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, records.Length, () => request.Services.Broker.AppendToTopicStreamAsync(topic, partition, records)).ConfigureAwait(false);
            return new PartitionResult(partition, error, offset, stream.EarliestOffset(partition));
        }
        catch (MessagingException e)
        {
            return new PartitionResult(partition, ErrorMapping.ToKafka(e.Code), -1, -1, e.Message);
        }
    }

    private static async Task<PartitionResult> Store(MessageStream stream, int partition, Func<Task<long>> append)
    {
        try
        {
            long offset = await append().ConfigureAwait(false);
            return new PartitionResult(partition, ErrorCode.None, offset, stream.EarliestOffset(partition));
        }
        catch (MessagingException e)
        {
            return new PartitionResult(partition, ErrorMapping.ToKafka(e.Code), -1, -1, e.Message);
        }
    }

    // The stored batch's append time: the broker's timestamp of every record of a LogAppendTime topic.
    private static async Task<long> AppendTimeAsync(MessageStream stream, PartitionResult result)
    {
        try
        {
            StreamReadResult read = await stream.ReadAsync(new StreamReadRequest { Partition = result.Index, Offset = result.BaseOffset, MaxCount = 1, MaxBytes = int.MaxValue }).ConfigureAwait(false);
            return read.Entries.Count > 0 ? read.Entries[0].AppendTimeMs : -1;
        }
        catch (MessagingException)
        {
            return -1;
        }
    }

    private static StreamRecord ToStream(KafkaRecord record) => new()
    {
        Key = record.Key,
        Value = record.Value,
        Timestamp = record.Timestamp,
        Headers = [.. record.Headers.Select(h => new StreamHeader(h.Key, h.Value))],
    };

    private static Task<PartitionResult> Done(int index, ErrorCode error, string? message = null) =>
        Task.FromResult(new PartitionResult(index, error, -1, -1, message));
}
