namespace Omnibus.Filters.Sql;

/// <summary>The system (<c>sys.</c>) properties a filter can name.</summary>
internal enum SystemProperty : byte
{
    MessageId,
    CorrelationId,
    To,
    ReplyTo,
    Subject,
    SessionId,
    ReplyToSessionId,
    ContentType,
    PartitionKey,
    ViaPartitionKey,
    DeadLetterSource,
    SequenceNumber,
    EnqueuedSequenceNumber,
    EnqueuedTimeUtc,
    ScheduledEnqueueTimeUtc,
    ExpiresAtUtc,
    LockedUntilUtc,
    LockToken,
    TimeToLive,
    DeliveryCount,
    Size,
    State,
}

internal static class SystemProperties
{
    /// <summary>Names accepted after <c>sys.</c>, case-insensitive. Label and Subject are the same property.</summary>
    public static readonly Dictionary<string, SystemProperty> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MessageId"] = SystemProperty.MessageId,
        ["CorrelationId"] = SystemProperty.CorrelationId,
        ["To"] = SystemProperty.To,
        ["ReplyTo"] = SystemProperty.ReplyTo,
        ["Label"] = SystemProperty.Subject,
        ["Subject"] = SystemProperty.Subject,
        ["SessionId"] = SystemProperty.SessionId,
        ["ReplyToSessionId"] = SystemProperty.ReplyToSessionId,
        ["ContentType"] = SystemProperty.ContentType,
        ["PartitionKey"] = SystemProperty.PartitionKey,
        ["ViaPartitionKey"] = SystemProperty.ViaPartitionKey,
        ["TransactionPartitionKey"] = SystemProperty.ViaPartitionKey,
        ["DeadLetterSource"] = SystemProperty.DeadLetterSource,
        ["SequenceNumber"] = SystemProperty.SequenceNumber,
        ["EnqueuedSequenceNumber"] = SystemProperty.EnqueuedSequenceNumber,
        ["EnqueuedTimeUtc"] = SystemProperty.EnqueuedTimeUtc,
        ["EnqueuedTime"] = SystemProperty.EnqueuedTimeUtc,
        ["ScheduledEnqueueTimeUtc"] = SystemProperty.ScheduledEnqueueTimeUtc,
        ["ScheduledEnqueueTime"] = SystemProperty.ScheduledEnqueueTimeUtc,
        ["ExpiresAtUtc"] = SystemProperty.ExpiresAtUtc,
        ["ExpiresAt"] = SystemProperty.ExpiresAtUtc,
        ["LockedUntilUtc"] = SystemProperty.LockedUntilUtc,
        ["LockedUntil"] = SystemProperty.LockedUntilUtc,
        ["LockToken"] = SystemProperty.LockToken,
        ["TimeToLive"] = SystemProperty.TimeToLive,
        ["DeliveryCount"] = SystemProperty.DeliveryCount,
        ["Size"] = SystemProperty.Size,
        ["State"] = SystemProperty.State,
    };

    /// <summary>Properties a sender sets, and so a rule action may SET; the rest are broker-assigned.</summary>
    public static bool IsWritable(SystemProperty p) => p is <= SystemProperty.ViaPartitionKey
        or SystemProperty.ScheduledEnqueueTimeUtc or SystemProperty.TimeToLive;

    /// <summary>String-valued properties, which REMOVE clears to null.</summary>
    public static bool IsString(SystemProperty p) => p <= SystemProperty.DeadLetterSource;

    public static SqlValue Read(IFilterMessage m, SystemProperty p) => p switch
    {
        SystemProperty.MessageId => SqlValue.FromString(m.MessageId),
        SystemProperty.CorrelationId => SqlValue.FromString(m.CorrelationId),
        SystemProperty.To => SqlValue.FromString(m.To),
        SystemProperty.ReplyTo => SqlValue.FromString(m.ReplyTo),
        SystemProperty.Subject => SqlValue.FromString(m.Subject),
        SystemProperty.SessionId => SqlValue.FromString(m.SessionId),
        SystemProperty.ReplyToSessionId => SqlValue.FromString(m.ReplyToSessionId),
        SystemProperty.ContentType => SqlValue.FromString(m.ContentType),
        SystemProperty.PartitionKey => SqlValue.FromString(m.PartitionKey),
        SystemProperty.ViaPartitionKey => SqlValue.FromString(m.ViaPartitionKey),
        SystemProperty.DeadLetterSource => SqlValue.FromString(m.DeadLetterSource),
        SystemProperty.SequenceNumber => SqlValue.FromInt64(m.SequenceNumber),
        SystemProperty.EnqueuedSequenceNumber => SqlValue.FromInt64(m.EnqueuedSequenceNumber),
        SystemProperty.EnqueuedTimeUtc => SqlValue.FromDateTime(m.EnqueuedTimeUtc),
        SystemProperty.ScheduledEnqueueTimeUtc => SqlValue.FromDateTime(m.ScheduledEnqueueTimeUtc),
        SystemProperty.ExpiresAtUtc => SqlValue.FromDateTime(m.ExpiresAtUtc),
        SystemProperty.LockedUntilUtc => SqlValue.FromDateTime(m.LockedUntilUtc),
        SystemProperty.LockToken => SqlValue.FromGuid(m.LockToken),
        SystemProperty.TimeToLive => SqlValue.FromTimeSpan(m.TimeToLive),
        SystemProperty.DeliveryCount => SqlValue.FromInt32(m.DeliveryCount),
        SystemProperty.Size => SqlValue.FromInt64(m.Size),
        _ => SqlValue.FromInt32(m.State),
    };

    /// <summary>Reads a string-valued system property without wrapping it.</summary>
    public static string? ReadString(IFilterMessage m, SystemProperty p) => p switch
    {
        SystemProperty.MessageId => m.MessageId,
        SystemProperty.CorrelationId => m.CorrelationId,
        SystemProperty.To => m.To,
        SystemProperty.ReplyTo => m.ReplyTo,
        SystemProperty.Subject => m.Subject,
        SystemProperty.SessionId => m.SessionId,
        SystemProperty.ReplyToSessionId => m.ReplyToSessionId,
        SystemProperty.ContentType => m.ContentType,
        SystemProperty.PartitionKey => m.PartitionKey,
        SystemProperty.ViaPartitionKey => m.ViaPartitionKey,
        _ => m.DeadLetterSource,
    };

    /// <summary>
    /// Writes a system property with the implicit conversion a SET performs: string properties
    /// take any value in its invariant text form (so <c>SET sys.MessageId = newid()</c> works),
    /// TimeToLive needs a TimeSpan and ScheduledEnqueueTimeUtc a DateTime. Returns an error text or null.
    /// </summary>
    public static string? Write(IMutableFilterMessage m, SystemProperty p, in SqlValue value)
    {
        if (IsString(p))
        {
            var text = value.IsNull ? null : value.Kind == ValueKind.String ? value.AsString : value.ToInvariantString();
            switch (p)
            {
                case SystemProperty.MessageId: m.MessageId = text; break;
                case SystemProperty.CorrelationId: m.CorrelationId = text; break;
                case SystemProperty.To: m.To = text; break;
                case SystemProperty.ReplyTo: m.ReplyTo = text; break;
                case SystemProperty.Subject: m.Subject = text; break;
                case SystemProperty.SessionId: m.SessionId = text; break;
                case SystemProperty.ReplyToSessionId: m.ReplyToSessionId = text; break;
                case SystemProperty.ContentType: m.ContentType = text; break;
                case SystemProperty.PartitionKey: m.PartitionKey = text; break;
                case SystemProperty.ViaPartitionKey: m.ViaPartitionKey = text; break;
                default: return $"System property '{p}' cannot be set.";
            }
            return null;
        }
        if (p == SystemProperty.TimeToLive && value.Kind == ValueKind.TimeSpan)
        {
            m.TimeToLive = value.AsTimeSpan;
            return null;
        }
        if (p == SystemProperty.ScheduledEnqueueTimeUtc && value.Kind == ValueKind.DateTime)
        {
            m.ScheduledEnqueueTimeUtc = value.AsDateTime;
            return null;
        }
        return $"Cannot convert a value of type {SqlValue.KindName(value.Kind)} to system property '{p}'.";
    }
}
