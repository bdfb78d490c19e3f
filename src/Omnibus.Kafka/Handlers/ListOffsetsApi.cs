using Omnibus.Core;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// ListOffsets (v1–6): −2 the earliest offset, −1 the high watermark (read_committed: the last stable
/// offset), any other timestamp the first record appended at or after it (the broker's append
/// time, the core's index), or −1 when there is none.
/// </summary>
internal static class ListOffsetsApi
{
    private sealed record PartitionAsk(int Partition, long Timestamp);

    private sealed record PartitionAnswer(int Partition, ErrorCode Error, long Timestamp, long Offset);

    public static bool Handle(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        r.Int32();
        bool committed = v >= 2 && r.Int8() == 1; // read_committed: latest is the last stable offset
        var topics = r.Array(r => (Name: r.String(), Partitions: r.Array(r =>
        {
            int partition = r.Int32();
            if (v >= 4)
            {
                r.Int32();
            }
            return new PartitionAsk(partition, r.Int64());
        })));
        var answers = topics.Select(t =>
        {
            MessageStream? stream = request.Services.FindStream(t.Name);
            return (t.Name, Partitions: t.Partitions.Select(p => Answer(stream, p, committed)).ToList());
        }).ToList();

        KafkaWriter w = request.Writer;
        if (v >= 2)
        {
            w.Int32(0);
        }
        w.Array(answers, (w, t) =>
        {
            w.String(t.Name);
            w.Array(t.Partitions, (w, p) =>
            {
                w.Int32(p.Partition).Int16((short)p.Error).Int64(p.Timestamp).Int64(p.Offset);
                if (v >= 4)
                {
                    w.Int32(-1);
                }
            });
        });
        w.Tags();
        return true;
    }

    private static PartitionAnswer Answer(MessageStream? stream, PartitionAsk p, bool committed)
    {
        if (stream is null || p.Partition < 0 || p.Partition >= stream.PartitionCount)
        {
            return new PartitionAnswer(p.Partition, ErrorCode.UnknownTopicOrPartition, -1, -1);
        }
        try
        {
            return p.Timestamp switch
            {
                -1 => new PartitionAnswer(p.Partition, ErrorCode.None, -1, committed ? stream.LastStableOffset(p.Partition) : stream.HighWatermark(p.Partition)),
                -2 => new PartitionAnswer(p.Partition, ErrorCode.None, -1, stream.EarliestOffset(p.Partition)),
                < 0 => new PartitionAnswer(p.Partition, ErrorCode.UnsupportedVersion, -1, -1),
                _ => stream.FindOffsetAtTime(p.Partition, p.Timestamp) is { } found
                    ? new PartitionAnswer(p.Partition, ErrorCode.None, found.AppendTimeMs, found.Offset)
                    : new PartitionAnswer(p.Partition, ErrorCode.None, -1, -1),
            };
        }
        catch (MessagingException e)
        {
            return new PartitionAnswer(p.Partition, ErrorMapping.ToKafka(e.Code), -1, -1);
        }
    }
}
