using Omnibus.Filters.Sql;
using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

public class GrammarTests
{
    private static readonly FilterMessage Sample = Sample_();

    private static FilterMessage Sample_()
    {
        var m = With(("a", 1L), ("b", 2), ("s", "text"), ("flag", true), ("d", 2.5), ("nothing", null));
        m.To = "dest";
        m.Subject = "label";
        m.MessageId = "id-1";
        return m;
    }

    [Theory]
    // comparisons
    [InlineData("a = 1", true)]
    [InlineData("a <> 1", false)]
    [InlineData("a != 1", false)]
    [InlineData("a > 0", true)]
    [InlineData("a >= 1", true)]
    [InlineData("a < 1", false)]
    [InlineData("a <= 1", true)]
    // logic
    [InlineData("NOT a = 2", true)]
    [InlineData("a = 1 AND b = 2", true)]
    [InlineData("a = 2 OR b = 2", true)]
    [InlineData("NOT (a = 1 AND b = 2)", false)]
    [InlineData("a = 1 AND b = 3 OR s = 'text'", true)]
    [InlineData("a = 1 AND (b = 3 OR s = 'text')", true)]
    [InlineData("a = 2 OR b = 2 AND s = 'x'", false)]
    // IS [NOT] NULL
    [InlineData("missing IS NULL", true)]
    [InlineData("nothing IS NULL", true)]
    [InlineData("a IS NULL", false)]
    [InlineData("a IS NOT NULL", true)]
    [InlineData("missing IS NOT NULL", false)]
    // [NOT] IN
    [InlineData("a IN (3, 2, 1)", true)]
    [InlineData("a NOT IN (3, 2, 1)", false)]
    [InlineData("s IN ('a', 'b', 'c', 'd', 'text')", true)]
    [InlineData("s NOT IN ('a', 'b', 'c', 'd', 'e')", true)]
    [InlineData("a IN (b - 1)", true)]
    // [NOT] LIKE [ESCAPE]
    [InlineData("s LIKE 't%'", true)]
    [InlineData("s NOT LIKE 't%'", false)]
    [InlineData("s LIKE 't_xt'", true)]
    [InlineData("s LIKE 't!%' ESCAPE '!'", false)]
    // EXISTS
    [InlineData("EXISTS(a)", true)]
    [InlineData("EXISTS(nothing)", true)]
    [InlineData("EXISTS(missing)", false)]
    [InlineData("EXISTS (user.a)", true)]
    [InlineData("NOT EXISTS(missing)", true)]
    [InlineData("EXISTS(sys.To)", true)]
    [InlineData("EXISTS(sys.ReplyTo)", false)]
    // arithmetic and unary signs
    [InlineData("a + b = 3", true)]
    [InlineData("b - a = 1", true)]
    [InlineData("b * 3 = 6", true)]
    [InlineData("7 / b = 3", true)]
    [InlineData("7 % b = 1", true)]
    [InlineData("-a = -1", true)]
    [InlineData("+a = 1", true)]
    [InlineData("- -a = 1", true)]
    [InlineData("1 + 2 * 3 = 7", true)]
    [InlineData("(1 + 2) * 3 = 9", true)]
    [InlineData("10 - 4 - 3 = 3", true)]
    [InlineData("d * 2 = 5.0", true)]
    // constants
    [InlineData("s = 'text'", true)]
    [InlineData("'it''s' = 'it''s'", true)]
    [InlineData("flag = TRUE", true)]
    [InlineData("flag = FALSE", false)]
    [InlineData("TRUE", true)]
    [InlineData("FALSE", false)]
    [InlineData("flag", true)]
    [InlineData("1 = 1", true)]
    [InlineData("1=0", false)]
    // scopes
    [InlineData("user.a = 1", true)]
    [InlineData("sys.To = 'dest'", true)]
    [InlineData("sys.Label = 'label'", true)]
    [InlineData("sys.Subject = 'label'", true)]
    // functions
    [InlineData("property('a') = 1", true)]
    [InlineData("p('a') = 1", true)]
    [InlineData("P('A') = 1", true)]
    [InlineData("p('user.a') = 1", true)]
    [InlineData("p('sys.To') = 'dest'", true)]
    [InlineData("p('s' + '') = 'text'", true)]
    [InlineData("p(s) IS NULL", true)]
    [InlineData("newid() IS NOT NULL", true)]
    [InlineData("newid() <> newid()", true)]
    // parentheses everywhere
    [InlineData("((a = 1))", true)]
    [InlineData("(((a)) + ((b))) = (3)", true)]
    public void Every_grammar_form_evaluates(string filter, bool expected)
    {
        var result = SqlFilter.Compile(filter).Evaluate(Sample);
        Assert.NotEqual(FilterOutcome.Error, result.Outcome);
        Assert.Equal(expected, result.IsMatch);
    }

    [Theory]
    [InlineData("a = 1 and b = 2")]
    [InlineData("a = 1 AnD b = 2")]
    [InlineData("not a = 2")]
    [InlineData("a in (1)")]
    [InlineData("s like 't%' escape '!'")]
    [InlineData("missing is null")]
    [InlineData("a iS nOt NuLl")]
    [InlineData("exists(a)")]
    [InlineData("flag = true")]
    [InlineData("SYS.TO = 'dest'")]
    [InlineData("Sys.to = 'dest'")]
    [InlineData("USER.A = 1")]
    [InlineData("NEWID() is not null")]
    [InlineData("Property('A') = 1")]
    public void Keywords_functions_scopes_and_names_are_case_insensitive(string filter)
    {
        Assert.True(Matches(filter, Sample));
    }

    [Fact]
    public void Property_names_are_case_insensitive()
    {
        var m = With(("Color", "red"));
        Assert.True(Matches("color = 'red'", m));
        Assert.True(Matches("COLOR = 'red'", m));
        Assert.True(Matches("[cOLOR] = 'red'", m));
        Assert.True(Matches("\"coloR\" = 'red'", m));
        Assert.True(Matches("EXISTS(COLOR)", m));
    }

    [Fact]
    public void String_values_compare_case_sensitively()
    {
        var m = With(("color", "Red"));
        Assert.False(Matches("color = 'red'", m));
        Assert.True(Matches("color <> 'red'", m));
        Assert.False(Matches("color LIKE 'r%'", m));
        Assert.False(Matches("color IN ('red', 'RED')", m));
    }

    [Fact]
    public void Strings_order_ordinally()
    {
        var m = With(("s", "b"));
        Assert.True(Matches("s > 'a'", m));
        Assert.True(Matches("s < 'c'", m));
        Assert.True(Matches("s > 'B'", m)); // 'b' (0x62) sorts after 'B' (0x42)
        Assert.True(Matches("'a' + 'b' = 'ab'", m));
    }

    [Theory]
    [InlineData("[a]]b] = 1", "a]b")]
    [InlineData("[[x] = 1", "[x")]
    [InlineData("[x]]]]y] = 1", "x]]y")]
    [InlineData("\"say \"\"hi\"\"\" = 1", "say \"hi\"")]
    [InlineData("[and] = 1", "and")]
    [InlineData("[select * from] = 1", "select * from")]
    [InlineData("user.[sys.To] = 1", "sys.To")]
    [InlineData("[café] = 1", "café")]
    [InlineData("café_2 = 1", "café_2")]
    [InlineData("日本 = 1", "日本")]
    public void Delimited_and_quoted_identifiers_unescape_doubled_closers(string filter, string name)
    {
        Assert.True(Matches(filter, With((name, 1))));
        var compare = (CompareNode)SqlFilter.Compile(filter).Tree;
        Assert.Equal(name, ((PropertyNode)compare.Left).Name);
    }

    [Fact]
    public void Sys_scope_reads_every_system_property()
    {
        var now = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var token = Guid.NewGuid();
        var m = new FilterMessage
        {
            MessageId = "m", CorrelationId = "c", To = "t", ReplyTo = "r", Subject = "l", SessionId = "s",
            ReplyToSessionId = "rs", ContentType = "application/json", PartitionKey = "pk", ViaPartitionKey = "vpk",
            DeadLetterSource = "q", SequenceNumber = 42, EnqueuedSequenceNumber = 41, EnqueuedTimeUtc = now,
            ScheduledEnqueueTimeUtc = now.AddDays(1), LockedUntilUtc = now.AddMinutes(1), LockToken = token,
            TimeToLive = TimeSpan.FromHours(1), DeliveryCount = 3, Size = 1234, State = 1,
        };
        string[] filters =
        [
            "sys.MessageId = 'm'", "sys.CorrelationId = 'c'", "sys.To = 't'", "sys.ReplyTo = 'r'", "sys.Label = 'l'",
            "sys.Subject = 'l'", "sys.SessionId = 's'", "sys.ReplyToSessionId = 'rs'", "sys.ContentType LIKE 'application/%'",
            "sys.PartitionKey = 'pk'", "sys.ViaPartitionKey = 'vpk'", "sys.DeadLetterSource = 'q'",
            "sys.SequenceNumber = 42", "sys.EnqueuedSequenceNumber = 41", "sys.DeliveryCount = 3", "sys.Size > 1000",
            "sys.State = 1", "sys.EnqueuedTimeUtc < sys.ScheduledEnqueueTimeUtc",
            "sys.ExpiresAtUtc - sys.EnqueuedTimeUtc = sys.TimeToLive", "sys.LockedUntilUtc > sys.EnqueuedTimeUtc",
            "sys.LockToken IS NOT NULL", "sys.TimeToLive > sys.LockedUntilUtc - sys.EnqueuedTimeUtc",
            "sys.ScheduledEnqueueTime > sys.EnqueuedTime",
        ];
        foreach (var filter in filters)
        {
            var result = SqlFilter.Compile(filter).Evaluate(m);
            Assert.True(result.IsMatch, filter + " => " + result);
        }
        Assert.True(SqlFilter.Compile("sys.LockToken = @t", new Dictionary<string, object?> { ["t"] = token }).Evaluate(m).IsMatch);
    }

    [Fact]
    public void Unset_string_system_properties_are_null()
    {
        var m = new FilterMessage();
        Assert.Equal(FilterOutcome.True, Eval("sys.CorrelationId IS NULL", m));
        Assert.Equal(FilterOutcome.Unknown, Eval("sys.CorrelationId = 'x'", m));
        Assert.Equal(FilterOutcome.Unknown, Eval("sys.CorrelationId <> 'x'", m));
    }

    [Fact]
    public void Whitespace_and_newlines_are_free()
    {
        Assert.True(Matches("\n  a\t=\r\n1   AND\nb=2  ", Sample));
    }
}
