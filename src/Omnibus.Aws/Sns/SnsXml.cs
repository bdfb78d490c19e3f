using System.Xml;
using Omnibus.Aws.Http;

namespace Omnibus.Aws.Sns;

/// <summary>
/// SNS's XML answers: <c>&lt;XResponse&gt;&lt;XResult&gt;...&lt;/XResult&gt;&lt;ResponseMetadata&gt;&lt;RequestId/&gt;...</c> in
/// SNS's namespace, maps as <c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;</c>, lists as <c>&lt;member&gt;</c>; errors as
/// <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.
/// </summary>
internal static class SnsXml
{
    public const string Namespace = "http://sns.amazonaws.com/doc/2010-03-31/";
    public const string ContentType = QueryXml.ContentType;

    /// <summary>An answer; <paramref name="result"/> null for the actions whose answer has no result element.</summary>
    public static byte[] Response(string action, string requestId, Action<XmlWriter>? result) =>
        QueryXml.Response(Namespace, action, requestId, result);

    public static byte[] Error(SnsError error, string message, string requestId) =>
        QueryXml.Error(Namespace, error.SenderFault, error.Code, message, requestId);

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
