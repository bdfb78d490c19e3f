using Omnibus.Core;

namespace Omnibus.Management.Api;

/// <summary>The HTTP status of a core error, on the JSON API and the Service Bus administration API alike (the status codes the SDK maps to its failure reasons).</summary>
public static class ErrorStatus
{
    public static int Of(MessagingErrorCode code) => code switch
    {
        MessagingErrorCode.EntityNotFound or MessagingErrorCode.MessageNotFound => 404,
        MessagingErrorCode.EntityAlreadyExists => 409,
        MessagingErrorCode.QuotaExceeded => 403,
        // 507 Insufficient Storage: the broker's disk, not the entity's quota, refused the write.
        MessagingErrorCode.StorageFull => 507,
        MessagingErrorCode.InvalidArgument or MessagingErrorCode.InvalidOperation => 400,
        MessagingErrorCode.Timeout => 408,
        MessagingErrorCode.Unauthorized => 401,
        MessagingErrorCode.PreconditionFailed => 412,
        _ => 500,
    };
}
