using Omnibus.Filters.Sql;
using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

public class LikeTests
{
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "abcd", false)]
    [InlineData("abc", "ab", false)]
    [InlineData("", "", true)]
    [InlineData("", "%", true)]
    [InlineData("", "_", false)]
    [InlineData("x", "%%", true)]
    [InlineData("abc", "a%", true)]
    [InlineData("abc", "%c", true)]
    [InlineData("abc", "%b%", true)]
    [InlineData("abc", "%d%", false)]
    [InlineData("abc", "a_c", true)]
    [InlineData("abc", "a__", true)]
    [InlineData("abc", "a___", false)]
    [InlineData("abc", "___", true)]
    [InlineData("abc", "_%_", true)]
    [InlineData("ab", "_%_%_", false)]
    [InlineData("a.b.c", "a%b%c", true)]
    [InlineData("aXbXc", "a%b%c", true)]
    [InlineData("acb", "a%b%c", false)]
    [InlineData("mississippi", "%iss%ppi", true)]
    [InlineData("mississippi", "m%ss%ss%", true)]
    [InlineData("mississippi", "m%ss%ss%ss%", false)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%a%a%b", true)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%a%a%a%a%a%a%a%b", false)]
    [InlineData("ABC", "abc", false)]
    [InlineData("ABC", "a%", false)]
    [InlineData("[x]", "[x]", true)]
    [InlineData("x", "[x]", false)]
    [InlineData("😀x", "__x", true)]
    public void Wildcards_match_as_sql_does(string text, string pattern, bool expected)
    {
        var compiled = LikePattern.Create(pattern, null, out var error);
        Assert.Null(error);
        Assert.Equal(expected, compiled!.IsMatch(text));
        var escaped = pattern.Replace("'", "''", StringComparison.Ordinal);
        Assert.Equal(expected, Matches($"s LIKE '{escaped}'", With(("s", text))));
        Assert.Equal(!expected, Matches($"s NOT LIKE '{escaped}'", With(("s", text))));
    }

    [Theory]
    [InlineData("ABC%", @"ABC\%", '\\', true)]
    [InlineData("ABCD", @"ABC\%", '\\', false)]
    [InlineData("a_b", "a!_b", '!', true)]
    [InlineData("axb", "a!_b", '!', false)]
    [InlineData("a!b", "a!!b", '!', true)]
    [InlineData("100%", "%!%", '!', true)]
    [InlineData("100", "%!%", '!', false)]
    [InlineData("50% off", "%!% %", '!', true)]
    [InlineData("a%b_c", "a#%b#_c", '#', true)]
    [InlineData("ab", "a%b", '%', true)] // with escape '%', "%b" is a literal b
    [InlineData("a%b", "a%%b", '%', true)]
    [InlineData("xyz", "x\\yz", '\\', true)] // escaping an ordinary character keeps it literal
    public void Escape_character_makes_wildcards_literal(string text, string pattern, char escape, bool expected)
    {
        var sql = $"s LIKE '{pattern}' ESCAPE '{escape}'";
        Assert.Equal(expected, Matches(sql, With(("s", text))));
    }

    [Fact]
    public void Pattern_and_escape_may_be_computed()
    {
        var m = With(("s", "ab%"), ("prefix", "ab"), ("esc", "!"));
        Assert.True(Matches("s LIKE prefix + '%'", m));
        Assert.True(Matches("s LIKE prefix + '!%' ESCAPE esc", m));
        Assert.False(Matches("s LIKE prefix + '!%' ESCAPE esc", With(("s", "abc"), ("prefix", "ab"), ("esc", "!"))));
        Assert.Equal(FilterOutcome.Unknown, Eval("s LIKE missing", m));
        Assert.Equal(FilterOutcome.Unknown, Eval("s LIKE prefix ESCAPE missing", m));
        Assert.Equal(FilterOutcome.Error, Eval("s LIKE prefix ESCAPE 'xy' + missing2", With(("s", "a"), ("prefix", "a"), ("missing2", "z"))));
    }

    [Theory]
    [InlineData("s LIKE 'a!' ESCAPE '!'")]
    [InlineData("s LIKE 'a' ESCAPE 'xy'")]
    [InlineData("s LIKE 'a' ESCAPE ''")]
    [InlineData("s LIKE 'a' ESCAPE 1")]
    [InlineData("s LIKE 5")]
    public void Invalid_constant_patterns_and_escapes_are_rejected_at_creation(string filter)
    {
        Rejects(filter);
    }

    [Fact]
    public void Like_on_system_properties()
    {
        Assert.True(Matches("sys.To LIKE 'orders/%'", new FilterMessage { To = "orders/eu" }));
        Assert.True(Matches("sys.ContentType NOT LIKE '%xml'", new FilterMessage { ContentType = "application/json" }));
    }
}
