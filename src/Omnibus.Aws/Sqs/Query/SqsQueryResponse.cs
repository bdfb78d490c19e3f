using System.Text.Json;
using System.Xml;
using Omnibus.Aws.Http;

namespace Omnibus.Aws.Sqs.Query;

/// <summary>
/// The JSON protocol's answer written as the query protocol's XML: <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;</c>,
/// flattened lists (one element per item, named for the item), maps as repeated
/// <c>&lt;Attribute&gt;&lt;Name/&gt;&lt;Value/&gt;&lt;/Attribute&gt;</c> (tags: <c>Key</c> / <c>Value</c>), and
/// <c>ResponseMetadata/RequestId</c>. Errors as <c>&lt;ErrorResponse&gt;</c> with the legacy query code. Pure.
/// </summary>
internal static class SqsQueryResponse
{
    public const string ContentType = QueryXml.ContentType;
    private const string Namespace = "http://queue.amazonaws.com/doc/2012-11-05/";

    /// <summary>The element name of one item of a flattened list, by the JSON member (batch results by action).</summary>
    private static string ItemName(string action, string member) => member switch
    {
        "QueueUrls" or "queueUrls" => "QueueUrl",
        "Messages" => "Message",
        "Successful" => action + "ResultEntry",
        "Failed" => "BatchResultErrorEntry",
        "Results" => "ListMessageMoveTasksResultEntry",
        _ => member,
    };

    public static byte[] Success(string action, ReadOnlySpan<byte> json, string requestId)
    {
        using JsonDocument document = JsonDocument.Parse(json.Length == 0 ? "{}"u8.ToArray() : json.ToArray());
        JsonElement root = document.RootElement;
        bool hasResult = root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Any();
        return QueryXml.Response(Namespace, action, requestId, hasResult ? w => WriteMembers(w, action, root) : null);
    }

    public static byte[] Error(SqsError error, string message, string requestId) =>
        QueryXml.Error(Namespace, error.SenderFault, error.Code, message, requestId);

    private static void WriteMembers(XmlWriter w, string action, JsonElement obj)
    {
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            switch (p.Name)
            {
                case "Attributes" when p.Value.ValueKind == JsonValueKind.Object:
                    WriteMap(w, action, "Attribute", "Name", p.Value);
                    break;
                case "MessageAttributes" when p.Value.ValueKind == JsonValueKind.Object:
                    WriteMap(w, action, "MessageAttribute", "Name", p.Value);
                    break;
                case "Tags" when p.Value.ValueKind == JsonValueKind.Object:
                    WriteMap(w, action, "Tag", "Key", p.Value);
                    break;
                default:
                    WriteValue(w, action, p.Name, p.Value);
                    break;
            }
        }
    }

    private static void WriteMap(XmlWriter w, string action, string entry, string key, JsonElement map)
    {
        foreach (JsonProperty p in map.EnumerateObject())
        {
            w.WriteStartElement(entry);
            w.WriteElementString(key, p.Name);
            WriteValue(w, action, "Value", p.Value);
            w.WriteEndElement();
        }
    }

    private static void WriteValue(XmlWriter w, string action, string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                string item = ItemName(action, name);
                foreach (JsonElement e in value.EnumerateArray())
                {
                    WriteValue(w, action, item, e);
                }
                break;
            case JsonValueKind.Object:
                w.WriteStartElement(name);
                WriteMembers(w, action, value);
                w.WriteEndElement();
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            case JsonValueKind.String:
                w.WriteElementString(name, value.GetString());
                break;
            default:
                w.WriteElementString(name, value.GetRawText()); // numbers as written, true / false
                break;
        }
    }
}
