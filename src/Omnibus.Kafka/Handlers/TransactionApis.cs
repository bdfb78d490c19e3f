using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// AddPartitionsToTxn (v0–3), AddOffsetsToTxn (v0–3), TxnOffsetCommit (v0–3) and EndTxn (v0–3) over the
/// <see cref="Transactions.TransactionCoordinator"/>. An older epoch is PRODUCER_FENCED from the versions
/// that know that code (AddPartitionsToTxn, AddOffsetsToTxn and EndTxn v2+), else INVALID_PRODUCER_EPOCH.
/// </summary>
internal static class TransactionApis
{
    private const int MaxMetadata = 4096;

    public static bool AddPartitions(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        string transactionalId = r.String();
        long producerId = r.Int64();
        short epoch = r.Int16();
        List<(string Topic, List<int> Partitions)> topics = r.Array(r => (r.String(), r.Int32Array()));
        KafkaServices services = request.Services;
        var results = services.Transactions.AddPartitions(transactionalId, producerId, epoch, request.Version >= 2, topics, services.FindStream);
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Array(results, (w, t) => w.String(t.Topic).Array(t.Partitions, (w, p) => w.Int32(p.Partition).Int16((short)p.Error)));
        w.Tags();
        return true;
    }

    public static bool AddOffsets(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        string transactionalId = r.String();
        long producerId = r.Int64();
        short epoch = r.Int16();
        string groupId = r.String();
        ErrorCode error = string.IsNullOrEmpty(groupId) ? ErrorCode.InvalidGroupId
            : request.Services.Transactions.AddGroup(transactionalId, producerId, epoch, request.Version >= 2, groupId);
        request.Writer.Int32(0).Int16((short)error).Tags();
        return true;
    }

    public static bool CommitOffsets(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string transactionalId = r.String();
        string groupId = r.String();
        long producerId = r.Int64();
        short epoch = r.Int16();
        int generation = -1;
        string memberId = string.Empty;
        string? instanceId = null;
        if (v >= 3)
        {
            generation = r.Int32();
            memberId = r.String();
            instanceId = r.NullableString();
        }
        var topics = r.Array(r => (Name: r.String(), Partitions: r.Array(r =>
        {
            int partition = r.Int32();
            long offset = r.Int64();
            if (v >= 2)
            {
                r.Int32(); // committed leader epoch
            }
            return (Partition: partition, Offset: offset, Metadata: r.NullableString());
        })));
        KafkaServices services = request.Services;
        // A v3 commit names the member's generation (KIP-447): checked as a plain commit would be.
        ErrorCode error = v >= 3 && generation >= 0 ? services.Groups.CheckCommit(groupId, generation, memberId, instanceId) : ErrorCode.None;
        var results = new List<(string Name, List<(int Partition, ErrorCode Error)> Partitions)>();
        var staged = new List<(string, int, long, string?)>();
        foreach (var t in topics)
        {
            var stream = services.FindStream(t.Name);
            var partitions = new List<(int, ErrorCode)>();
            foreach (var p in t.Partitions)
            {
                ErrorCode e = error != ErrorCode.None ? error
                    : stream is null || p.Partition < 0 || p.Partition >= stream.PartitionCount ? ErrorCode.UnknownTopicOrPartition
                    : p.Metadata is { Length: > MaxMetadata } ? (ErrorCode)12 // OFFSET_METADATA_TOO_LARGE
                    : ErrorCode.None;
                if (e == ErrorCode.None)
                {
                    staged.Add((t.Name, p.Partition, p.Offset, p.Metadata));
                }
                partitions.Add((p.Partition, e));
            }
            results.Add((t.Name, partitions));
        }
        if (staged.Count > 0)
        {
            ErrorCode stageError = services.Transactions.StageOffsets(transactionalId, producerId, epoch, groupId, staged);
            if (stageError != ErrorCode.None)
            {
                results = [.. results.Select(t => (t.Name, t.Partitions.Select(p => (p.Partition, p.Error == ErrorCode.None ? stageError : p.Error)).ToList()))];
            }
        }
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Array(results, (w, t) => w.String(t.Name).Array(t.Partitions, (w, p) => w.Int32(p.Partition).Int16((short)p.Error)));
        w.Tags();
        return true;
    }

    public static async Task<bool> EndAsync(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        string transactionalId = r.String();
        long producerId = r.Int64();
        short epoch = r.Int16();
        bool commit = r.Bool();
        ErrorCode error = await request.Services.Transactions.EndAsync(transactionalId, producerId, epoch, request.Version >= 2, commit).ConfigureAwait(false);
        request.Writer.Int32(0).Int16((short)error).Tags();
        return true;
    }
}
