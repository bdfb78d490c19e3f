namespace Omnibus.Core;

/// <summary>
/// The distinct failures of the core that front-ends map to their protocol's errors (docs/core.md
/// has the Service Bus / AMQP mapping). None of them changes stored state.
/// </summary>
public enum MessagingErrorCode
{
    /// <summary>The entity (queue, topic, subscription, rule) does not exist.</summary>
    EntityNotFound,

    /// <summary>An entity of that name already exists.</summary>
    EntityAlreadyExists,

    /// <summary>The entity's status forbids the operation.</summary>
    EntityDisabled,

    /// <summary>A message is larger than the entity allows.</summary>
    MessageTooLarge,

    /// <summary>The entity is full (max size reached).</summary>
    QuotaExceeded,

    /// <summary>The lock token is unknown or its lock expired.</summary>
    MessageLockLost,

    /// <summary>The session lock is unknown, expired, or held by another receiver.</summary>
    SessionLockLost,

    /// <summary>The session is locked by another receiver.</summary>
    SessionCannotBeLocked,

    /// <summary>No message with that sequence number.</summary>
    MessageNotFound,

    /// <summary>A request argument is invalid (bad filter, wrong property type, out of range).</summary>
    InvalidArgument,

    /// <summary>The operation needs a session (or must not have one).</summary>
    InvalidOperation,

    /// <summary>Waiting for a message or session ran out of time.</summary>
    Timeout,

    /// <summary>The caller may not do this (the authorization hook refused it).</summary>
    Unauthorized,

    /// <summary>The entity exists in a form the request contradicts (redeclared with another type or flags, deleted "if unused" while in use).</summary>
    PreconditionFailed,

    /// <summary>A stream offset lies before the earliest stored offset or after the next one to be written.</summary>
    OffsetOutOfRange,

    /// <summary>
    /// The volume holding the data directory is below the broker's free-space floor (or a write
    /// found it full): new messages are refused until space is freed; receives and settlements go on.
    /// </summary>
    StorageFull,
}

/// <summary>A typed failure of a messaging operation.</summary>
public sealed class MessagingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MessagingException(MessagingErrorCode code, string message) : base(message) => Code = code;

    /// <summary>Creates the exception.</summary>
    public MessagingException(MessagingErrorCode code, string message, Exception inner) : base(message, inner) => Code = code;

    /// <summary>Creates the exception.</summary>
    public MessagingException() : this(MessagingErrorCode.InvalidOperation, "Messaging operation failed.") { }

    /// <summary>Creates the exception.</summary>
    public MessagingException(string message) : this(MessagingErrorCode.InvalidOperation, message) { }

    /// <summary>Creates the exception.</summary>
    public MessagingException(string message, Exception inner) : this(MessagingErrorCode.InvalidOperation, message, inner) { }

    /// <summary>What went wrong.</summary>
    public MessagingErrorCode Code { get; }

    internal static MessagingException NotFound(string what) => new(MessagingErrorCode.EntityNotFound, $"The messaging entity '{what}' could not be found.");

    internal static MessagingException LockLost(Guid token) => new(MessagingErrorCode.MessageLockLost,
        $"The lock supplied ({token}) is invalid: it expired, or the message was already settled or removed.");
}
