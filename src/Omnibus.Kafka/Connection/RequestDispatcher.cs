using Omnibus.Kafka.Handlers;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Connection;

/// <summary>Sends each request to its API's handler; the answer is the request with its output written (null: no answer, acks=0).</summary>
internal static class RequestDispatcher
{
    public static async Task<KafkaRequest?> HandleAsync(KafkaRequest request)
    {
        bool answer = (ApiKey)request.Frame.ApiKey switch
        {
            ApiKey.ApiVersions => ApiVersionsApi.Handle(request),
            ApiKey.Metadata => MetadataApi.Handle(request),
            ApiKey.Produce => await ProduceApi.HandleAsync(request).ConfigureAwait(false),
            ApiKey.Fetch => await FetchApi.HandleAsync(request).ConfigureAwait(false),
            ApiKey.ListOffsets => ListOffsetsApi.Handle(request),
            ApiKey.FindCoordinator => GroupApis.FindCoordinator(request),
            ApiKey.JoinGroup => await GroupApis.JoinAsync(request).ConfigureAwait(false),
            ApiKey.SyncGroup => await GroupApis.SyncAsync(request).ConfigureAwait(false),
            ApiKey.Heartbeat => GroupApis.Heartbeat(request),
            ApiKey.LeaveGroup => GroupApis.Leave(request),
            ApiKey.DescribeGroups => GroupApis.Describe(request),
            ApiKey.ListGroups => GroupApis.List(request),
            ApiKey.OffsetCommit => await OffsetApis.CommitAsync(request).ConfigureAwait(false),
            ApiKey.OffsetFetch => OffsetApis.Fetch(request),
            ApiKey.CreateTopics => TopicAdminApis.CreateTopics(request),
            ApiKey.DeleteTopics => await TopicAdminApis.DeleteTopicsAsync(request).ConfigureAwait(false),
            ApiKey.CreatePartitions => TopicAdminApis.CreatePartitions(request),
            ApiKey.DescribeConfigs => ConfigApis.Describe(request),
            ApiKey.AlterConfigs => ConfigApis.Alter(request),
            ApiKey.IncrementalAlterConfigs => ConfigApis.IncrementalAlter(request),
            ApiKey.DescribeCluster => ClusterApis.DescribeCluster(request),
            ApiKey.OffsetForLeaderEpoch => ClusterApis.OffsetForLeaderEpoch(request),
            ApiKey.DeleteRecords => DeleteRecordsApi.Handle(request),
            ApiKey.DeleteGroups => await GroupAdminApis.DeleteGroupsAsync(request).ConfigureAwait(false),
            ApiKey.InitProducerId => await InitProducerIdApi.HandleAsync(request).ConfigureAwait(false),
            ApiKey.AddPartitionsToTxn => TransactionApis.AddPartitions(request),
            ApiKey.AddOffsetsToTxn => TransactionApis.AddOffsets(request),
            ApiKey.TxnOffsetCommit => TransactionApis.CommitOffsets(request),
            ApiKey.EndTxn => await TransactionApis.EndAsync(request).ConfigureAwait(false),
            ApiKey.SaslHandshake => SaslApis.Handshake(request),
            ApiKey.SaslAuthenticate => SaslApis.Authenticate(request),
            _ => throw new KafkaProtocolException($"API {request.Frame.ApiKey} is not served."),
        };
        return answer ? request : null;
    }
}
