namespace Omnibus.Filters;

/// <summary>
/// A plain in-memory <see cref="IMutableFilterMessage"/>: used for the copies that rule actions
/// change, in tests, and by front-ends that have no message model of their own yet.
/// </summary>
public sealed class FilterMessage : IMutableFilterMessage
{
    private readonly Dictionary<string, object?> _properties = new(StringComparer.OrdinalIgnoreCase);

    public string? MessageId { get; set; }
    public string? CorrelationId { get; set; }
    public string? To { get; set; }
    public string? ReplyTo { get; set; }
    public string? Subject { get; set; }
    public string? SessionId { get; set; }
    public string? ReplyToSessionId { get; set; }
    public string? ContentType { get; set; }
    public string? PartitionKey { get; set; }
    public string? ViaPartitionKey { get; set; }
    public string? DeadLetterSource { get; set; }
    public long SequenceNumber { get; set; }
    public long EnqueuedSequenceNumber { get; set; }
    public DateTime EnqueuedTimeUtc { get; set; }
    public DateTime ScheduledEnqueueTimeUtc { get; set; }
    public DateTime LockedUntilUtc { get; set; }
    public Guid LockToken { get; set; }
    public TimeSpan TimeToLive { get; set; } = TimeSpan.MaxValue;
    public int DeliveryCount { get; set; }
    public long Size { get; set; }
    public int State { get; set; }

    /// <summary>Enqueued time plus time to live, saturating at <see cref="DateTime.MaxValue"/>.</summary>
    public DateTime ExpiresAtUtc =>
        TimeToLive >= DateTime.MaxValue - EnqueuedTimeUtc ? DateTime.MaxValue : EnqueuedTimeUtc + TimeToLive;

    /// <summary>The application properties; names are case-insensitive.</summary>
    public IDictionary<string, object?> Properties => _properties;

    public IEnumerable<KeyValuePair<string, object?>> UserProperties => _properties;

    public bool TryGetUserProperty(string name, out object? value) => _properties.TryGetValue(name, out value);

    public void SetUserProperty(string name, object? value) => _properties[name] = value;

    public bool RemoveUserProperty(string name) => _properties.Remove(name);

    /// <summary>Copies every system and application property of <paramref name="source"/>.</summary>
    public static FilterMessage CopyOf(IFilterMessage source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = new FilterMessage
        {
            MessageId = source.MessageId,
            CorrelationId = source.CorrelationId,
            To = source.To,
            ReplyTo = source.ReplyTo,
            Subject = source.Subject,
            SessionId = source.SessionId,
            ReplyToSessionId = source.ReplyToSessionId,
            ContentType = source.ContentType,
            PartitionKey = source.PartitionKey,
            ViaPartitionKey = source.ViaPartitionKey,
            DeadLetterSource = source.DeadLetterSource,
            SequenceNumber = source.SequenceNumber,
            EnqueuedSequenceNumber = source.EnqueuedSequenceNumber,
            EnqueuedTimeUtc = source.EnqueuedTimeUtc,
            ScheduledEnqueueTimeUtc = source.ScheduledEnqueueTimeUtc,
            LockedUntilUtc = source.LockedUntilUtc,
            LockToken = source.LockToken,
            TimeToLive = source.TimeToLive,
            DeliveryCount = source.DeliveryCount,
            Size = source.Size,
            State = source.State,
        };
        foreach (var (name, value) in source.UserProperties)
        {
            copy._properties[name] = value;
        }
        return copy;
    }
}
