using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Core;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>Maps core errors to the AMQP conditions the Service Bus SDKs understand (table in docs/core.md).</summary>
internal static class ErrorMapper
{
    public static AmqpSymbol ToCondition(MessagingErrorCode code) => code switch
    {
        MessagingErrorCode.EntityNotFound => ErrorConditions.NotFound,
        MessagingErrorCode.EntityAlreadyExists => ErrorConditions.EntityAlreadyExists,
        MessagingErrorCode.EntityDisabled => ErrorConditions.EntityDisabled,
        MessagingErrorCode.MessageTooLarge => ErrorConditions.MessageSizeExceeded,
        // A full disk is Service Bus's quota error too: the SDK raises QuotaExceeded, which callers retry later.
        MessagingErrorCode.QuotaExceeded or MessagingErrorCode.StorageFull => ErrorConditions.ResourceLimitExceeded,
        MessagingErrorCode.MessageLockLost => ErrorConditions.MessageLockLost,
        MessagingErrorCode.SessionLockLost => ErrorConditions.SessionLockLost,
        MessagingErrorCode.SessionCannotBeLocked => ErrorConditions.SessionCannotBeLocked,
        MessagingErrorCode.MessageNotFound => ErrorConditions.MessageNotFound,
        MessagingErrorCode.InvalidArgument => ErrorConditions.ArgumentError,
        MessagingErrorCode.Timeout => ErrorConditions.Timeout,
        MessagingErrorCode.Unauthorized => ErrorConditions.UnauthorizedAccess,
        MessagingErrorCode.PreconditionFailed => ErrorConditions.PreconditionFailed,
        _ => ErrorConditions.NotAllowed,
    };

    public static AmqpError ToError(MessagingException exception) => new(ToCondition(exception.Code), exception.Message);

    /// <summary>The HTTP-like status a $management reply carries for a core error.</summary>
    public static int ToStatusCode(MessagingErrorCode code) => code switch
    {
        MessagingErrorCode.EntityNotFound or MessagingErrorCode.MessageNotFound => 404,
        MessagingErrorCode.EntityAlreadyExists => 409,
        MessagingErrorCode.MessageLockLost or MessagingErrorCode.SessionLockLost or MessagingErrorCode.SessionCannotBeLocked => 410,
        MessagingErrorCode.QuotaExceeded or MessagingErrorCode.StorageFull => 403,
        MessagingErrorCode.EntityDisabled => 400,
        MessagingErrorCode.Timeout => 408,
        MessagingErrorCode.Unauthorized => 401,
        MessagingErrorCode.PreconditionFailed => 412,
        _ => 400,
    };
}
