namespace Omnibus.Aws.Sqs;

/// <summary>
/// One SQS error: the shape name the JSON protocol sends in <c>__type</c> (the .NET SDK picks its exception
/// class from it), the legacy query-protocol code sent in <c>x-amzn-query-error</c>, the HTTP status and
/// whether the caller is at fault. The values are SQS's (its service model).
/// </summary>
internal sealed record SqsError(string Shape, string Code, int Status, bool SenderFault = true)
{
    public static readonly SqsError QueueDoesNotExist = new("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400);
    public static readonly SqsError QueueNameExists = new("QueueNameExists", "QueueAlreadyExists", 400);
    public static readonly SqsError QueueDeletedRecently = new("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400);
    public static readonly SqsError ReceiptHandleIsInvalid = new("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404);
    public static readonly SqsError MessageNotInflight = new("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400);
    public static readonly SqsError PurgeQueueInProgress = new("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403);
    public static readonly SqsError InvalidAttributeName = new("InvalidAttributeName", "InvalidAttributeName", 400);
    public static readonly SqsError InvalidAttributeValue = new("InvalidAttributeValue", "InvalidAttributeValue", 400);
    public static readonly SqsError InvalidMessageContents = new("InvalidMessageContents", "InvalidMessageContents", 400);
    public static readonly SqsError EmptyBatchRequest = new("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400);
    public static readonly SqsError TooManyEntriesInBatchRequest = new("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400);
    public static readonly SqsError BatchEntryIdsNotDistinct = new("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400);
    public static readonly SqsError InvalidBatchEntryId = new("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400);
    public static readonly SqsError BatchRequestTooLong = new("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400);
    public static readonly SqsError ResourceNotFound = new("ResourceNotFoundException", "ResourceNotFoundException", 404);
    public static readonly SqsError UnsupportedOperation = new("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400);
    public static readonly SqsError OverLimit = new("OverLimit", "OverLimit", 403);
    public static readonly SqsError InvalidAddress = new("InvalidAddress", "InvalidAddress", 404);
    public static readonly SqsError InvalidSecurity = new("InvalidSecurity", "InvalidSecurity", 403);

    // Not in the service model: the SDKs surface them by code.
    public static readonly SqsError InvalidParameterValue = new("InvalidParameterValue", "InvalidParameterValue", 400);
    public static readonly SqsError MissingParameter = new("MissingParameter", "MissingParameter", 400);
    public static readonly SqsError SerializationException = new("SerializationException", "SerializationException", 400);
    public static readonly SqsError UnknownOperation = new("UnknownOperationException", "InvalidAction", 400);
    public static readonly SqsError RequestEntityTooLarge = new("RequestEntityTooLarge", "RequestEntityTooLarge", 413);
    public static readonly SqsError MissingAuthenticationToken = new("MissingAuthenticationToken", "MissingAuthenticationToken", 403);
    public static readonly SqsError IncompleteSignature = new("IncompleteSignature", "IncompleteSignature", 400);
    public static readonly SqsError InvalidClientTokenId = new("InvalidClientTokenId", "InvalidClientTokenId", 403);
    public static readonly SqsError SignatureDoesNotMatch = new("SignatureDoesNotMatch", "SignatureDoesNotMatch", 403);
    public static readonly SqsError AccessDenied = new("AccessDenied", "AccessDenied", 403);
    public static readonly SqsError ServiceUnavailable = new("ServiceUnavailable", "ServiceUnavailable", 503, SenderFault: false);
    public static readonly SqsError InternalFailure = new("InternalFailure", "InternalFailure", 500, SenderFault: false);
}

/// <summary>A request refused with an SQS error.</summary>
internal sealed class SqsException(SqsError error, string message) : Exception(message)
{
    public SqsError Error { get; } = error;
}
