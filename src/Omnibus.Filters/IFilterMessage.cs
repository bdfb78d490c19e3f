namespace Omnibus.Filters;

/// <summary>
/// The read-only view of a message that filters evaluate: the Service Bus system properties
/// (<c>sys.</c> scope) and the application properties (<c>user.</c> scope).
/// </summary>
/// <remarks>
/// The core engine implements this over its own message model so that evaluating a rule
/// reads properties in place and copies nothing. Value-typed system properties mirror the
/// Service Bus message: a property that was never set reads as its default
/// (for example <see cref="DateTime.MinValue"/> for <see cref="ScheduledEnqueueTimeUtc"/>).
/// </remarks>
public interface IFilterMessage
{
    string? MessageId { get; }
    string? CorrelationId { get; }
    string? To { get; }
    string? ReplyTo { get; }

    /// <summary>Service Bus <c>Subject</c>; <c>sys.Label</c> and <c>sys.Subject</c> both read it.</summary>
    string? Subject { get; }

    string? SessionId { get; }
    string? ReplyToSessionId { get; }
    string? ContentType { get; }
    string? PartitionKey { get; }
    string? ViaPartitionKey { get; }
    string? DeadLetterSource { get; }

    long SequenceNumber { get; }
    long EnqueuedSequenceNumber { get; }
    DateTime EnqueuedTimeUtc { get; }
    DateTime ScheduledEnqueueTimeUtc { get; }
    DateTime ExpiresAtUtc { get; }
    DateTime LockedUntilUtc { get; }
    Guid LockToken { get; }
    TimeSpan TimeToLive { get; }
    int DeliveryCount { get; }

    /// <summary>Size of the message in bytes, as Service Bus reports it.</summary>
    long Size { get; }

    /// <summary>0 active, 1 deferred, 2 scheduled (Service Bus <c>MessageState</c>).</summary>
    int State { get; }

    /// <summary>
    /// Looks up an application property. Names are compared case-insensitively (ordinal
    /// ignore-case), as the filter language requires. Returns false when the property is
    /// absent; a present property may hold null.
    /// </summary>
    bool TryGetUserProperty(string name, out object? value);

    /// <summary>All application properties, for copying the message.</summary>
    IEnumerable<KeyValuePair<string, object?>> UserProperties { get; }
}

/// <summary>
/// The subscription's private copy of a message, which rule actions change.
/// Only the properties a sender may set are writable; broker-assigned ones are not.
/// </summary>
public interface IMutableFilterMessage : IFilterMessage
{
    new string? MessageId { get; set; }
    new string? CorrelationId { get; set; }
    new string? To { get; set; }
    new string? ReplyTo { get; set; }
    new string? Subject { get; set; }
    new string? SessionId { get; set; }
    new string? ReplyToSessionId { get; set; }
    new string? ContentType { get; set; }
    new string? PartitionKey { get; set; }
    new string? ViaPartitionKey { get; set; }
    new DateTime ScheduledEnqueueTimeUtc { get; set; }
    new TimeSpan TimeToLive { get; set; }

    /// <summary>Adds or replaces an application property (case-insensitive name).</summary>
    void SetUserProperty(string name, object? value);

    /// <summary>Removes an application property; returns false when it was absent.</summary>
    bool RemoveUserProperty(string name);
}
