using System.Text;
using System.Xml;

namespace Omnibus.Aws.Sns;

/// <summary>
/// SNS's XML answers: <c>&lt;XResponse&gt;&lt;XResult&gt;...&lt;/XResult&gt;&lt;ResponseMetadata&gt;&lt;RequestId/&gt;...</c> in
/// SNS's namespace, maps as <c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;</c>, lists as <c>&lt;member&gt;</c>; errors as
/// <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.
/// </summary>
internal static class SnsXml
{
    public const string Namespace = "http://sns.amazonaws.com/doc/2010-03-31/";
    public const string ContentType = "text/xml";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, CheckCharacters = false };

    /// <summary>An answer; <paramref name="result"/> null for the actions whose answer has no result element.</summary>
    public static byte[] Response(string action, string requestId, Action<XmlWriter>? result)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, Settings))
        {
            w.WriteStartElement(action + "Response", Namespace);
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

    public static byte[] Error(SnsError error, string message, string requestId)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, Settings))
        {
            w.WriteStartElement("ErrorResponse", Namespace);
            w.WriteStartElement("Error");
            w.WriteElementString("Type", error.SenderFault ? "Sender" : "Receiver");
            w.WriteElementString("Code", error.Code);
            w.WriteElementString("Message", message);
            w.WriteEndElement();
            w.WriteElementString("RequestId", requestId);
            w.WriteEndElement();
        }
        return stream.ToArray();
    }

    public static void WriteMap(XmlWriter w, string name, IEnumerable<KeyValuePair<string, string>> entries)
    {
        w.WriteStartElement(name);
        foreach ((string k, string v) in entries)
        {
            w.WriteStartElement("entry");
            w.WriteElementString("key", k);
            w.WriteElementString("value", v);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }
}
