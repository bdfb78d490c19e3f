using Omnibus.Core;

namespace Omnibus.Aws.Sqs;

/// <summary>The core's neutral errors as SQS errors.</summary>
internal static class ErrorMapping
{
    public static SqsException ToSqs(MessagingException e) => e.Code switch
    {
        MessagingErrorCode.EntityNotFound => new SqsException(SqsError.QueueDoesNotExist, "The specified queue does not exist."),
        MessagingErrorCode.EntityAlreadyExists => new SqsException(SqsError.QueueNameExists, e.Message),
        MessagingErrorCode.QuotaExceeded => new SqsException(SqsError.OverLimit, e.Message),
        MessagingErrorCode.StorageFull => new SqsException(SqsError.ServiceUnavailable, e.Message),
        MessagingErrorCode.Unauthorized => new SqsException(SqsError.AccessDenied, e.Message),
        MessagingErrorCode.MessageLockLost => new SqsException(SqsError.MessageNotInflight, "Message does not exist or is not available for visibility timeout change."),
        _ => new SqsException(SqsError.InvalidParameterValue, e.Message),
    };
}
