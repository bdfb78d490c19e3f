using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// DescribeCluster (v0–1): a cluster of this one broker, which is also its controller; and
/// OffsetForLeaderEpoch (v0–4), answered as a single broker that has led every partition since
/// epoch 0: the end offset of epoch 0 is the log end offset.
/// </summary>
internal static class ClusterApis
{
    private const sbyte BrokersEndpoint = 1;

    // The operations a cluster resource has (Kafka's AclOperation bits); without ACLs all are allowed.
    private const int ClusterOperations = (1 << 4) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

    public static bool DescribeCluster(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        bool includeOperations = r.Bool();
        sbyte endpoint = v >= 1 ? r.Int8() : BrokersEndpoint;
        KafkaServices services = request.Services;
        bool served = endpoint == BrokersEndpoint;
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Int16((short)(served ? ErrorCode.None : ErrorCode.UnsupportedEndpointType));
        w.NullableString(served ? null : "This broker lists brokers only: it has no separate controllers.");
        if (v >= 1)
        {
            w.Int8(endpoint);
        }
        w.String(services.Options.ClusterId).Int32(served ? services.Options.NodeId : -1);
        if (served)
        {
            w.ArrayLength(1).Int32(services.Options.NodeId).String(request.AdvertisedHost).Int32(request.AdvertisedPort).NullableString(null).Tags();
        }
        else
        {
            w.ArrayLength(0);
        }
        w.Int32(includeOperations ? ClusterOperations : int.MinValue);
        w.Tags();
        return true;
    }

    public static bool OffsetForLeaderEpoch(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        if (v >= 3)
        {
            r.Int32(); // replica id: consumers send -1
        }
        var topics = r.Array(r => (Name: r.String(), Partitions: r.Array(r => (Index: r.Int32(), Current: v >= 2 ? r.Int32() : -1, Epoch: r.Int32()))));
        KafkaServices services = request.Services;
        KafkaWriter w = request.Writer;
        if (v >= 2)
        {
            w.Int32(0);
        }
        w.Array(topics, (w, t) =>
        {
            var stream = services.FindStream(t.Name);
            w.String(t.Name);
            w.Array(t.Partitions, (w, p) =>
            {
                (ErrorCode error, int epoch, long end) = stream is null || p.Index < 0 || p.Index >= stream.PartitionCount
                    ? (ErrorCode.UnknownTopicOrPartition, -1, -1L)
                    : p.Current > 0
                        ? (ErrorCode.UnknownLeaderEpoch, -1, -1L)
                        : p.Epoch > 0
                            ? (ErrorCode.None, -1, -1L) // an epoch this broker never had
                            : (ErrorCode.None, 0, stream.HighWatermark(p.Index));
                w.Int16((short)error).Int32(p.Index);
                if (v >= 1)
                {
                    w.Int32(epoch);
                }
                w.Int64(end);
            });
        });
        w.Tags();
        return true;
    }
}
