using System.Text;
using System.Xml;

namespace Omnibus.Aws.Http;

/// <summary>
/// The query protocol's XML envelope, the same for SNS and SQS in their own namespaces:
/// <c>&lt;XResponse&gt;&lt;XResult&gt;...&lt;/XResult&gt;&lt;ResponseMetadata&gt;&lt;RequestId/&gt;...</c>, and errors as
/// <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.
/// </summary>
internal static class QueryXml
{
    public const string ContentType = "text/xml";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, CheckCharacters = false };

    /// <summary>An answer; <paramref name="result"/> null for the actions whose answer has no result element.</summary>
    public static byte[] Response(string ns, string action, string requestId, Action<XmlWriter>? result)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, Settings))
        {
            w.WriteStartElement(action + "Response", ns);
            if (result is not null)
            {
                w.WriteStartElement(action + "Result");
                result(w);
                w.WriteEndElement();
            }
            w.WriteStartElement("ResponseMetadata");
            w.WriteElementString("RequestId", requestId);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return stream.ToArray();
    }

    public static byte[] Error(string ns, bool senderFault, string code, string message, string requestId)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, Settings))
        {
            w.WriteStartElement("ErrorResponse", ns);
            w.WriteStartElement("Error");
            w.WriteElementString("Type", senderFault ? "Sender" : "Receiver");
            w.WriteElementString("Code", code);
            w.WriteElementString("Message", message);
            w.WriteEndElement();
            w.WriteElementString("RequestId", requestId);
            w.WriteEndElement();
        }
        return stream.ToArray();
    }
}
