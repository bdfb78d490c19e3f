using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

/// <summary>Invalid rules are rejected at creation with the position and what was expected.</summary>
public class ErrorTests
{
    [Theory]
    [InlineData("", 0, "expected a predicate")]
    [InlineData("a =", 3, "expected a constant, property, function or '(' but found end of expression")]
    [InlineData("a = 1 AND", 9, "but found end of expression")]
    [InlineData("(a = 1", 6, "expected ')'")]
    [InlineData("a = 1)", 5, "expected an operator")]
    [InlineData("a == 1", 3, "but found '='")]
    [InlineData("a = 'abc", 4, "unterminated string constant")]
    [InlineData("[abc = 1", 0, "unterminated delimited identifier")]
    [InlineData("\"abc = 1", 0, "unterminated quoted identifier")]
    [InlineData("[] = 1", 0, "empty delimited identifier")]
    [InlineData("a = 1 # 2", 6, "unexpected character '#'")]
    [InlineData("a ! 1", 2, "expected '!='")]
    [InlineData("a IN ()", 6, "but found ')'")]
    [InlineData("a IN (1, 2", 10, "expected ',' or ')'")]
    [InlineData("a IN 1", 5, "expected '(' after IN")]
    [InlineData("a NOT 1", 6, "expected IN or LIKE after NOT")]
    [InlineData("a IS 1", 5, "expected NULL or NOT NULL")]
    [InlineData("a IS NOT 1", 9, "expected NULL")]
    [InlineData("EXISTS a", 7, "expected '(' after EXISTS")]
    [InlineData("EXISTS(1)", 7, "expected a property name")]
    [InlineData("sys.Foo = 1", 4, "'Foo' is not a system property")]
    [InlineData("sys.[Nope] = 1", 4, "'Nope' is not a system property")]
    [InlineData("p('sys.Nope') = 1", 0, "'Nope' is not a system property")]
    [InlineData("system.To = 1", 0, "unknown scope 'system'")]
    [InlineData("a.b = 1", 0, "unknown scope 'a'")]
    [InlineData("user. = 1", 6, "expected a property name after 'user.'")]
    [InlineData("AND = 1", 0, "expected a constant, property, function or '('")]
    [InlineData("user.and = 1", 5, "expected a property name after 'user.'")]
    [InlineData("_a = 1", 0, "unexpected character '_'")]
    [InlineData("1a = 1", 1, "unexpected character 'a' after number")]
    [InlineData("a = 1e", 5, "expected digits in the exponent")]
    [InlineData("a = 99999999999999999999", 4, "outside the Int64 range")]
    [InlineData("a = 1e999", 4, "outside the Double range")]
    [InlineData("foo(1) = 1", 0, "unknown function 'foo'")]
    [InlineData("newid(1) = 1", 6, "newid takes no argument")]
    [InlineData("a + 1", 2, "expected a predicate")]
    [InlineData("'text'", 0, "expected a predicate")]
    [InlineData("5", 0, "expected a predicate")]
    [InlineData("a = 1 AND 5", 10, "expected a predicate")]
    [InlineData("NOT 5", 4, "expected a predicate")]
    [InlineData("(a = 1) = TRUE", 3, "expected a value expression but found a predicate")]
    [InlineData("(a = 1) + 1 = 2", 3, "expected a value expression but found a predicate")]
    [InlineData("a = @missing", 4, "no value was supplied for parameter '@missing'")]
    [InlineData("a = 1 OR @number", 9, "expected a Boolean value but found a constant of type Int32")]
    [InlineData("a = @", 4, "expected a parameter name")]
    [InlineData("a LIKE 'x' ESCAPE", 17, "but found end of expression")]
    public void Syntax_errors_name_the_position_and_what_was_expected(string filter, int position, string fragment)
    {
        var e = Assert.Throws<FilterException>(() => SqlFilter.Compile(filter, new Dictionary<string, object?> { ["number"] = 5 }));
        Assert.Equal(position, e.Position);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid expression at line 1, column " + (position + 1), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_and_column_count_newlines()
    {
        var e = Rejects("a = 1\nAND\n  b = ");
        Assert.Equal(3, e.Line);
        Assert.Equal(7, e.Column);
    }

    [Fact]
    public void Expressions_of_1024_characters_are_accepted_and_longer_ones_rejected()
    {
        var ok = "a = '" + new string('x', 1024 - 6) + "'";
        Assert.Equal(1024, ok.Length);
        SqlFilter.Compile(ok);
        var e = Rejects(ok + " ");
        Assert.Contains("at most 1024", e.Message, StringComparison.Ordinal);
        Assert.Throws<FilterException>(() => SqlRuleAction.Compile("SET a = '" + new string('x', 1020) + "'"));
    }

    [Fact]
    public void Actions_of_32_statements_are_accepted_and_33_rejected()
    {
        var ok = string.Join("; ", Enumerable.Range(0, 32).Select(i => $"SET p{i} = {i}"));
        Assert.Equal(32, SqlRuleAction.Compile(ok).StatementCount);
        var e = Assert.Throws<FilterException>(() => SqlRuleAction.Compile(ok + "; REMOVE x"));
        Assert.Contains("at most 32 statements", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "expected SET or REMOVE")]
    [InlineData("UPDATE a = 1", "expected SET or REMOVE")]
    [InlineData("SET a 1", "expected '='")]
    [InlineData("SET a = ", "but found end of expression")]
    [InlineData("SET = 1", "expected a property name")]
    [InlineData("SET a = 1 SET b = 2", "expected ';', ',' or end of action")]
    [InlineData("SET a = 1; DROP b", "expected SET, REMOVE or end of action")]
    [InlineData("SET a = b = 1", "expected ';', ',' or end of action")]
    [InlineData("SET a = (b = 1)", "expected a value expression but found a predicate")]
    [InlineData("SET sys.SequenceNumber = 1", "assigned by the broker")]
    [InlineData("SET sys.EnqueuedTimeUtc = sys.EnqueuedTimeUtc", "assigned by the broker")]
    [InlineData("REMOVE sys.DeliveryCount", "assigned by the broker")]
    [InlineData("REMOVE sys.TimeToLive", "cannot be removed")]
    [InlineData("SET sys.Nope = 1", "'Nope' is not a system property")]
    [InlineData("SET a = 1 / 0", "Division by zero")]
    public void Invalid_actions_are_rejected_at_creation(string action, string fragment)
    {
        var e = Assert.Throws<FilterException>(() => SqlRuleAction.Compile(action));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.True(e.Position >= 0);
    }

    [Fact]
    public void TryCompile_reports_without_throwing()
    {
        Assert.False(SqlFilter.TryCompile("a = ", out var filter, out var error));
        Assert.Null(filter);
        Assert.NotNull(error);
        Assert.True(SqlFilter.TryCompile("a = 1", out filter, out error));
        Assert.NotNull(filter);
        Assert.Null(error);
    }

    [Fact]
    public void Nesting_up_to_the_limit_works_and_deeper_is_rejected_without_exhausting_the_stack()
    {
        var ok = new string('(', 128) + "a = 1" + new string(')', 128);
        Assert.True(Matches(ok, With(("a", 1))));
        Assert.True(Matches(string.Concat(Enumerable.Repeat("NOT ", 120)) + "a = 1", With(("a", 1))));

        Rejects(new string('(', 129) + "a = 1" + new string(')', 129));
        var deep = new string('(', 500) + "a = 1" + new string(')', 500);
        Assert.Contains("nested more than", Rejects(deep).Message, StringComparison.Ordinal);
        Assert.Contains("nested more than", Rejects("a = " + new string('-', 1000) + "1").Message, StringComparison.Ordinal);
        Assert.Contains("nested more than", Rejects(string.Concat(Enumerable.Repeat("NOT ", 250)) + "a = 1").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_flat_chains_at_the_length_limit_compile_and_evaluate()
    {
        var sum = "a" + string.Concat(Enumerable.Repeat("+a", 500)) + " > 0";
        Assert.True(sum.Length <= 1024);
        Assert.True(Matches(sum, With(("a", 1))));
        var ands = string.Join(" AND ", Enumerable.Repeat("a=1", 100));
        Assert.True(Matches(ands, With(("a", 1))));
        Assert.False(SqlRuleAction.TryCompile("SET", out _, out var error));
        Assert.NotNull(error);
    }
}
