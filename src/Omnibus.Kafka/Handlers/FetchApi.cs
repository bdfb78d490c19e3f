using Omnibus.Core;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;
using Omnibus.Kafka.Records;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// Fetch (v4–17; from v13 topics are named by id, an unknown id is UNKNOWN_TOPIC_ID): reads every asked partition from its offset within the partition's and the request's
/// byte budgets (the first record whole, as Kafka requires), and long-polls up to <c>max_wait_ms</c> until
/// <c>min_bytes</c> are there. Records go out as uncompressed batches v2 (<see cref="FetchRecords"/>).
/// read_committed reads stop at the last stable offset and leave aborted transactions' records out
/// (the offsets become gaps); control batches still go out, so clients move past them. Fetch sessions
/// (KIP-227) are declined the way Kafka allows: every answer has session id 0, so clients send full fetches.
/// </summary>
internal static class FetchApi
{
    private sealed record PartitionRequest(int Partition, long Offset, int MaxBytes);

    private sealed record TopicRequest(string? Topic, KafkaUuid Id, List<PartitionRequest> Partitions);

    private sealed record PartitionAnswer(int Partition, ErrorCode Error, long HighWatermark, long LogStart, byte[] Records)
    {
        public long LastStable { get; init; } = HighWatermark;
    }

    public static async Task<bool> HandleAsync(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        if (v <= 14)
        {
            r.Int32(); // replica id: consumers only (from v15 a tagged field)
        }
        int maxWaitMs = r.Int32();
        int minBytes = r.Int32();
        int maxBytes = r.Int32();
        bool committed = r.Int8() == 1; // isolation level: 1 is read_committed
        int sessionId = v >= 7 ? r.Int32() : 0;
        int sessionEpoch = v >= 7 ? r.Int32() : -1;
        KafkaServices services = request.Services;
        List<TopicRequest> topics = r.Array(r =>
        {
            (string? name, KafkaUuid id) = v >= 13 ? Named(services, r.Uuid()) : (r.String(), KafkaUuid.Zero);
            return new TopicRequest(name, id, r.Array(r => ReadPartitionRequest(r, v)));
        });

        ErrorCode top = ErrorCode.None;
        if (sessionId != 0)
        {
            top = ErrorCode.FetchSessionIdNotFound; // no session was ever created
        }
        List<(TopicRequest Topic, List<PartitionAnswer> Partitions)> answers = top == ErrorCode.None
            ? await ReadAsync(request, topics, committed, TimeSpan.FromMilliseconds(Math.Max(0, maxWaitMs)), Math.Max(minBytes, 0), maxBytes <= 0 ? int.MaxValue : maxBytes).ConfigureAwait(false)
            : [];
        _ = sessionEpoch;

        KafkaWriter w = request.Writer;
        w.Int32(0);
        if (v >= 7)
        {
            w.Int16((short)top).Int32(0);
        }
        w.Array(answers, (w, t) =>
        {
            if (v >= 13)
            {
                w.Uuid(t.Topic.Id);
            }
            else
            {
                w.String(t.Topic.Topic!);
            }
            w.Array(t.Partitions, (w, p) =>
            {
                w.Int32(p.Partition).Int16((short)p.Error).Int64(p.HighWatermark).Int64(p.LastStable);
                if (v >= 5)
                {
                    w.Int64(p.LogStart);
                }
                // Aborted transactions: none listed, since a committed read leaves their records out here.
                w.ArrayLength(0);
                if (v >= 11)
                {
                    w.Int32(-1);
                }
                w.Bytes(p.Records); // empty, never null: librdkafka fails on null records
            });
        });
        w.Tags();
        return true;
    }

    private static PartitionRequest ReadPartitionRequest(KafkaReader r, short v)
    {
        int partition = r.Int32();
        if (v >= 9)
        {
            r.Int32(); // current leader epoch
        }
        long offset = r.Int64();
        if (v >= 12)
        {
            r.Int32(); // last fetched epoch
        }
        if (v >= 5)
        {
            r.Int64(); // log start offset (followers only)
        }
        return new PartitionRequest(partition, offset, r.Int32());
    }

    private static (string?, KafkaUuid) Named(KafkaServices services, KafkaUuid id) => (TopicNames.ByTopicId(services, id), id);

    private static async Task<List<(TopicRequest, List<PartitionAnswer>)>> ReadAsync(KafkaRequest request, List<TopicRequest> topics, bool committed, TimeSpan maxWait, int minBytes, int maxBytes)
    {
        TimeProvider clock = request.Services.Clock;
        long started = clock.GetTimestamp();
        var streams = topics.Select(t => t.Topic is null ? null : request.Services.FindStream(t.Topic)).ToList();
        while (true)
        {
            var appended = new List<Task>();
            var answers = new List<(TopicRequest, List<PartitionAnswer>)>();
            long total = 0;
            for (int i = 0; i < topics.Count; i++)
            {
                var partitions = new List<PartitionAnswer>();
                bool quarantined = streams[i] is null && topics[i].Topic is { } name && request.Services.Streams.IsQuarantined(name);
                foreach (PartitionRequest p in topics[i].Partitions)
                {
                    // A quarantined topic's data is damaged until an operator recovers it: as Kafka answers for an offline log directory.
                    PartitionAnswer answer = quarantined
                        ? new PartitionAnswer(p.Partition, ErrorCode.KafkaStorageError, -1, -1, [])
                        : ReadPartition(request, streams[i], p, committed, maxBytes - total, appended);
                    total += answer.Records.Length;
                    partitions.Add(answer);
                }
                answers.Add((topics[i], partitions));
            }
            TimeSpan remaining = maxWait - clock.GetElapsedTime(started);
            bool anyError = answers.Any(a => a.Item2.Any(p => p.Error != ErrorCode.None));
            if (total >= minBytes || anyError || remaining <= TimeSpan.Zero || appended.Count == 0)
            {
                return answers;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(request.Closed);
            appended.Add(Task.Delay(remaining, clock, wait.Token));
            await Task.WhenAny(appended).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            request.Closed.ThrowIfCancellationRequested();
        }
    }

    private static PartitionAnswer ReadPartition(KafkaRequest request, MessageStream? stream, PartitionRequest p, bool committed, long budget, List<Task> appended)
    {
        if (stream is null || p.Partition < 0 || p.Partition >= stream.PartitionCount)
        {
            return new PartitionAnswer(p.Partition, stream is null && request.Version >= 13 ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition, -1, -1, []);
        }
        // Taken before reading, so an append between the read and the wait still wakes the wait.
        appended.Add(stream.NextAppend(p.Partition));
        try
        {
            int limit = (int)Math.Clamp(Math.Min(budget, p.MaxBytes), 1, int.MaxValue);
            if (budget <= 0 && p.Offset < stream.HighWatermark(p.Partition))
            {
                long highWatermark = stream.HighWatermark(p.Partition);
                return new PartitionAnswer(p.Partition, ErrorCode.None, highWatermark, stream.EarliestOffset(p.Partition), [])
                {
                    LastStable = committed ? stream.LastStableOffset(p.Partition) : highWatermark,
                };
            }
            StreamReadResult read = stream.ReadAsync(new StreamReadRequest { Partition = p.Partition, Offset = p.Offset, MaxBytes = limit, CommittedOnly = committed }).GetAwaiter().GetResult();
            if (committed && read.LastStableOffset < read.HighWatermark)
            {
                request.Services.Transactions.AbortOrphans(stream.Name, p.Partition, stream.OpenTransactions(p.Partition));
            }
            return new PartitionAnswer(p.Partition, ErrorCode.None, read.HighWatermark, read.EarliestOffset, FetchRecords.Encode(read.Entries, TopicConfigs.IsLogAppendTime(stream.Definition))) { LastStable = read.LastStableOffset };
        }
        catch (MessagingException e)
        {
            return new PartitionAnswer(p.Partition, ErrorMapping.ToKafka(e.Code), stream.HighWatermark(p.Partition), stream.EarliestOffset(p.Partition), []);
        }
    }
}
