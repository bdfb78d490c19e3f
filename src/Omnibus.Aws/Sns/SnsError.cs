namespace Omnibus.Aws.Sns;

/// <summary>
/// One SNS error: the code the query protocol sends in <c>&lt;Error&gt;&lt;Code&gt;</c> (the SDKs pick the exception
/// class from it), the HTTP status, and whether the caller is at fault. Codes and statuses are SNS's service model's.
/// </summary>
internal sealed record SnsError(string Code, int Status, bool SenderFault = true)
{
    public static readonly SnsError NotFound = new("NotFound", 404);
    public static readonly SnsError ResourceNotFound = new("ResourceNotFound", 404);
    public static readonly SnsError InvalidParameter = new("InvalidParameter", 400);
    public static readonly SnsError ParameterValueInvalid = new("ParameterValueInvalid", 400);
    public static readonly SnsError AuthorizationError = new("AuthorizationError", 403);

    /// <summary>AWS's common error for a service that cannot take the request now (SDKs retry it): the broker's disk below its floor.</summary>
    public static readonly SnsError ServiceUnavailable = new("ServiceUnavailable", 503);
    public static readonly SnsError FilterPolicyLimitExceeded = new("FilterPolicyLimitExceeded", 403);
    public static readonly SnsError TagLimitExceeded = new("TagLimitExceeded", 400);
    public static readonly SnsError EmptyBatchRequest = new("EmptyBatchRequest", 400);
    public static readonly SnsError TooManyEntriesInBatchRequest = new("TooManyEntriesInBatchRequest", 400);
    public static readonly SnsError BatchEntryIdsNotDistinct = new("BatchEntryIdsNotDistinct", 400);
    public static readonly SnsError InvalidBatchEntryId = new("InvalidBatchEntryId", 400);
    public static readonly SnsError BatchRequestTooLong = new("BatchRequestTooLong", 400);
    public static readonly SnsError Throttled = new("Throttled", 429);
    public static readonly SnsError InvalidAction = new("InvalidAction", 400);
    public static readonly SnsError InternalError = new("InternalError", 500, SenderFault: false);
}

/// <summary>A request refused with an SNS error.</summary>
internal sealed class SnsException(SnsError error, string message) : Exception(message)
{
    public SnsError Error { get; } = error;
}
