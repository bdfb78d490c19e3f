using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Messages;

public class MessageHeadersTests
{
    [Fact]
    public void Names_may_repeat_and_lookups_see_the_first_value_while_GetAll_sees_every_one()
    {
        var headers = new MessageHeaders();
        headers.Add("a", 1);
        headers.Add("b", 2);
        headers.Add("a", 3);

        Assert.Equal(3, headers.Count);
        Assert.Equal(1, headers["a"]);
        Assert.Equal([1, 3], headers.GetAll("a"));
        Assert.Equal(["a", "b", "a"], headers.Names);
    }

    [Fact]
    public void Setting_a_name_leaves_one_value_in_the_first_ones_place_and_Remove_removes_them_all()
    {
        var headers = new MessageHeaders();
        headers.Add("a", 1);
        headers.Add("b", 2);
        headers.Add("a", 3);

        headers["a"] = 9;
        Assert.Equal(["a", "b"], headers.Names);
        Assert.Equal(9, headers["a"]);

        headers.Add("b", 4);
        Assert.True(headers.Remove("b"));
        Assert.Equal(["a"], headers.Names);
        Assert.False(headers.Remove("b"));
    }

    [Fact]
    public void Names_are_case_sensitive_and_a_missing_name_throws_on_the_indexer()
    {
        var headers = new MessageHeaders { ["Color"] = "red" };

        Assert.False(headers.ContainsKey("color"));
        Assert.False(headers.TryGetValue("color", out _));
        Assert.Throws<KeyNotFoundException>(() => headers["color"]);
    }

    [Fact]
    public void An_array_holds_values_of_one_type_only()
    {
        Assert.Throws<ArgumentException>(() => new HeaderArray([1, "x"]));
        Assert.Throws<ArgumentException>(() => new HeaderArray([1, null]));
        Assert.Equal(2, new HeaderArray([1, 2]).Count);
    }

    [Fact]
    public void A_scaled_decimal_keeps_values_wider_than_System_Decimal_and_converts_when_it_fits()
    {
        var small = new ScaledDecimal(-12345, 2);
        var wide = new ScaledDecimal(System.Numerics.BigInteger.Pow(10, 40), 3);

        Assert.True(small.TryToDecimal(out decimal d));
        Assert.Equal(-123.45m, d);
        Assert.Equal("-123.45", small.ToString());
        Assert.False(wide.TryToDecimal(out _));
        Assert.Equal("1" + new string('0', 37) + ".000", wide.ToString());
        Assert.NotEqual(new ScaledDecimal(10, 1), new ScaledDecimal(1, 0));
    }

    [Fact]
    public void Strings_inside_nested_header_values_count_toward_the_message_size()
    {
        var m = new BrokerMessage { Body = new byte[10], Key = new byte[5] };
        m.ApplicationProperties["h"] = new HeaderList([new HeaderMap([new("k", new string('x', 1000))])]);

        Assert.True(m.Size >= 10 + 5 + 1000);
    }

    [Fact]
    public void Every_canonical_header_name_is_distinct()
    {
        Assert.Equal(CanonicalHeaders.All.Count, CanonicalHeaders.All.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(14, CanonicalHeaders.All.Count);
    }
}
