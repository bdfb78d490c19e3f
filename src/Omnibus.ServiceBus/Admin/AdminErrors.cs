using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Service Bus error bodies (<c>&lt;Error&gt;&lt;Code/&gt;&lt;Detail/&gt;&lt;/Error&gt;</c>); the status of a core error is <see cref="Omnibus.Management.Api.ErrorStatus"/>, the one the JSON API answers with too.</summary>
internal static class AdminErrors
{
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
