using System.Xml;
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
        Results.Text(new XElement("Error", new XElement("Code", status), new XElement("Detail", XmlSafe(detail))).ToString(SaveOptions.DisableFormatting),
            "application/xml; charset=utf-8", statusCode: status);

    /// <summary>A detail may echo what the client sent (an entity name with a control character): characters XML cannot hold are written as \uXXXX.</summary>
    private static string XmlSafe(string text)
    {
        if (!text.Any(c => !XmlConvert.IsXmlChar(c)))
        {
            return text;
        }
        var safe = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (XmlConvert.IsXmlChar(c) || char.IsSurrogate(c))
            {
                safe.Append(c);
            }
            else
            {
                safe.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }
        return safe.ToString();
    }
}
