using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Service Bus error bodies (<c>&lt;Error&gt;&lt;Code/&gt;&lt;Detail/&gt;&lt;/Error&gt;</c>); the status of a core error is <see cref="Omnibus.Management.Api.ErrorStatus"/>, the one the JSON API answers with too.</summary>
internal static class AdminErrors
{
    /// <summary>The error answer; markup in <paramref name="detail"/> is escaped by the XML writer, and characters XML cannot hold are written as <c>\uXXXX</c>.</summary>
    public static IResult Result(int status, string detail) =>
        Results.Text(Body(status, detail), "application/xml; charset=utf-8", statusCode: status);

    internal static string Body(int status, string detail) =>
        new XElement("Error", new XElement("Code", status), new XElement("Detail", XmlSafe(detail))).ToString(SaveOptions.DisableFormatting);

    /// <summary>
    /// A detail may echo what the client sent (an entity name with a control character or a lone
    /// surrogate): the XML writer would throw on those and the answer become a 500, so they are written
    /// as <c>\uXXXX</c>, which keeps visible which character was refused.
    /// </summary>
    internal static string XmlSafe(string text)
    {
        StringBuilder? safe = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (XmlConvert.IsXmlChar(c))
            {
                safe?.Append(c);
                continue;
            }
            safe ??= new StringBuilder(text.Length + 8).Append(text, 0, i);
            safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }
        return safe?.ToString() ?? text;
    }
}
