using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Omnibus.Core;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Service Bus error bodies (<c>&lt;Error&gt;&lt;Code/&gt;&lt;Detail/&gt;&lt;/Error&gt;</c>) and the status codes the SDK maps to its failure reasons.</summary>
internal static class AdminErrors
{
    public static int StatusOf(MessagingErrorCode code) => code switch
    {
        MessagingErrorCode.EntityNotFound or MessagingErrorCode.MessageNotFound => 404,
        MessagingErrorCode.EntityAlreadyExists => 409,
        MessagingErrorCode.QuotaExceeded => 403,
        MessagingErrorCode.InvalidArgument or MessagingErrorCode.InvalidOperation => 400,
        MessagingErrorCode.Timeout => 408,
        MessagingErrorCode.Unauthorized => 401,
        _ => 500,
    };

    public static IResult Result(int status, string detail) =>
        Results.Text(new XElement("Error", new XElement("Code", status), new XElement("Detail", detail)).ToString(SaveOptions.DisableFormatting),
            "application/xml; charset=utf-8", statusCode: status);
}
