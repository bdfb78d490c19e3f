using System.Text;
using Omnibus.Aws.Sns.Filtering;
using Omnibus.Aws.Sqs;

namespace Omnibus.Aws.Tests;

/// <summary>SNS filter policy semantics, on message attributes and on JSON bodies, evaluated as pure code.</summary>
public sealed class FilterPolicyTests
{
    private static bool Attributes(string policy, params (string Name, string Type, string Value)[] attributes) =>
        FilterPolicy.Parse(policy, FilterPolicyScope.MessageAttributes).Matches(
            new AttributesSubject([.. attributes.Select(a => new KeyValuePair<string, SqsAttributeValue>(a.Name,
                a.Type == "Binary" ? new SqsAttributeValue(a.Type, null, Encoding.UTF8.GetBytes(a.Value)) : new SqsAttributeValue(a.Type, a.Value, null)))]));

    private static bool Body(string policy, string body)
    {
        using System.Text.Json.JsonDocument? doc = JsonBodySubject.TryParse(Encoding.UTF8.GetBytes(body));
        return FilterPolicy.Parse(policy, FilterPolicyScope.MessageBody).Matches(JsonBodySubject.Of(doc));
    }

    [Fact]
    public void Exact_strings_match_case_sensitively_and_a_list_is_any_of_its_values()
    {
        Assert.True(Attributes("""{"color": ["red", "blue"]}""", ("color", "String", "blue")));
        Assert.False(Attributes("""{"color": ["red"]}""", ("color", "String", "Red")));
        Assert.False(Attributes("""{"color": ["red"]}""", ("size", "String", "red")));
    }

    [Fact]
    public void Every_key_must_match()
    {
        const string policy = """{"color": ["red"], "size": ["L"]}""";
        Assert.True(Attributes(policy, ("color", "String", "red"), ("size", "String", "L")));
        Assert.False(Attributes(policy, ("color", "String", "red"), ("size", "String", "M")));
        Assert.False(Attributes(policy, ("color", "String", "red")));
    }

    [Fact]
    public void Exact_numbers_match_number_attributes_numerically_not_strings()
    {
        Assert.True(Attributes("""{"n": [100]}""", ("n", "Number", "100.0")));
        Assert.True(Attributes("""{"n": [100]}""", ("n", "Number", "1e2")));
        Assert.False(Attributes("""{"n": [100]}""", ("n", "String", "100")));
        Assert.False(Attributes("""{"n": ["100"]}""", ("n", "Number", "100")));
    }

    [Fact]
    public void Prefix_suffix_and_equals_ignore_case_compare_strings()
    {
        Assert.True(Attributes("""{"s": [{"prefix": "ord-"}]}""", ("s", "String", "ord-1")));
        Assert.False(Attributes("""{"s": [{"prefix": "ord-"}]}""", ("s", "String", "xord-1")));
        Assert.True(Attributes("""{"s": [{"suffix": ".png"}]}""", ("s", "String", "a.png")));
        Assert.False(Attributes("""{"s": [{"suffix": ".png"}]}""", ("s", "String", "a.jpg")));
        Assert.True(Attributes("""{"s": [{"equals-ignore-case": "ReD"}]}""", ("s", "String", "red")));
        Assert.True(Attributes("""{"s": [{"prefix": {"equals-ignore-case": "ORD"}}]}""", ("s", "String", "order")));
    }

    [Fact]
    public void Anything_but_excludes_values_and_prefixes_but_needs_the_key()
    {
        Assert.True(Attributes("""{"s": [{"anything-but": ["red", "blue"]}]}""", ("s", "String", "green")));
        Assert.False(Attributes("""{"s": [{"anything-but": ["red", "blue"]}]}""", ("s", "String", "red")));
        Assert.False(Attributes("""{"s": [{"anything-but": "red"}]}""", ("s", "String", "red")));
        Assert.True(Attributes("""{"n": [{"anything-but": 5}]}""", ("n", "Number", "6")));
        Assert.False(Attributes("""{"n": [{"anything-but": [5]}]}""", ("n", "Number", "5")));
        Assert.False(Attributes("""{"s": [{"anything-but": {"prefix": "test-"}}]}""", ("s", "String", "test-1")));
        Assert.True(Attributes("""{"s": [{"anything-but": {"prefix": "test-"}}]}""", ("s", "String", "prod-1")));
        Assert.False(Attributes("""{"s": [{"anything-but": "red"}]}"""));
    }

    [Fact]
    public void Numeric_comparisons_and_ranges_apply_to_numbers()
    {
        const string range = """{"price": [{"numeric": [">", 0, "<=", 150]}]}""";
        Assert.True(Attributes(range, ("price", "Number", "150")));
        Assert.True(Attributes(range, ("price", "Number", "0.5")));
        Assert.False(Attributes(range, ("price", "Number", "0")));
        Assert.False(Attributes(range, ("price", "Number", "150.01")));
        Assert.False(Attributes(range, ("price", "String", "10")));
        Assert.True(Attributes("""{"n": [{"numeric": ["=", 3]}]}""", ("n", "Number", "3")));
        Assert.True(Attributes("""{"n": [{"numeric": [">=", 3]}]}""", ("n", "Number", "3")));
        Assert.False(Attributes("""{"n": [{"numeric": ["<", 3]}]}""", ("n", "Number", "3")));
    }

    [Fact]
    public void Exists_matches_on_presence_or_absence()
    {
        Assert.True(Attributes("""{"k": [{"exists": true}]}""", ("k", "String", "v")));
        Assert.False(Attributes("""{"k": [{"exists": true}]}"""));
        Assert.True(Attributes("""{"k": [{"exists": false}]}""", ("other", "String", "v")));
        Assert.False(Attributes("""{"k": [{"exists": false}]}""", ("k", "String", "v")));
    }

    [Fact]
    public void Cidr_matches_ip_addresses_in_the_block()
    {
        Assert.True(Attributes("""{"ip": [{"cidr": "10.0.0.0/24"}]}""", ("ip", "String", "10.0.0.255")));
        Assert.False(Attributes("""{"ip": [{"cidr": "10.0.0.0/24"}]}""", ("ip", "String", "10.0.1.1")));
        Assert.True(Attributes("""{"ip": [{"cidr": "2001:db8::/32"}]}""", ("ip", "String", "2001:db8::1")));
        Assert.False(Attributes("""{"ip": [{"cidr": "10.0.0.0/24"}]}""", ("ip", "String", "not an ip")));
    }

    [Fact]
    public void Or_holds_alternative_policies()
    {
        const string policy = """{"source": ["shop"], "$or": [{"kind": ["order"]}, {"price": [{"numeric": [">", 100]}]}]}""";
        Assert.True(Attributes(policy, ("source", "String", "shop"), ("kind", "String", "order")));
        Assert.True(Attributes(policy, ("source", "String", "shop"), ("price", "Number", "101")));
        Assert.False(Attributes(policy, ("source", "String", "shop"), ("price", "Number", "99")));
        Assert.False(Attributes(policy, ("source", "String", "web"), ("kind", "String", "order")));
    }

    [Fact]
    public void A_string_array_attribute_matches_when_any_element_does_and_binary_attributes_are_ignored()
    {
        Assert.True(Attributes("""{"tags": ["b"]}""", ("tags", "String.Array", """["a", "b"]""")));
        Assert.True(Attributes("""{"tags": [{"numeric": [">", 2]}]}""", ("tags", "String.Array", """[1, 3]""")));
        Assert.False(Attributes("""{"tags": ["c"]}""", ("tags", "String.Array", """["a", "b"]""")));
        Assert.False(Attributes("""{"b": [{"exists": true}]}""", ("b", "Binary", "xyz")));
    }

    [Fact]
    public void Body_scope_follows_nested_keys_and_arrays()
    {
        const string body = """{"order": {"kind": "rush", "items": [{"sku": "a1"}, {"sku": "b2"}], "total": 120, "gift": true, "note": null}}""";
        Assert.True(Body("""{"order": {"kind": ["rush"]}}""", body));
        Assert.True(Body("""{"order": {"items": {"sku": ["b2"]}}}""", body));
        Assert.True(Body("""{"order": {"total": [{"numeric": [">=", 100]}], "gift": [true]}}""", body));
        Assert.True(Body("""{"order": {"note": [null]}}""", body));
        Assert.False(Body("""{"order": {"kind": ["slow"]}}""", body));
        Assert.False(Body("""{"order": {"missing": [{"exists": true}]}}""", body));
        Assert.True(Body("""{"order": {"missing": [{"exists": false}]}}""", body));
        Assert.True(Body("""{"$or": [{"order": {"kind": ["slow"]}}, {"order": {"total": [120]}}]}""", body));
    }

    [Fact]
    public void A_body_that_is_not_json_matches_only_absence()
    {
        Assert.False(Body("""{"a": ["x"]}""", "plain text"));
        Assert.True(Body("""{"a": [{"exists": false}]}""", "plain text"));
    }

    [Theory]
    [InlineData("""not json""")]
    [InlineData("""["a"]""")]
    [InlineData("""{"a": "x"}""")]
    [InlineData("""{"a": []}""")]
    [InlineData("""{"a": [{"unknown-op": 1}]}""")]
    [InlineData("""{"a": [{"numeric": [">", "x"]}]}""")]
    [InlineData("""{"a": [{"numeric": ["<", 1, ">", 5]}]}""")]
    [InlineData("""{"a": [{"numeric": [">", 5, "<", 1]}]}""")]
    [InlineData("""{"a": [{"exists": "yes"}]}""")]
    [InlineData("""{"a": [{"cidr": "10.0.0.0"}]}""")]
    [InlineData("""{"a": {"b": ["x"]}}""")]
    [InlineData("""{"$or": [{"a": ["x"]}]}""")]
    [InlineData("""{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]}""")]
    public void A_policy_sns_refuses_is_refused(string policy) =>
        Assert.Throws<FilterPolicyException>(() => FilterPolicy.Parse(policy, FilterPolicyScope.MessageAttributes));

    [Fact]
    public void More_than_150_combinations_are_refused()
    {
        string Values(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"v{i}\"")) + "]";
        Assert.Throws<FilterPolicyException>(() => FilterPolicy.Parse($$"""{"a": {{Values(13)}}, "b": {{Values(12)}}}""", FilterPolicyScope.MessageAttributes));
        FilterPolicy.Parse($$"""{"a": {{Values(10)}}, "b": {{Values(15)}}}""", FilterPolicyScope.MessageAttributes);
    }
}
