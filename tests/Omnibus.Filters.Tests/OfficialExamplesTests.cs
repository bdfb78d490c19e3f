using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

/// <summary>
/// Every example on the Service Bus pages "SQL filter syntax", "SQL rule action syntax",
/// "Set subscription filters" and "Topic filters and actions", evaluated against messages that
/// should and should not match.
/// </summary>
public class OfficialExamplesTests
{
    [Fact]
    public void System_property_label_like_matches_anywhere_in_the_label()
    {
        Assert.True(Matches("sys.Label LIKE '%bus%'", new FilterMessage { Subject = "service bus rocks" }));
        Assert.True(Matches("sys.label LIKE '%bus%'", new FilterMessage { Subject = "bus" }));
        Assert.False(Matches("sys.Label LIKE '%bus%'", new FilterMessage { Subject = "train" }));
        Assert.False(Matches("sys.Label LIKE '%bus%'", new FilterMessage()));
    }

    [Fact]
    public void Or_of_label_like_and_user_tag_in_list()
    {
        const string filter = "sys.Label LIKE '%bus%' OR user.tag IN ('queue', 'topic', 'subscription')";
        Assert.True(Matches(filter, new FilterMessage { Subject = "bus" }));
        var tagged = With(("tag", "topic"));
        Assert.True(Matches(filter, tagged));
        Assert.False(Matches(filter, With(("tag", "relay"))));
        Assert.False(Matches(filter, new FilterMessage()));
    }

    [Fact]
    public void In_and_not_in_examples()
    {
        Assert.True(Matches("StoreId IN('Store1', 'Store2', 'Store3')", With(("StoreId", "Store2"))));
        Assert.False(Matches("StoreId IN('Store1', 'Store2', 'Store3')", With(("StoreId", "Store4"))));

        const string second = "sys.To IN ('Store5','Store6','Store7') OR StoreId = 'Store8'";
        Assert.True(Matches(second, new FilterMessage { To = "Store6" }));
        Assert.True(Matches(second, With(("StoreId", "Store8"))));
        Assert.False(Matches(second, new FilterMessage { To = "Store1" }));

        const string third = "sys.To NOT IN ('Store1','Store2','Store3','Store4','Store5','Store6','Store7','Store8') OR StoreId NOT IN ('Store1','Store2','Store3','Store4','Store5','Store6','Store7','Store8')";
        var inside = With(("StoreId", "Store3"));
        inside.To = "Store1";
        Assert.False(Matches(third, inside));
        var outside = With(("StoreId", "Store9"));
        outside.To = "Store1";
        Assert.True(Matches(third, outside));
    }

    [Fact]
    public void Filters_on_system_properties()
    {
        Assert.True(Matches("sys.messageid = 'xxxx'", new FilterMessage { MessageId = "xxxx" }));
        Assert.True(Matches("sys.correlationid like 'abc-%'", new FilterMessage { CorrelationId = "abc-123" }));
        Assert.False(Matches("sys.correlationid like 'abc-%'", new FilterMessage { CorrelationId = "xabc-123" }));
    }

    [Fact]
    public void Filters_on_user_properties()
    {
        Assert.True(Matches("MessageProperty = 'A'", With(("MessageProperty", "A"))));
        Assert.True(Matches("user.SuperHero like 'SuperMan%'", With(("superhero", "SuperManJr"))));
        Assert.False(Matches("user.SuperHero like 'SuperMan%'", With(("superhero", "Batman"))));
    }

    [Fact]
    public void Property_names_with_special_characters_in_double_quotes()
    {
        const string filter = "\"http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName\" = 'account'";
        Assert.True(Matches(filter, With(("http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName", "account"))));
        Assert.False(Matches(filter, With(("http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName", "contact"))));
    }

    [Theory]
    [InlineData("MessageProperty = 1", 1, 0, true)]
    [InlineData("MessageProperty = 1", 3, 0, false)]
    [InlineData("MessageProperty > 1", 3, 0, true)]
    [InlineData("MessageProperty > 1", 1, 0, false)]
    [InlineData("MessageProperty > 2.08", 3, 0, true)]
    [InlineData("MessageProperty > 2.08", 2, 0, false)]
    [InlineData("MessageProperty = 1 AND MessageProperty2 = 3", 1, 3, true)]
    [InlineData("MessageProperty = 1 AND MessageProperty2 = 3", 1, 2, false)]
    [InlineData("MessageProperty = 1 OR MessageProperty2 = 3", 2, 3, true)]
    [InlineData("MessageProperty = 1 OR MessageProperty2 = 3", 2, 2, false)]
    public void Numeric_user_property_examples(string filter, int value, long value2, bool expected)
    {
        Assert.Equal(expected, Matches(filter, With(("MessageProperty", value), ("MessageProperty2", value2))));
    }

    [Fact]
    public void Parameter_based_filters_with_dates_and_time_spans()
    {
        var t0 = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var m = With(("DateTimeMp", t0), ("DateTimeMp1", t0), ("DateTimeMp2", t0.AddMinutes(30)));
        var parameters = new Dictionary<string, object?>
        {
            ["@dtParam"] = t0.AddHours(1),
            ["@timespan"] = TimeSpan.FromHours(1),
        };
        Assert.True(SqlFilter.Compile("DateTimeMp < @dtParam", parameters).Evaluate(m).IsMatch);
        Assert.False(SqlFilter.Compile("DateTimeMp > @dtParam", parameters).Evaluate(m).IsMatch);
        Assert.True(SqlFilter.Compile("(DateTimeMp2-DateTimeMp1) <= @timespan", parameters).Evaluate(m).IsMatch);
        Assert.True(SqlFilter.Compile("DateTimeMp2-DateTimeMp1 <= @timespan", parameters).Evaluate(m).IsMatch);
    }

    [Fact]
    public void Parameter_string_filter_with_set_action_from_the_sql_filter_page()
    {
        var filter = SqlFilter.Compile("source = @stringParam", new Dictionary<string, object?> { ["@stringParam"] = "orders" });
        Assert.Equal("orders", filter.Parameters["@stringParam"]);
        Assert.Empty(SqlFilter.Compile("a = 1").Parameters);
        var action = SqlRuleAction.Compile("SET source='routedOrders'");
        var m = With(("source", "orders"));
        Assert.True(filter.Evaluate(m).IsMatch);
        action.Apply(m);
        Assert.Equal("routedOrders", m.Properties["source"]);
    }

    [Fact]
    public void Escape_example_matches_a_literal_percent()
    {
        const string filter = @"property LIKE 'ABC\%' ESCAPE '\'";
        Assert.True(Matches(filter, With(("property", "ABC%"))));
        Assert.False(Matches(filter, With(("property", "ABCD"))));
    }

    [Fact]
    public void Identifier_examples_from_the_grammar()
    {
        Assert.True(Matches("[Property With Space] = 1", With(("Property With Space", 1))));
        Assert.True(Matches("[HR-EmployeeID] = 'e1'", With(("HR-EmployeeID", "e1"))));
        Assert.True(Matches("\"Contoso & Northwind\" = TRUE", With(("Contoso & Northwind", true))));
    }

    [Theory]
    [InlineData("1894", 1894L)]
    [InlineData("2", 2L)]
    public void Integer_constants_are_int64(string constant, long expected)
    {
        var tree = (Sql.ConstantNode)((Sql.CompareNode)SqlFilter.Compile("x = " + constant).Tree).Right;
        Assert.Equal(Sql.ValueKind.Int64, tree.Value.Kind);
        Assert.Equal(expected, tree.Value.AsInt64);
    }

    [Theory]
    [InlineData("1894.1204", 1894.1204)]
    [InlineData("2.0", 2.0)]
    [InlineData("101.5E5", 101.5E5)]
    [InlineData("0.5E-2", 0.5E-2)]
    [InlineData("2.", 2.0)]
    [InlineData(".5", 0.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1.5E+2", 150.0)]
    public void Decimal_and_approximate_constants_are_double(string constant, double expected)
    {
        var tree = (Sql.ConstantNode)((Sql.CompareNode)SqlFilter.Compile("x = " + constant).Tree).Right;
        Assert.Equal(Sql.ValueKind.Double, tree.Value.Kind);
        Assert.Equal(expected, tree.Value.AsDouble);
    }

    [Fact]
    public void Sample_subscriptions_from_the_filter_examples_page()
    {
        // The tutorial sends 13 orders and creates four subscriptions.
        (string Color, int Quantity, string Priority)[] orders =
        [
            ("", 0, ""), ("blue", 5, "low"), ("red", 10, "high"), ("yellow", 5, "low"), ("blue", 10, "low"),
            ("blue", 5, "high"), ("blue", 10, "low"), ("red", 5, "low"), ("red", 10, "low"), ("red", 5, "low"),
            ("yellow", 10, "high"), ("yellow", 5, "low"), ("yellow", 10, "low"),
        ];
        var messages = orders.Select(o =>
        {
            var m = With(("color", o.Color), ("quantity", o.Quantity), ("priority", o.Priority));
            m.CorrelationId = o.Priority;
            m.Subject = o.Color;
            return m;
        }).ToList();

        var all = new RuleSet([new SubscriptionRule("AllOrders", TrueFilter.Instance)]);
        var blue10 = new RuleSet([new SubscriptionRule("BlueSize10Orders", SqlFilter.Compile("color='blue' AND quantity=10"))]);
        var red = new RuleSet([new SubscriptionRule("RedOrdersWithAction", SqlFilter.Compile("user.color='red'"),
            SqlRuleAction.Compile("SET quantity = quantity / 2; REMOVE priority;SET sys.CorrelationId = 'low';"))]);
        var highRed = new RuleSet([new SubscriptionRule("HighPriorityRedOrders", new CorrelationFilter(subject: "red", correlationId: "high"))]);

        Assert.Equal(13, messages.Count(m => all.Evaluate(m).IsSelected));
        Assert.Equal(2, messages.Count(m => blue10.Evaluate(m).IsSelected));
        Assert.Equal(1, messages.Count(m => highRed.Evaluate(m).IsSelected));

        var redCopies = messages.Select(m => red.Evaluate(m)).Where(r => r.IsSelected).ToList();
        Assert.Equal(4, redCopies.Count);
        foreach (var result in redCopies)
        {
            Assert.False(result.DeliverOriginal);
            var copy = Assert.Single(result.Copies).Message;
            Assert.Equal("low", copy.CorrelationId);
            Assert.False(copy.TryGetUserProperty("priority", out _));
            Assert.True(copy.TryGetUserProperty("quantity", out var q));
            Assert.IsType<int>(q);
            Assert.Contains((int)q!, new[] { 2, 5 });
            Assert.True(copy.TryGetUserProperty("RuleName", out var rule));
            Assert.Equal("RedOrdersWithAction", rule);
        }
        // The original messages are untouched.
        Assert.All(messages, m => Assert.True(m.Properties.ContainsKey("priority")));
    }

    [Fact]
    public void Correlation_filter_examples()
    {
        var byId = new CorrelationFilter("Contoso");
        Assert.True(byId.Evaluate(new FilterMessage { CorrelationId = "Contoso" }).IsMatch);
        Assert.False(byId.Evaluate(new FilterMessage { CorrelationId = "contoso" }).IsMatch);

        var filter = new CorrelationFilter(subject: "Important", replyTo: "johndoe@contoso.com",
            properties: [new("color", "Red")]);
        var equivalent = SqlFilter.Compile("sys.ReplyTo = 'johndoe@contoso.com' AND sys.Label = 'Important' AND color = 'Red'");
        var yes = With(("color", "Red"));
        yes.Subject = "Important";
        yes.ReplyTo = "johndoe@contoso.com";
        var no = With(("color", "Blue"));
        no.Subject = "Important";
        no.ReplyTo = "johndoe@contoso.com";
        Assert.True(filter.Evaluate(yes).IsMatch);
        Assert.True(equivalent.Evaluate(yes).IsMatch);
        Assert.False(filter.Evaluate(no).IsMatch);
        Assert.False(equivalent.Evaluate(no).IsMatch);
    }

    [Fact]
    public void Topic_filters_page_rules_with_and_without_actions_give_three_messages_for_five_matches()
    {
        var rules = new RuleSet(
        [
            new SubscriptionRule("a", TrueFilter.Instance),
            new SubscriptionRule("b", SqlFilter.Compile("1=1")),
            new SubscriptionRule("c", SqlFilter.Compile("x = 1")),
            new SubscriptionRule("d", SqlFilter.Compile("x = 1"), SqlRuleAction.Compile("SET y = 'd'")),
            new SubscriptionRule("e", SqlFilter.Compile("x > 0"), SqlRuleAction.Compile("SET y = 'e'")),
        ]);
        var result = rules.Evaluate(With(("x", 1)));
        Assert.Equal(3, result.MessageCount);
        Assert.True(result.DeliverOriginal);
        Assert.Equal(["d", "e"], result.Copies.Select(c => c.RuleName));
    }

    [Fact]
    public void Topic_filters_page_halving_action()
    {
        var action = SqlRuleAction.Compile("SET quantity = quantity / 2;");
        var m = With(("color", "red"), ("quantity", 10));
        Assert.True(SqlFilter.Compile("user.color='red'").Evaluate(m).IsMatch);
        action.Apply(m);
        Assert.Equal(5, m.Properties["quantity"]);
    }
}
