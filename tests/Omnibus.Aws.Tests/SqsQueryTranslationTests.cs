using System.Text;
using System.Text.Json;
using Omnibus.Aws.Sqs;
using Omnibus.Aws.Sqs.Query;

namespace Omnibus.Aws.Tests;

/// <summary>SQS's query protocol read into the JSON request and the JSON answer written as query XML, as pure code.</summary>
public sealed class SqsQueryTranslationTests
{
    [Fact]
    public void Flattened_lists_maps_and_batch_entries_become_the_json_requests_members_with_numbers_as_numbers()
    {
        var form = new Dictionary<string, string>
        {
            ["Action"] = "SendMessageBatch",
            ["Version"] = "2012-11-05",
            ["QueueUrl"] = "http://localhost:4566/000000000000/q",
            ["SendMessageBatchRequestEntry.2.Id"] = "b",
            ["SendMessageBatchRequestEntry.2.MessageBody"] = "second",
            ["SendMessageBatchRequestEntry.1.Id"] = "a",
            ["SendMessageBatchRequestEntry.1.MessageBody"] = "first",
            ["SendMessageBatchRequestEntry.1.DelaySeconds"] = "5",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Name"] = "color",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType"] = "String",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue"] = "blue",
        };
        JsonElement json = JsonDocument.Parse(SqsQueryRequest.ToJson("SendMessageBatch", form)).RootElement;
        Assert.False(json.TryGetProperty("Action", out _));
        JsonElement[] entries = [.. json.GetProperty("Entries").EnumerateArray()];
        Assert.Equal(["a", "b"], entries.Select(e => e.GetProperty("Id").GetString()));
        Assert.Equal(JsonValueKind.Number, entries[0].GetProperty("DelaySeconds").ValueKind);
        Assert.Equal("blue", entries[0].GetProperty("MessageAttributes").GetProperty("color").GetProperty("StringValue").GetString());

        var create = new Dictionary<string, string> { ["QueueName"] = "q", ["Attribute.1.Name"] = "DelaySeconds", ["Attribute.1.Value"] = "3", ["Tag.1.Key"] = "team", ["Tag.1.Value"] = "a", ["AttributeName.1"] = "All" };
        JsonElement c = JsonDocument.Parse(SqsQueryRequest.ToJson("CreateQueue", create)).RootElement;
        Assert.Equal("3", c.GetProperty("Attributes").GetProperty("DelaySeconds").GetString());
        Assert.Equal("a", c.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal(["All"], c.GetProperty("AttributeNames").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void A_json_answer_is_written_as_query_xml_with_flattened_lists_and_maps()
    {
        byte[] json = """{"Messages":[{"MessageId":"m1","Body":"hi","Attributes":{"SenderId":"x"},"MessageAttributes":{"color":{"StringValue":"blue","DataType":"String"}}}]}"""u8.ToArray();
        string xml = Encoding.UTF8.GetString(SqsQueryResponse.Success("ReceiveMessage", json, "req-1"));
        Assert.Contains("<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ReceiveMessageResult><Message><MessageId>m1</MessageId><Body>hi</Body>", xml, StringComparison.Ordinal);
        Assert.Contains("<Attribute><Name>SenderId</Name><Value>x</Value></Attribute>", xml, StringComparison.Ordinal);
        Assert.Contains("<MessageAttribute><Name>color</Name><Value><StringValue>blue</StringValue><DataType>String</DataType></Value></MessageAttribute>", xml, StringComparison.Ordinal);
        Assert.EndsWith("<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ReceiveMessageResponse>", xml, StringComparison.Ordinal);

        string empty = Encoding.UTF8.GetString(SqsQueryResponse.Success("DeleteMessage", "{}"u8, "req-2"));
        Assert.DoesNotContain("DeleteMessageResult", empty, StringComparison.Ordinal);
        string error = Encoding.UTF8.GetString(SqsQueryResponse.Error(SqsError.QueueDoesNotExist, "gone", "req-3"));
        Assert.Contains("<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>gone</Message>", error, StringComparison.Ordinal);
    }
}
