using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Omnibus.Aws.Sqs.Query;

/// <summary>
/// SQS's query protocol (form posts from the AWS CLI and the SDKs of the query era) read into the JSON
/// protocol's request shape, so one set of actions serves both. Lists and maps arrive flattened with
/// 1-based indexes (<c>AttributeName.1</c>, <c>Attribute.1.Name</c> / <c>.Value</c>,
/// <c>SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue</c>); members that the JSON
/// protocol types as numbers become numbers. Pure: form values in, JSON out.
/// </summary>
internal static class SqsQueryRequest
{
    /// <summary>Flattened lists of structures: the query name of an entry and the JSON member.</summary>
    private static readonly Dictionary<string, string> EntryLists = new(StringComparer.Ordinal)
    {
        ["SendMessageBatchRequestEntry"] = "Entries",
        ["DeleteMessageBatchRequestEntry"] = "Entries",
        ["ChangeMessageVisibilityBatchRequestEntry"] = "Entries",
    };

    /// <summary>Flattened lists of strings.</summary>
    private static readonly Dictionary<string, string> StringLists = new(StringComparer.Ordinal)
    {
        ["AttributeName"] = "AttributeNames",
        ["MessageAttributeName"] = "MessageAttributeNames",
        ["MessageSystemAttributeName"] = "MessageSystemAttributeNames",
        ["TagKey"] = "TagKeys",
        ["AWSAccountId"] = "AWSAccountIds",
        ["ActionName"] = "Actions",
    };

    /// <summary>Flattened maps: the query name, the JSON member, and the names of an entry's key and value.</summary>
    private static readonly Dictionary<string, (string Member, string Key, string Value)> Maps = new(StringComparer.Ordinal)
    {
        ["Attribute"] = ("Attributes", "Name", "Value"),
        ["MessageAttribute"] = ("MessageAttributes", "Name", "Value"),
        ["MessageSystemAttribute"] = ("MessageSystemAttributes", "Name", "Value"),
        ["Tag"] = ("Tags", "Key", "Value"),
    };

    private static readonly HashSet<string> Numbers = new(StringComparer.Ordinal)
    {
        "DelaySeconds", "MaxNumberOfMessages", "VisibilityTimeout", "WaitTimeSeconds", "MaxResults", "MaxNumberOfMessagesPerSecond",
    };

    /// <summary>The JSON request for these form values (<c>Action</c>, <c>Version</c> and signing members left out).</summary>
    public static byte[] ToJson(string action, IReadOnlyDictionary<string, string> form)
    {
        var root = new Node();
        foreach ((string key, string value) in form)
        {
            if (key is "Action" or "Version" || key.StartsWith("X-Amz-", StringComparison.Ordinal))
            {
                continue;
            }
            Node at = root;
            foreach (string segment in key.Split('.'))
            {
                at = at.Child(segment);
            }
            at.Value = value;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            // CreateQueue's tags are "tags" in the JSON protocol; TagQueue's are "Tags".
            WriteObject(w, root, tagsMember: action == "CreateQueue" ? "tags" : "Tags");
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteObject(Utf8JsonWriter w, Node node, string tagsMember = "Tags")
    {
        w.WriteStartObject();
        foreach ((string name, Node child) in node.Children)
        {
            if (EntryLists.TryGetValue(name, out string? entries))
            {
                w.WriteStartArray(entries);
                foreach (Node entry in child.Indexed())
                {
                    WriteObject(w, entry);
                }
                w.WriteEndArray();
            }
            else if (StringLists.TryGetValue(name, out string? list))
            {
                w.WriteStartArray(list);
                foreach (Node item in child.Indexed())
                {
                    w.WriteStringValue(item.Value ?? "");
                }
                w.WriteEndArray();
            }
            else if (Maps.TryGetValue(name, out (string Member, string Key, string Value) map))
            {
                w.WriteStartObject(name == "Tag" ? tagsMember : map.Member);
                foreach (Node entry in child.Indexed())
                {
                    string key = entry.Find(map.Key)?.Value ?? "";
                    Node? value = entry.Find(map.Value);
                    w.WritePropertyName(key);
                    if (value is { Children.Count: > 0 })
                    {
                        WriteObject(w, value); // a message attribute's value: StringValue, BinaryValue, DataType
                    }
                    else
                    {
                        w.WriteStringValue(value?.Value ?? "");
                    }
                }
                w.WriteEndObject();
            }
            else if (Numbers.Contains(name) && long.TryParse(child.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number))
            {
                w.WriteNumber(name, number);
            }
            else if (child.Children.Count > 0)
            {
                w.WritePropertyName(name);
                WriteObject(w, child);
            }
            else
            {
                w.WriteString(name, child.Value ?? "");
            }
        }
        w.WriteEndObject();
    }

    /// <summary>One segment of the dotted form keys.</summary>
    private sealed class Node
    {
        public string? Value { get; set; }

        public List<(string Name, Node Node)> Children { get; } = [];

        public Node Child(string name)
        {
            if (Find(name) is { } existing)
            {
                return existing;
            }
            var node = new Node();
            Children.Add((name, node));
            return node;
        }

        public Node? Find(string name)
        {
            foreach ((string n, Node node) in Children)
            {
                if (n == name)
                {
                    return node;
                }
            }
            return null;
        }

        /// <summary>The children named 1, 2, 3… in the order of their index (others are not list members).</summary>
        public IEnumerable<Node> Indexed() =>
            Children.Where(c => int.TryParse(c.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .OrderBy(c => int.Parse(c.Name, CultureInfo.InvariantCulture))
                .Select(c => c.Node);
    }
}
