using System.Xml.Linq;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using static Omnibus.ServiceBus.Admin.AtomNames;
using static Omnibus.ServiceBus.Admin.AtomValues;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Writes queue, topic and subscription descriptions (with runtime counts) in the service's element names.</summary>
internal static class EntityXmlWriter
{
    /// <summary>Service Bus answers forwarding targets as <c>sb://host/entity</c> addresses (whatever form they were given in).</summary>
    private static string? Forward(string? target, string host) => target is null ? null : $"sb://{host}/{target}";

    /// <summary>Service Bus reports what its messages take, so an entity holding none reports 0 (the core's figure is its log's).</summary>
    private static long Size(EntityRuntimeInfo rt) => MessageCount(rt) == 0 ? 0 : rt.SizeInBytes;

    private static long MessageCount(EntityRuntimeInfo rt) =>
        rt.ActiveMessageCount + rt.ScheduledMessageCount + rt.DeferredMessageCount + rt.DeadLetterMessageCount;

    /// <summary>A partitioned entity's size is reported as Service Bus does: the per-partition size times the partitions.</summary>
    internal static long ReportedMaxSize(long perPartition, int partitionCount) => partitionCount > 1 ? perPartition * partitionCount : perPartition;

    public static XElement Queue(QueueDescription q, EntityRuntimeInfo rt, string host) => AtomFeed.Description("QueueDescription",
    [
        Sb("LockDuration", Duration(q.LockDuration)),
        Sb("MaxSizeInMegabytes", Number(ReportedMaxSize(q.MaxSizeInMegabytes, q.PartitionCount))),
        Sb("RequiresDuplicateDetection", Bool(q.RequiresDuplicateDetection)),
        Sb("RequiresSession", Bool(q.RequiresSession)),
        Sb("DefaultMessageTimeToLive", Duration(q.DefaultMessageTimeToLive)),
        Sb("DeadLetteringOnMessageExpiration", Bool(q.DeadLetteringOnMessageExpiration)),
        Sb("DuplicateDetectionHistoryTimeWindow", Duration(q.DuplicateDetectionHistoryTimeWindow)),
        Sb("MaxDeliveryCount", Number(q.MaxDeliveryCount)),
        Sb("EnableBatchedOperations", Bool(q.EnableBatchedOperations)),
        Sb("SizeInBytes", Number(Size(rt))),
        Sb("MessageCount", Number(MessageCount(rt))),
        Sb("IsAnonymousAccessible", "false"),
        AuthorizationRulesXml.Of(q.Settings),
        Sb("Status", q.Status.ToString()),
        q.ForwardTo is null ? null : Sb("ForwardTo", Forward(q.ForwardTo, host)),
        q.UserMetadata is null ? null : Sb("UserMetadata", q.UserMetadata),
        Sb("CreatedAt", Time(q.CreatedAt)),
        Sb("UpdatedAt", Time(q.UpdatedAt)),
        Sb("AccessedAt", Time(rt.AccessedAt)),
        Sb("SupportOrdering", "true"),
        AtomFeed.CountDetails(("ActiveMessageCount", rt.ActiveMessageCount), ("DeadLetterMessageCount", rt.DeadLetterMessageCount),
            ("ScheduledMessageCount", rt.ScheduledMessageCount), ("TransferMessageCount", rt.TransferMessageCount), ("TransferDeadLetterMessageCount", 0)),
        Sb("AutoDeleteOnIdle", Duration(q.AutoDeleteOnIdle)),
        Sb("EnablePartitioning", Bool(q.PartitionCount > 1)),
        Sb("EntityAvailabilityStatus", "Available"),
        q.ForwardDeadLetteredMessagesTo is null ? null : Sb("ForwardDeadLetteredMessagesTo", Forward(q.ForwardDeadLetteredMessagesTo, host)),
        Sb("EnableExpress", "false"),
        Sb("MaxMessageSizeInKilobytes", Number(q.MaxMessageSizeInKilobytes)),
    ]);

    public static XElement Topic(TopicDescription t, TopicRuntime rt) => AtomFeed.Description("TopicDescription",
    [
        Sb("DefaultMessageTimeToLive", Duration(t.DefaultMessageTimeToLive)),
        Sb("MaxSizeInMegabytes", Number(ReportedMaxSize(t.MaxSizeInMegabytes, t.PartitionCount))),
        Sb("RequiresDuplicateDetection", Bool(t.RequiresDuplicateDetection)),
        Sb("DuplicateDetectionHistoryTimeWindow", Duration(t.DuplicateDetectionHistoryTimeWindow)),
        Sb("EnableBatchedOperations", Bool(t.EnableBatchedOperations)),
        Sb("SizeInBytes", Number(rt.SizeInBytes)),
        Sb("FilteringMessagesBeforePublishing", "false"),
        Sb("IsAnonymousAccessible", "false"),
        AuthorizationRulesXml.Of(t.Settings),
        Sb("Status", t.Status.ToString()),
        t.UserMetadata is null ? null : Sb("UserMetadata", t.UserMetadata),
        Sb("CreatedAt", Time(t.CreatedAt)),
        Sb("UpdatedAt", Time(t.UpdatedAt)),
        Sb("AccessedAt", Time(rt.AccessedAt)),
        Sb("SupportOrdering", Bool(t.SupportOrdering)),
        AtomFeed.CountDetails(("ActiveMessageCount", 0), ("DeadLetterMessageCount", 0), ("ScheduledMessageCount", rt.ScheduledMessageCount),
            ("TransferMessageCount", 0), ("TransferDeadLetterMessageCount", 0)),
        Sb("SubscriptionCount", Number(rt.SubscriptionCount)),
        Sb("AutoDeleteOnIdle", Duration(t.AutoDeleteOnIdle)),
        Sb("EnablePartitioning", Bool(t.PartitionCount > 1)),
        Sb("EntityAvailabilityStatus", "Available"),
        Sb("EnableSubscriptionPartitioning", "false"),
        Sb("EnableExpress", "false"),
        Sb("MaxMessageSizeInKilobytes", Number(t.MaxMessageSizeInKilobytes)),
    ]);

    public static XElement Subscription(SubscriptionDescription s, EntityRuntimeInfo rt, string host) => AtomFeed.Description("SubscriptionDescription",
    [
        Sb("LockDuration", Duration(s.LockDuration)),
        Sb("RequiresSession", Bool(s.RequiresSession)),
        Sb("DefaultMessageTimeToLive", Duration(s.DefaultMessageTimeToLive)),
        Sb("DeadLetteringOnMessageExpiration", Bool(s.DeadLetteringOnMessageExpiration)),
        Sb("DeadLetteringOnFilterEvaluationExceptions", Bool(s.DeadLetteringOnFilterEvaluationExceptions)),
        Sb("MessageCount", Number(MessageCount(rt))),
        Sb("MaxDeliveryCount", Number(s.MaxDeliveryCount)),
        Sb("EnableBatchedOperations", Bool(s.EnableBatchedOperations)),
        Sb("Status", s.Status.ToString()),
        s.ForwardTo is null ? null : Sb("ForwardTo", Forward(s.ForwardTo, host)),
        Sb("CreatedAt", Time(s.CreatedAt)),
        Sb("UpdatedAt", Time(s.UpdatedAt)),
        Sb("AccessedAt", Time(rt.AccessedAt)),
        AtomFeed.CountDetails(("ActiveMessageCount", rt.ActiveMessageCount), ("DeadLetterMessageCount", rt.DeadLetterMessageCount),
            ("ScheduledMessageCount", rt.ScheduledMessageCount), ("TransferMessageCount", rt.TransferMessageCount), ("TransferDeadLetterMessageCount", 0)),
        s.UserMetadata is null ? null : Sb("UserMetadata", s.UserMetadata),
        s.ForwardDeadLetteredMessagesTo is null ? null : Sb("ForwardDeadLetteredMessagesTo", Forward(s.ForwardDeadLetteredMessagesTo, host)),
        Sb("AutoDeleteOnIdle", Duration(s.AutoDeleteOnIdle)),
        Sb("EntityAvailabilityStatus", "Available"),
    ]);
}

/// <summary>A topic's runtime figures as the core reports them.</summary>
internal sealed record TopicRuntime(long SizeInBytes, int SubscriptionCount, long ScheduledMessageCount, DateTimeOffset AccessedAt);
