using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

/// <summary>The AND/OR/NOT tables of the SQL filter page, with T, F and U (a missing property).</summary>
public class ThreeValuedLogicTests
{
    // Predicates over a message with t = 1 and no property "m".
    private static string P(char v) => v switch
    {
        'T' => "t = 1",
        'F' => "t = 2",
        _ => "m = 1",
    };

    private static FilterOutcome O(char v) => v switch
    {
        'T' => FilterOutcome.True,
        'F' => FilterOutcome.False,
        _ => FilterOutcome.Unknown,
    };

    private static readonly FilterMessage Message = With(("t", 1));

    [Theory]
    [InlineData('T', 'T', 'T')]
    [InlineData('T', 'F', 'F')]
    [InlineData('T', 'U', 'U')]
    [InlineData('F', 'T', 'F')]
    [InlineData('F', 'F', 'F')]
    [InlineData('F', 'U', 'F')]
    [InlineData('U', 'T', 'U')]
    [InlineData('U', 'F', 'F')]
    [InlineData('U', 'U', 'U')]
    public void And_truth_table(char left, char right, char expected)
    {
        Assert.Equal(O(expected), Eval($"{P(left)} AND {P(right)}", Message));
    }

    [Theory]
    [InlineData('T', 'T', 'T')]
    [InlineData('T', 'F', 'T')]
    [InlineData('T', 'U', 'T')]
    [InlineData('F', 'T', 'T')]
    [InlineData('F', 'F', 'F')]
    [InlineData('F', 'U', 'U')]
    [InlineData('U', 'T', 'T')]
    [InlineData('U', 'F', 'U')]
    [InlineData('U', 'U', 'U')]
    public void Or_truth_table(char left, char right, char expected)
    {
        Assert.Equal(O(expected), Eval($"{P(left)} OR {P(right)}", Message));
    }

    [Theory]
    [InlineData('T', 'F')]
    [InlineData('F', 'T')]
    [InlineData('U', 'U')]
    public void Not_truth_table(char operand, char expected)
    {
        Assert.Equal(O(expected), Eval($"NOT ({P(operand)})", Message));
    }

    [Theory]
    [InlineData("m + 1 = 2")]
    [InlineData("-m = 1")]
    [InlineData("1 - m = 1")]
    [InlineData("m * 0 = 0")]
    [InlineData("m / 0 = 0")]
    [InlineData("m = m")]
    [InlineData("m <> 1")]
    [InlineData("m > 1")]
    [InlineData("m LIKE '%'")]
    [InlineData("m NOT LIKE '%'")]
    [InlineData("t LIKE m")]
    [InlineData("m IN (1, 2)")]
    [InlineData("m NOT IN (1, 2)")]
    [InlineData("m = NULL")]
    [InlineData("t = NULL")]
    [InlineData("NULL = NULL")]
    [InlineData("NULL <> NULL")]
    [InlineData("m + 'x' = 'x'")]
    [InlineData("p('m') = 1")]
    [InlineData("p(m) = 1")]
    [InlineData("m")]
    public void Unknown_propagates_through_arithmetic_comparison_like_and_in(string filter)
    {
        Assert.Equal(FilterOutcome.Unknown, Eval(filter, Message));
        Assert.Equal(FilterOutcome.Unknown, Eval($"NOT ({filter})", Message));
    }

    [Fact]
    public void Null_valued_property_behaves_as_unknown_but_exists()
    {
        var m = With(("n", null));
        Assert.Equal(FilterOutcome.Unknown, Eval("n = 1", m));
        Assert.Equal(FilterOutcome.True, Eval("n IS NULL", m));
        Assert.Equal(FilterOutcome.True, Eval("EXISTS(n)", m));
        Assert.Equal(FilterOutcome.False, Eval("EXISTS(m)", m));
        Assert.Equal(FilterOutcome.True, Eval("m IS NULL", m));
    }

    [Fact]
    public void In_with_a_null_item_is_unknown_unless_another_item_matches()
    {
        var m = With(("x", 2));
        Assert.Equal(FilterOutcome.True, Eval("x IN (NULL, 2)", m));
        Assert.Equal(FilterOutcome.Unknown, Eval("x IN (NULL, 3)", m));
        Assert.Equal(FilterOutcome.Unknown, Eval("x NOT IN (NULL, 3)", m));
        Assert.Equal(FilterOutcome.False, Eval("x NOT IN (NULL, 2)", m));
    }

    [Fact]
    public void Missing_user_property_never_throws_in_any_position()
    {
        var filter = SqlFilter.Compile("(nope + 1) * 2 > 3 OR nope LIKE 'a%' OR nope IN ('x') OR NOT EXISTS(nope) AND nope IS NULL");
        Assert.Equal(FilterOutcome.True, filter.Evaluate(new FilterMessage()).Outcome);
    }

    [Fact]
    public void Decisive_left_operand_short_circuits_an_error_on_the_right()
    {
        var m = With(("s", "text"), ("t", 1));
        Assert.Equal(FilterOutcome.False, Eval("t = 2 AND s > 1", m));
        Assert.Equal(FilterOutcome.True, Eval("t = 1 OR s > 1", m));
        Assert.Equal(FilterOutcome.Error, Eval("s > 1 AND t = 2", m));
        Assert.Equal(FilterOutcome.Error, Eval("t = 1 AND s > 1", m));
    }
}
