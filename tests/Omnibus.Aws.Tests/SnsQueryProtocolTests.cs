using System.Text;
using System.Xml.Linq;
using Omnibus.Aws.Sns;

namespace Omnibus.Aws.Tests;

/// <summary>The query protocol's pieces as pure code: form bodies with SNS's flattened names, and XML answers and errors.</summary>
public sealed class SnsQueryProtocolTests
{
    private static readonly XNamespace Sns = SnsXml.Namespace;

    [Fact]
    public void A_form_body_is_decoded_with_plus_as_space_and_utf8_escapes()
    {
        QueryArgs args = QueryArgs.Parse(Encoding.UTF8.GetBytes("Action=Publish&Message=caf%C3%A9+au+lait&Subject=a%2Bb&Empty="));
        Assert.Equal("Publish", args.String("Action"));
        Assert.Equal("café au lait", args.String("Message"));
        Assert.Equal("a+b", args.String("Subject"));
        Assert.Equal("", args.String("Empty"));
        Assert.Null(args.String("Missing"));
    }

    [Fact]
    public void Maps_and_lists_are_read_in_the_order_of_their_numbers()
    {
        QueryArgs args = QueryArgs.Parse(Encoding.UTF8.GetBytes(
            "Attributes.entry.2.key=B&Attributes.entry.2.value=2&Attributes.entry.1.key=A&Attributes.entry.1.value=1"
            + "&Tags.member.1.Key=team&Tags.member.1.Value=x&TagKeys.member.10=k10&TagKeys.member.2=k2"));
        Assert.Equal([new("A", "1"), new("B", "2")], args.Map("Attributes"));
        QueryArgs tag = Assert.Single(args.Members("Tags"));
        Assert.Equal(("team", "x"), (tag.String("Key"), tag.String("Value")));
        Assert.Equal(["k2", "k10"], args.Strings("TagKeys"));
    }

    [Fact]
    public void Message_attributes_nest_their_value_under_the_entry()
    {
        QueryArgs args = QueryArgs.Parse(Encoding.UTF8.GetBytes(
            "PublishBatchRequestEntries.member.1.Id=a&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=n"
            + "&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType=Number"
            + "&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue=5"));
        QueryArgs entry = Assert.Single(args.Members("PublishBatchRequestEntries"));
        var (_, attribute, _) = Assert.Single(entry.Numbered("MessageAttributes.entry"));
        Assert.Equal(("n", "Number", "5"), (attribute.String("Name"), attribute.String("Value.DataType"), attribute.String("Value.StringValue")));
    }

    [Fact]
    public void A_key_given_twice_in_a_map_is_invalid()
    {
        QueryArgs args = QueryArgs.Parse(Encoding.UTF8.GetBytes("Attributes.entry.1.key=A&Attributes.entry.2.key=A"));
        SnsException e = Assert.Throws<SnsException>(() => args.Map("Attributes"));
        Assert.Equal("InvalidParameter", e.Error.Code);
    }

    [Fact]
    public void A_malformed_escape_is_kept_as_written() =>
        Assert.Equal("%ZZ", QueryArgs.Parse(Encoding.UTF8.GetBytes("Action=%ZZ")).String("Action"));

    [Fact]
    public void An_answer_wraps_its_result_and_the_request_id_in_the_sns_namespace()
    {
        byte[] xml = SnsXml.Response("GetTopicAttributes", "req-1", w => SnsXml.WriteMap(w, "Attributes", [new("TopicArn", "arn:x"), new("DisplayName", "a<b")]));
        XElement root = XDocument.Parse(Encoding.UTF8.GetString(xml)).Root!;
        Assert.Equal(Sns + "GetTopicAttributesResponse", root.Name);
        XElement[] entries = [.. root.Element(Sns + "GetTopicAttributesResult")!.Element(Sns + "Attributes")!.Elements(Sns + "entry")];
        Assert.Equal(("DisplayName", "a<b"), (entries[1].Element(Sns + "key")!.Value, entries[1].Element(Sns + "value")!.Value));
        Assert.Equal("req-1", root.Element(Sns + "ResponseMetadata")!.Element(Sns + "RequestId")!.Value);
    }

    [Fact]
    public void An_action_without_output_has_no_result_element()
    {
        XElement root = XDocument.Parse(Encoding.UTF8.GetString(SnsXml.Response("DeleteTopic", "r", null))).Root!;
        Assert.Null(root.Element(Sns + "DeleteTopicResult"));
        Assert.NotNull(root.Element(Sns + "ResponseMetadata"));
    }

    [Fact]
    public void An_error_names_its_type_code_and_message()
    {
        XElement root = XDocument.Parse(Encoding.UTF8.GetString(SnsXml.Error(SnsError.NotFound, "Topic does not exist", "r"))).Root!;
        Assert.Equal(Sns + "ErrorResponse", root.Name);
        XElement error = root.Element(Sns + "Error")!;
        Assert.Equal(("Sender", "NotFound", "Topic does not exist"),
            (error.Element(Sns + "Type")!.Value, error.Element(Sns + "Code")!.Value, error.Element(Sns + "Message")!.Value));
        Assert.Equal("r", root.Element(Sns + "RequestId")!.Value);
    }

    [Theory]
    [InlineData("arn:aws:sns:us-east-1:000000000000:orders", "orders")]
    [InlineData("arn:aws:sns:eu-west-1:000000000000:orders.fifo", "orders.fifo")]
    public void A_topic_arn_names_its_topic_in_any_region(string arn, string name) => Assert.Equal(name, TopicAddress.TopicName(arn));

    [Theory]
    [InlineData("orders")]
    [InlineData("arn:aws:sqs:us-east-1:000000000000:orders")]
    [InlineData("arn:aws:sns:us-east-1:000000000000:bad name")]
    public void Anything_else_is_not_a_topic_arn(string arn) => Assert.Throws<SnsException>(() => TopicAddress.TopicName(arn));

    [Fact]
    public void A_subscription_arn_is_the_topic_arn_and_an_id()
    {
        Assert.Equal(("orders", "1234"), TopicAddress.Subscription("arn:aws:sns:us-east-1:000000000000:orders:1234"));
        Assert.Throws<SnsException>(() => TopicAddress.Subscription("arn:aws:sns:us-east-1:000000000000:orders"));
    }
}
