using Omnibus.Core;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// DeleteRecords (v0–2): moves a partition's log start offset to the offset asked (−1: the high
/// watermark) through the core (<see cref="Core.Streams.StreamRegistry.DeleteRecordsBefore"/>),
/// durable before the answer; the low watermark answered is the new log start.
/// </summary>
internal static class DeleteRecordsApi
{
    public static bool Handle(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        var topics = r.Array(r => (Name: r.String(), Partitions: r.Array(r => (Index: r.Int32(), Offset: r.Int64()))));
        r.Int32(); // timeout: the deletion is done before answering
        KafkaServices services = request.Services;
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Array(topics, (w, t) =>
        {
            w.String(t.Name);
            w.Array(t.Partitions, (w, p) =>
            {
                (long low, ErrorCode error) = Delete(services, t.Name, p.Index, p.Offset);
                w.Int32(p.Index).Int64(low).Int16((short)error);
            });
        });
        w.Tags();
        return true;
    }

    private static (long Low, ErrorCode Error) Delete(KafkaServices services, string topic, int partition, long offset)
    {
        if (services.FindStream(topic) is not { } stream || partition < 0 || partition >= stream.PartitionCount)
        {
            return (-1, ErrorCode.UnknownTopicOrPartition);
        }
        try
        {
            return (services.Streams.DeleteRecordsBefore(topic, partition, offset == -1 ? stream.HighWatermark(partition) : offset), ErrorCode.None);
        }
        catch (MessagingException e)
        {
            return (-1, ErrorMapping.ToKafka(e.Code));
        }
    }
}
