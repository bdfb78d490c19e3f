using Omnibus.Aws.Sqs;

namespace Omnibus.Aws.Tests;

/// <summary>The MD5 digests the SDKs check, as pure code.</summary>
public sealed class Md5Tests
{
    [Fact]
    public void The_digest_of_one_string_attribute_is_the_published_test_vector()
    {
        Assert.Equal("19e27d4e946b072f3f58da80d94fd778", MessageAttributeMd5.OfAttributes([new("attribName1", new SqsAttributeValue("String", "attribValue 1", null))]));
    }

    [Fact]
    public void The_digest_of_attributes_does_not_depend_on_their_order_but_on_their_types_and_values()
    {
        KeyValuePair<string, SqsAttributeValue> a = new("a", new SqsAttributeValue("Number", "1", null));
        KeyValuePair<string, SqsAttributeValue> b = new("b", new SqsAttributeValue("Binary", null, [1, 2, 3]));
        Assert.Equal(MessageAttributeMd5.OfAttributes([a, b]), MessageAttributeMd5.OfAttributes([b, a]));
        Assert.NotEqual(MessageAttributeMd5.OfAttributes([a]), MessageAttributeMd5.OfAttributes([new("a", new SqsAttributeValue("String", "1", null))]));
        Assert.Null(MessageAttributeMd5.OfAttributes([]));
    }

    [Fact]
    public void The_digest_of_a_body_is_the_md5_of_its_utf8_bytes_in_lower_case_hex()
    {
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", MessageAttributeMd5.OfBody("hello"));
    }

    [Fact]
    public void Message_text_refuses_characters_xml_cannot_carry()
    {
        Assert.True(MessageText.IsValid("tab\there\n\u00e9\U0001F600"));
        Assert.False(MessageText.IsValid("nul\u0000"));
        Assert.False(MessageText.IsValid("lone\uD800surrogate"));
        Assert.False(MessageText.IsValid("\uFFFE"));
    }
}
