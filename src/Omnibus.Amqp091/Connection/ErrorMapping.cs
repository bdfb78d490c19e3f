using Omnibus.Amqp091.Codec;
using Omnibus.Core;

namespace Omnibus.Amqp091.Connection;

/// <summary>The core's errors as AMQP 0-9-1 reply codes, with RabbitMQ's texts.</summary>
internal static class ErrorMapping
{
    public static Amqp091Exception ToChannelError(MessagingException e, uint method)
    {
        (ushort code, string word, bool connection) = e.Code switch
        {
            MessagingErrorCode.EntityNotFound => (ReplyCodes.NotFound, "NOT_FOUND", false),
            MessagingErrorCode.PreconditionFailed => (ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED", false),
            MessagingErrorCode.EntityAlreadyExists => (ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED", false),
            MessagingErrorCode.InvalidArgument => (ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED", false),
            MessagingErrorCode.InvalidOperation => (ReplyCodes.AccessRefused, "ACCESS_REFUSED", false),
            MessagingErrorCode.Unauthorized => (ReplyCodes.AccessRefused, "ACCESS_REFUSED", false),
            MessagingErrorCode.QuotaExceeded or MessagingErrorCode.StorageFull => (ReplyCodes.ResourceError, "RESOURCE_ERROR", false),
            _ => (ReplyCodes.InternalError, "INTERNAL_ERROR", true),
        };
        return new Amqp091Exception(code, $"{word} - {e.Message}", connection, MethodIds.ClassOf(method), MethodIds.MethodOf(method));
    }
}
