using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

public class CorrelationFilterTests
{
    private static FilterMessage Full() => new()
    {
        CorrelationId = "c", MessageId = "m", To = "t", ReplyTo = "r", Subject = "l", SessionId = "s",
        ReplyToSessionId = "rs", ContentType = "ct",
    };

    [Fact]
    public void Every_system_field_must_match_exactly()
    {
        var all = new CorrelationFilter("c", "m", "t", "r", "l", "s", "rs", "ct");
        Assert.True(all.Evaluate(Full()).IsMatch);

        Action<FilterMessage>[] spoilers =
        [
            m => m.CorrelationId = "C", m => m.MessageId = "x", m => m.To = null, m => m.ReplyTo = "r ",
            m => m.Subject = "L", m => m.SessionId = "", m => m.ReplyToSessionId = "x", m => m.ContentType = "CT",
        ];
        foreach (var spoil in spoilers)
        {
            var m = Full();
            spoil(m);
            Assert.False(all.Evaluate(m).IsMatch);
        }
    }

    [Fact]
    public void Unset_fields_are_not_conditions()
    {
        Assert.True(new CorrelationFilter(to: "t").Evaluate(Full()).IsMatch);
        Assert.True(new CorrelationFilter().Evaluate(new FilterMessage()).IsMatch);
    }

    [Fact]
    public void Properties_match_by_case_insensitive_name_and_equal_value()
    {
        var filter = new CorrelationFilter(properties: [new("Color", "Red"), new("Size", 10), new("Vip", true)]);
        Assert.True(filter.Evaluate(With(("color", "Red"), ("size", 10L), ("vip", true))).IsMatch);
        Assert.True(filter.Evaluate(With(("color", "Red"), ("size", 10.0), ("vip", true), ("extra", 1))).IsMatch);
        Assert.False(filter.Evaluate(With(("color", "red"), ("size", 10), ("vip", true))).IsMatch);
        Assert.False(filter.Evaluate(With(("color", "Red"), ("size", "10"), ("vip", true))).IsMatch);
        Assert.False(filter.Evaluate(With(("color", "Red"), ("vip", true))).IsMatch);
        Assert.Equal(FilterOutcome.False, filter.Evaluate(With(("size", "not a number"))).Outcome);
    }

    [Fact]
    public void Null_property_value_matches_missing_or_null()
    {
        var filter = new CorrelationFilter(properties: [new("gone", null)]);
        Assert.True(filter.Evaluate(new FilterMessage()).IsMatch);
        Assert.True(filter.Evaluate(With(("gone", null))).IsMatch);
        Assert.False(filter.Evaluate(With(("gone", 1))).IsMatch);
    }

    [Fact]
    public void Property_values_of_every_supported_type()
    {
        var g = Guid.NewGuid();
        var t = DateTime.UtcNow;
        var filter = new CorrelationFilter(properties: [new("g", g), new("t", t), new("d", 1.5m), new("span", TimeSpan.FromSeconds(3))]);
        Assert.True(filter.Evaluate(With(("g", g), ("t", t), ("d", 1.5m), ("span", TimeSpan.FromSeconds(3)))).IsMatch);
        Assert.Throws<FilterException>(() => new CorrelationFilter(properties: [new("x", new object())]));
    }

    [Fact]
    public void Equivalent_sql_text_is_available_for_display()
    {
        var filter = new CorrelationFilter("high", subject: "red", properties: [new("my prop", 5L)]);
        Assert.Equal("sys.CorrelationId = 'high' AND sys.Subject = 'red' AND user.[my prop] = 5", filter.ToString());
        var sql = SqlFilter.Compile(filter.ToString());
        var m = With(("my prop", 5));
        m.CorrelationId = "high";
        m.Subject = "red";
        Assert.True(sql.Evaluate(m).IsMatch);
        Assert.True(filter.Evaluate(m).IsMatch);
    }

    [Fact]
    public void True_and_false_filters()
    {
        Assert.True(TrueFilter.Instance.Matches(new FilterMessage()));
        Assert.False(FalseFilter.Instance.Matches(new FilterMessage()));
        Assert.True(Matches(TrueFilter.Instance.ToString(), new FilterMessage()));
        Assert.False(Matches(FalseFilter.Instance.ToString(), new FilterMessage()));
    }
}
