using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

public class ActionTests
{
    private static FilterMessage Apply(string action, FilterMessage m)
    {
        SqlRuleAction.Compile(action).Apply(m);
        return m;
    }

    [Fact]
    public void Set_creates_and_updates_user_properties()
    {
        var m = Apply("SET priority = 'high'; SET category = 'orders'", With(("priority", "low")));
        Assert.Equal("high", m.Properties["priority"]);
        Assert.Equal("orders", m.Properties["category"]);
    }

    [Fact]
    public void Set_system_property_and_remove_user_property()
    {
        var m = Apply("SET sys.To = 'x'; REMOVE tmp", With(("tmp", 1), ("keep", 2)));
        Assert.Equal("x", m.To);
        Assert.False(m.Properties.ContainsKey("tmp"));
        Assert.True(m.Properties.ContainsKey("keep"));
    }

    [Theory]
    [InlineData("SET a = 1; SET b = 2")]
    [InlineData("SET a = 1, SET b = 2")]
    [InlineData("SET a = 1; , SET b = 2;")]
    [InlineData("SET a = 1;SET b = 2;;")]
    [InlineData("set a = 1 ; set b = 2")]
    [InlineData("\nSET a = 1;\n  SET b = 2\n")]
    public void Statements_are_separated_by_semicolons_or_commas(string action)
    {
        var m = Apply(action, new FilterMessage());
        Assert.Equal(1L, m.Properties["a"]);
        Assert.Equal(2L, m.Properties["b"]);
    }

    [Fact]
    public void Statements_run_in_order_and_see_earlier_changes()
    {
        var m = Apply("SET a = 1; SET b = a + 1; REMOVE a; SET c = a", new FilterMessage());
        Assert.Equal(2L, m.Properties["b"]);
        Assert.False(m.Properties.ContainsKey("a"));
        Assert.True(m.Properties.ContainsKey("c"));
        Assert.Null(m.Properties["c"]); // a missing property is unknown; SET stores null
    }

    [Fact]
    public void Set_keeps_the_existing_type_when_the_value_converts_without_loss()
    {
        var m = Apply("SET i = i / 2; SET s = s + 1; SET d = 3; SET f = 1.5; SET l = 7; SET by = by + 1; SET u = u + 1; SET m = m * 2",
            With(("i", 10), ("s", (short)3), ("d", 1.0), ("f", 1.0f), ("l", 1L), ("by", (byte)9), ("u", 5u), ("m", 1.25m)));
        Assert.Equal(5, Assert.IsType<int>(m.Properties["i"]));
        Assert.Equal((short)4, Assert.IsType<short>(m.Properties["s"]));
        Assert.Equal(3.0, Assert.IsType<double>(m.Properties["d"]));
        Assert.Equal(1.5f, Assert.IsType<float>(m.Properties["f"]));
        Assert.Equal(7L, Assert.IsType<long>(m.Properties["l"]));
        Assert.Equal((byte)10, Assert.IsType<byte>(m.Properties["by"]));
        Assert.Equal(6u, Assert.IsType<uint>(m.Properties["u"]));
        Assert.Equal(2.5m, Assert.IsType<decimal>(m.Properties["m"]));
    }

    [Fact]
    public void Set_takes_the_value_type_when_conversion_would_lose_information()
    {
        var m = Apply("SET i = 5000000000; SET by = 256; SET j = 2.5; SET s = 1", With(("i", 1), ("by", (byte)1), ("j", 1), ("s", "text")));
        Assert.Equal(5000000000L, Assert.IsType<long>(m.Properties["i"]));
        Assert.Equal(256L, Assert.IsType<long>(m.Properties["by"]));
        Assert.Equal(2.5, Assert.IsType<double>(m.Properties["j"]));
        Assert.Equal(1L, Assert.IsType<long>(m.Properties["s"]));
    }

    [Fact]
    public void Set_new_property_keeps_the_expression_type()
    {
        var m = Apply("SET a = 1; SET b = 1.5; SET c = 'x'; SET d = TRUE; SET e = NULL; SET f = newid()", new FilterMessage());
        Assert.IsType<long>(m.Properties["a"]);
        Assert.IsType<double>(m.Properties["b"]);
        Assert.IsType<string>(m.Properties["c"]);
        Assert.IsType<bool>(m.Properties["d"]);
        Assert.Null(m.Properties["e"]);
        Assert.IsType<Guid>(m.Properties["f"]);
    }

    [Fact]
    public void Every_writable_system_property_can_be_set()
    {
        var m = Apply(
            "SET sys.MessageId = 'm'; SET sys.CorrelationId = 'c'; SET sys.To = 't'; SET sys.ReplyTo = 'r'; SET sys.Label = 'l'; " +
            "SET sys.SessionId = 's'; SET sys.ReplyToSessionId = 'rs'; SET sys.ContentType = 'ct'; SET sys.PartitionKey = 'pk'; " +
            "SET sys.ViaPartitionKey = 'v'; SET sys.TimeToLive = ttl; SET sys.ScheduledEnqueueTimeUtc = at",
            With(("ttl", TimeSpan.FromMinutes(5)), ("at", new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        Assert.Equal(("m", "c", "t", "r", "l", "s", "rs", "ct", "pk", "v"),
            (m.MessageId, m.CorrelationId, m.To, m.ReplyTo, m.Subject, m.SessionId, m.ReplyToSessionId, m.ContentType, m.PartitionKey, m.ViaPartitionKey));
        Assert.Equal(TimeSpan.FromMinutes(5), m.TimeToLive);
        Assert.Equal(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), m.ScheduledEnqueueTimeUtc);
        Apply("SET sys.Subject = 'subject'", m);
        Assert.Equal("subject", m.Subject);
    }

    [Fact]
    public void String_system_properties_take_any_value_as_text_and_remove_clears_them()
    {
        var m = Apply("SET sys.MessageId = newid(); SET sys.CorrelationId = 42; SET sys.To = sys.SequenceNumber + 1", new FilterMessage { SequenceNumber = 9 });
        Assert.True(Guid.TryParse(m.MessageId, out _));
        Assert.Equal("42", m.CorrelationId);
        Assert.Equal("10", m.To);
        Apply("REMOVE sys.To; SET sys.ReplyTo = missing", m);
        Assert.Null(m.To);
        Assert.Null(m.ReplyTo);
    }

    [Fact]
    public void Wrong_type_for_a_typed_system_property_fails_the_action()
    {
        var action = SqlRuleAction.Compile("SET sys.TimeToLive = 'soon'");
        Assert.False(action.TryApply(new FilterMessage(), out var error));
        Assert.Contains("TimeToLive", error, StringComparison.Ordinal);
        Assert.Throws<FilterEvaluationException>(() => action.Apply(new FilterMessage()));
    }

    [Fact]
    public void Evaluation_error_stops_the_action()
    {
        var action = SqlRuleAction.Compile("SET a = 1; SET b = s * 2; SET c = 3");
        var m = With(("s", "text"));
        Assert.False(action.TryApply(m, out var error));
        Assert.Contains("cannot be applied", error, StringComparison.Ordinal);
        Assert.False(m.Properties.ContainsKey("c"));
    }

    [Fact]
    public void Missing_user_properties_do_not_fail_an_action()
    {
        var m = Apply("SET a = missing + 1; REMOVE alsoMissing; SET b = p('nope')", new FilterMessage());
        Assert.Null(m.Properties["a"]);
        Assert.Null(m.Properties["b"]);
    }

    [Fact]
    public void Names_in_actions_are_case_insensitive_and_may_be_delimited()
    {
        var m = Apply("SET [Order Id] = 7; SET COLOR = 'blue'; REMOVE \"Temp]\"", With(("color", "red"), ("temp]", 1)));
        Assert.Equal(7L, m.Properties["order id"]);
        Assert.Equal("blue", m.Properties["Color"]);
        Assert.False(m.Properties.ContainsKey("Temp]"));
        Assert.Equal(2, m.Properties.Count);
    }

    [Fact]
    public void Parameters_work_in_actions()
    {
        var action = SqlRuleAction.Compile("SET region = @region", new Dictionary<string, object?> { ["region"] = "eu" });
        var m = new FilterMessage();
        action.Apply(m);
        Assert.Equal("eu", m.Properties["region"]);
    }
}
