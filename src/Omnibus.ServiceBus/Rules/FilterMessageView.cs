using Omnibus.Core.Messages;
using Omnibus.Filters;

namespace Omnibus.ServiceBus.Rules;

/// <summary>
/// A core message as the Service Bus filter language sees it: system properties by their Service
/// Bus names, application properties looked up case-insensitively, and (for a rule action's copy)
/// the properties a sender may set made writable.
/// </summary>
internal sealed class FilterMessageView(BrokerMessage message) : IMutableFilterMessage
{
    public BrokerMessage Message { get; } = message;

    public string? MessageId { get => Message.MessageId; set => Message.MessageId = value; }
    public string? CorrelationId { get => Message.CorrelationId; set => Message.CorrelationId = value; }
    public string? To { get => Message.To; set => Message.To = value; }
    public string? ReplyTo { get => Message.ReplyTo; set => Message.ReplyTo = value; }
    public string? Subject { get => Message.Subject; set => Message.Subject = value; }
    public string? SessionId { get => Message.SessionId; set => Message.SessionId = value; }
    public string? ReplyToSessionId { get => Message.ReplyToSessionId; set => Message.ReplyToSessionId = value; }
    public string? ContentType { get => Message.ContentType; set => Message.ContentType = value; }
    public string? PartitionKey { get => Message.PartitionKey; set => Message.PartitionKey = value; }
    public string? ViaPartitionKey { get => Message.ViaPartitionKey; set => Message.ViaPartitionKey = value; }
    public string? DeadLetterSource => Message.DeadLetterSource;
    public long SequenceNumber => Message.SequenceNumber;
    public long EnqueuedSequenceNumber => Message.SequenceNumber;
    public DateTime EnqueuedTimeUtc => Message.EnqueuedTime.UtcDateTime;
    public DateTime ExpiresAtUtc => Message.ExpiresAt == DateTimeOffset.MaxValue ? DateTime.MaxValue : Message.ExpiresAt.UtcDateTime;
    public DateTime LockedUntilUtc => Message.Delivery.LockedUntil.UtcDateTime;
    public Guid LockToken => Message.Delivery.LockToken;
    public int DeliveryCount => Message.Delivery.DeliveryCount;
    public long Size => Message.Size;
    public int State => (int)Message.Delivery.State;

    public DateTime ScheduledEnqueueTimeUtc
    {
        get => Message.ScheduledEnqueueTime?.UtcDateTime ?? DateTime.MinValue;
        set => Message.ScheduledEnqueueTime = value == DateTime.MinValue ? null : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }

    public TimeSpan TimeToLive
    {
        get => Message.TimeToLive ?? TimeSpan.MaxValue;
        set => Message.TimeToLive = value;
    }

    public IEnumerable<KeyValuePair<string, object?>> UserProperties =>
        Message.HasApplicationProperties ? Message.ApplicationProperties : [];

    public bool TryGetUserProperty(string name, out object? value)
    {
        value = null;
        if (!Message.HasApplicationProperties)
        {
            return false;
        }
        MessageHeaders properties = Message.ApplicationProperties;
        if (properties.TryGetValue(name, out value))
        {
            return true;
        }
        foreach (KeyValuePair<string, object?> kv in properties)
        {
            if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = kv.Value;
                return true;
            }
        }
        return false;
    }

    public void SetUserProperty(string name, object? value) => Message.ApplicationProperties[FindKey(name) ?? name] = value;

    public bool RemoveUserProperty(string name) => FindKey(name) is { } key && Message.ApplicationProperties.Remove(key);

    private string? FindKey(string name)
    {
        if (!Message.HasApplicationProperties)
        {
            return null;
        }
        MessageHeaders properties = Message.ApplicationProperties;
        if (properties.ContainsKey(name))
        {
            return name;
        }
        foreach (string key in properties.Names)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return key;
            }
        }
        return null;
    }
}
