using System.Xml.Linq;
using Omnibus.Core.Entities;
using static Omnibus.ServiceBus.Admin.AtomValues;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Reads PUT bodies into core descriptions, starting from defaults (create) or the current definition (update).</summary>
internal static class EntityXmlReader
{
    /// <summary>Partition count given to an entity created with <c>EnablePartitioning</c> (Service Bus Standard uses 16).</summary>
    public const int PartitionedCount = 16;

    public static QueueDescription Queue(XElement d, QueueDescription start) => start with
    {
        LockDuration = ReadDuration(d, "LockDuration") ?? start.LockDuration,
        MaxSizeInMegabytes = PerPartitionSize(ReadLong(d, "MaxSizeInMegabytes"), start.MaxSizeInMegabytes, start.PartitionCount),
        RequiresDuplicateDetection = ReadBool(d, "RequiresDuplicateDetection") ?? start.RequiresDuplicateDetection,
        RequiresSession = ReadBool(d, "RequiresSession") ?? start.RequiresSession,
        DefaultMessageTimeToLive = ReadDuration(d, "DefaultMessageTimeToLive") ?? start.DefaultMessageTimeToLive,
        DeadLetteringOnMessageExpiration = ReadBool(d, "DeadLetteringOnMessageExpiration") ?? start.DeadLetteringOnMessageExpiration,
        DuplicateDetectionHistoryTimeWindow = ReadDuration(d, "DuplicateDetectionHistoryTimeWindow") ?? start.DuplicateDetectionHistoryTimeWindow,
        MaxDeliveryCount = (int)(ReadLong(d, "MaxDeliveryCount") ?? start.MaxDeliveryCount),
        EnableBatchedOperations = ReadBool(d, "EnableBatchedOperations") ?? start.EnableBatchedOperations,
        Status = ReadStatus(d) ?? start.Status,
        ForwardTo = EntityName(ReadString(d, "ForwardTo")),
        ForwardDeadLetteredMessagesTo = EntityName(ReadString(d, "ForwardDeadLetteredMessagesTo")),
        UserMetadata = ReadString(d, "UserMetadata"),
        AutoDeleteOnIdle = ReadDuration(d, "AutoDeleteOnIdle") ?? start.AutoDeleteOnIdle,
        PartitionCount = Partitions(ReadBool(d, "EnablePartitioning"), start.PartitionCount),
        MaxMessageSizeInKilobytes = ReadLong(d, "MaxMessageSizeInKilobytes") ?? start.MaxMessageSizeInKilobytes,
        Settings = AuthorizationRulesXml.Keep(d, start.Settings),
    };

    public static TopicDescription Topic(XElement d, TopicDescription start) => start with
    {
        DefaultMessageTimeToLive = ReadDuration(d, "DefaultMessageTimeToLive") ?? start.DefaultMessageTimeToLive,
        MaxSizeInMegabytes = PerPartitionSize(ReadLong(d, "MaxSizeInMegabytes"), start.MaxSizeInMegabytes, start.PartitionCount),
        RequiresDuplicateDetection = ReadBool(d, "RequiresDuplicateDetection") ?? start.RequiresDuplicateDetection,
        DuplicateDetectionHistoryTimeWindow = ReadDuration(d, "DuplicateDetectionHistoryTimeWindow") ?? start.DuplicateDetectionHistoryTimeWindow,
        EnableBatchedOperations = ReadBool(d, "EnableBatchedOperations") ?? start.EnableBatchedOperations,
        Status = ReadStatus(d) ?? start.Status,
        UserMetadata = ReadString(d, "UserMetadata"),
        SupportOrdering = ReadBool(d, "SupportOrdering") ?? start.SupportOrdering,
        AutoDeleteOnIdle = ReadDuration(d, "AutoDeleteOnIdle") ?? start.AutoDeleteOnIdle,
        PartitionCount = Partitions(ReadBool(d, "EnablePartitioning"), start.PartitionCount),
        MaxMessageSizeInKilobytes = ReadLong(d, "MaxMessageSizeInKilobytes") ?? start.MaxMessageSizeInKilobytes,
        Settings = AuthorizationRulesXml.Keep(d, start.Settings),
    };

    public static SubscriptionDescription Subscription(XElement d, SubscriptionDescription start) => start with
    {
        LockDuration = ReadDuration(d, "LockDuration") ?? start.LockDuration,
        RequiresSession = ReadBool(d, "RequiresSession") ?? start.RequiresSession,
        DefaultMessageTimeToLive = ReadDuration(d, "DefaultMessageTimeToLive") ?? start.DefaultMessageTimeToLive,
        DeadLetteringOnMessageExpiration = ReadBool(d, "DeadLetteringOnMessageExpiration") ?? start.DeadLetteringOnMessageExpiration,
        DeadLetteringOnFilterEvaluationExceptions = ReadBool(d, "DeadLetteringOnFilterEvaluationExceptions") ?? start.DeadLetteringOnFilterEvaluationExceptions,
        MaxDeliveryCount = (int)(ReadLong(d, "MaxDeliveryCount") ?? start.MaxDeliveryCount),
        EnableBatchedOperations = ReadBool(d, "EnableBatchedOperations") ?? start.EnableBatchedOperations,
        Status = ReadStatus(d) ?? start.Status,
        ForwardTo = EntityName(ReadString(d, "ForwardTo")),
        ForwardDeadLetteredMessagesTo = EntityName(ReadString(d, "ForwardDeadLetteredMessagesTo")),
        UserMetadata = ReadString(d, "UserMetadata"),
        AutoDeleteOnIdle = ReadDuration(d, "AutoDeleteOnIdle") ?? start.AutoDeleteOnIdle,
    };

    /// <summary>
    /// A partitioned entity is read back with its whole size (<see cref="EntityXmlWriter.ReportedMaxSize"/>), and an
    /// update sends that figure back: it is the size already stored, not a new per-partition size.
    /// </summary>
    private static long PerPartitionSize(long? sent, long stored, int partitionCount) => sent switch
    {
        null => stored,
        long whole when partitionCount > 1 && whole == EntityXmlWriter.ReportedMaxSize(stored, partitionCount) => stored,
        long perPartition => perPartition,
    };

    private static int Partitions(bool? enable, int current) => enable switch
    {
        true => current > 1 ? current : PartitionedCount,
        false => 1,
        null => current,
    };

    private static EntityStatus? ReadStatus(XElement d) =>
        ReadString(d, "Status") is { } s && Enum.TryParse(s, ignoreCase: true, out EntityStatus status) ? status : null;

    /// <summary>The SDK turns a forwarding target into an absolute address (<c>http://host:port/name</c>); the core wants the entity name.</summary>
    public static string? EntityName(string? target)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return null;
        }
        return Uri.TryCreate(target, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" or "sb" or "amqp" or "amqps"
            ? Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'))
            : target.Trim('/');
    }
}
