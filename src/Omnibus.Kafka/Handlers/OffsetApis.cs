using Omnibus.Core;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// OffsetCommit (v2–8) and OffsetFetch (v1–7) on the core's durable group offsets: one commit request is
/// one durable record, answered after it is durable. A commit is checked against the group's generation
/// and member; an offset never committed reads as −1. Offsets committed in a transaction (TxnOffsetCommit)
/// are not here until it commits; OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT meanwhile.
/// </summary>
internal static class OffsetApis
{
    private const int MaxMetadata = 4096;

    private sealed record CommitAsk(int Partition, long Offset, string? Metadata);

    public static async Task<bool> CommitAsync(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string groupId = r.String();
        int generation = r.Int32();
        string memberId = r.String();
        string? instanceId = v >= 7 ? r.NullableString() : null;
        if (v is >= 2 and <= 4)
        {
            r.Int64();
        }
        var topics = r.Array(r => (Name: r.String(), Partitions: r.Array(r =>
        {
            int partition = r.Int32();
            long offset = r.Int64();
            if (v >= 6)
            {
                r.Int32();
            }
            return new CommitAsk(partition, offset, r.NullableString());
        })));
        KafkaServices services = request.Services;
        ErrorCode groupError = string.IsNullOrEmpty(groupId) ? ErrorCode.InvalidGroupId : services.Groups.CheckCommit(groupId, generation, memberId, instanceId);
        var results = new List<(string Name, List<(int Partition, ErrorCode Error)> Partitions)>();
        var commits = new List<OffsetCommit>();
        foreach (var t in topics)
        {
            MessageStream? stream = services.FindStream(t.Name);
            var partitions = new List<(int, ErrorCode)>();
            foreach (CommitAsk p in t.Partitions)
            {
                ErrorCode error = groupError != ErrorCode.None ? groupError
                    : stream is null || p.Partition < 0 || p.Partition >= stream.PartitionCount ? ErrorCode.UnknownTopicOrPartition
                    : p.Metadata is { Length: > MaxMetadata } ? (ErrorCode)12 // OFFSET_METADATA_TOO_LARGE
                    : ErrorCode.None;
                if (error == ErrorCode.None)
                {
                    commits.Add(new OffsetCommit(t.Name, p.Partition, p.Offset, p.Metadata));
                }
                partitions.Add((p.Partition, error));
            }
            results.Add((t.Name, partitions));
        }
        if (commits.Count > 0)
        {
            try
            {
                await services.Streams.CommitOffsetsAsync(groupId, commits).ConfigureAwait(false);
            }
            catch (MessagingException e)
            {
                ErrorCode failed = e.Code == MessagingErrorCode.InvalidArgument ? ErrorCode.InvalidCommitOffsetSize : ErrorMapping.ToKafka(e.Code);
                results = [.. results.Select(t => (t.Name, t.Partitions.Select(p => (p.Partition, p.Error == ErrorCode.None ? failed : p.Error)).ToList()))];
            }
        }
        KafkaWriter w = request.Writer;
        if (v >= 3)
        {
            w.Int32(0);
        }
        w.Array(results, (w, t) => w.String(t.Name).Array(t.Partitions, (w, p) => w.Int32(p.Partition).Int16((short)p.Error)));
        w.Tags();
        return true;
    }

    public static bool Fetch(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string groupId = r.String();
        var asked = r.NullableArray(r => (Name: r.String(), Partitions: r.Int32Array()));
        bool requireStable = v >= 7 && r.Bool();
        StreamRegistry streams = request.Services.Streams;
        List<(string Name, List<(int Partition, CommittedOffset? Offset)> Partitions)> topics;
        if (asked is null)
        {
            topics = [.. streams.FetchOffsets(groupId).GroupBy(e => e.Key.Stream, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Select(e => (e.Key.Partition, (CommittedOffset?)e.Value)).OrderBy(p => p.Partition).ToList()))];
        }
        else
        {
            topics = [.. asked.Select(t => (t.Name, t.Partitions.Select(p => (p, streams.FetchOffset(groupId, t.Name, p))).ToList()))];
        }
        KafkaWriter w = request.Writer;
        if (v >= 3)
        {
            w.Int32(0);
        }
        w.Array(topics, (w, t) => w.String(t.Name).Array(t.Partitions, (w, p) =>
        {
            w.Int32(p.Partition).Int64(p.Offset?.Offset ?? -1);
            if (v >= 5)
            {
                w.Int32(-1);
            }
            // A read_committed consumer (require_stable) waits while a transaction holds an offset of the partition.
            bool unstable = requireStable && request.Services.Transactions.HasPendingOffset(groupId, t.Name, p.Partition);
            w.NullableString(p.Offset is null ? string.Empty : p.Offset.Metadata).Int16((short)(unstable ? ErrorCode.UnstableOffsetCommit : ErrorCode.None));
        }));
        if (v >= 2)
        {
            w.Int16(0);
        }
        w.Tags();
        return true;
    }
}
