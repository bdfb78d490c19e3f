using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

/// <summary>Numeric promotion as C# implicit conversions; overflow and division by zero.</summary>
public class NumericTests
{
    [Theory]
    [InlineData(5, "x = 5")]
    [InlineData(5L, "x = 5")]
    [InlineData((short)5, "x = 5")]
    [InlineData((byte)5, "x = 5")]
    [InlineData((sbyte)5, "x = 5")]
    [InlineData((ushort)5, "x = 5")]
    [InlineData(5u, "x = 5")]
    [InlineData(5ul, "x = 5")]
    [InlineData(5.0f, "x = 5")]
    [InlineData(5.0, "x = 5")]
    [InlineData(5, "x = 5.0")]
    [InlineData(5L, "x = 5.0")]
    [InlineData(5ul, "x = 5.0")]
    [InlineData(5.5f, "x = 5.5")]
    [InlineData(0.1f, "x <> 0.1")] // float 0.1 widened to double is not double 0.1, as in C#
    [InlineData(5, "x > 4.99")]
    [InlineData(5, "x < 5.01")]
    [InlineData(-1, "x < 0")]
    [InlineData(uint.MaxValue, "x = 4294967295")]
    [InlineData(ulong.MaxValue, "x > 9223372036854775807")]
    [InlineData(ulong.MaxValue, "x > -1")]
    [InlineData(long.MinValue, "x = -9223372036854775808")]
    public void Every_integral_and_floating_type_compares_with_constants(object value, string filter)
    {
        var result = SqlFilter.Compile(filter).Evaluate(With(("x", value)));
        Assert.True(result.IsMatch, $"{value.GetType().Name} {value}: {filter} => {result}");
    }

    [Theory]
    [InlineData("x = 5")]
    [InlineData("x = 5.0")]
    [InlineData("x > 2.5")]
    [InlineData("x * 2 = 10")]
    [InlineData("x / 2 = 2.5")]
    [InlineData("x + 0.5 = 5.5")]
    public void Decimal_properties_work_with_int64_and_double_constants(string filter)
    {
        Assert.True(Matches(filter, With(("x", 5m))), filter);
    }

    [Fact]
    public void Decimal_arithmetic_stays_exact_with_integers()
    {
        Assert.True(Matches("x + 1 = y", With(("x", 0.1m), ("y", 1.1m))));
        Assert.True(Matches("x * 3 = 0.3", With(("x", 0.1m)))); // compared as double, decimal 0.3 -> 0.3
    }

    [Fact]
    public void Integer_division_truncates_and_double_division_does_not()
    {
        Assert.True(Matches("7 / 2 = 3", new FilterMessage()));
        Assert.True(Matches("-7 / 2 = -3", new FilterMessage()));
        Assert.True(Matches("-7 % 3 = -1", new FilterMessage()));
        Assert.True(Matches("7.0 / 2 = 3.5", new FilterMessage()));
        Assert.True(Matches("x / 2 = 3", With(("x", 7))));
        Assert.True(Matches("x / 2 = 3.5", With(("x", 7.0))));
        Assert.True(Matches("x % 2.5 = 2", With(("x", 7.0))));
    }

    [Fact]
    public void Int32_operands_compute_in_int32_and_overflow_is_an_error()
    {
        var m = With(("a", int.MaxValue), ("b", 1));
        Assert.Equal(FilterOutcome.Error, Eval("a + b > 0", m));
        // With an Int64 constant involved the arithmetic is Int64 and does not overflow.
        Assert.Equal(FilterOutcome.True, Eval("a + 1 = 2147483648", m));
    }

    [Theory]
    [InlineData("x + 1 > 0")]
    [InlineData("x * 2 > 0")]
    [InlineData("-x - 2 < 0")]
    [InlineData("x - -1 > 0")]
    public void Int64_overflow_is_an_evaluation_error(string filter)
    {
        var result = SqlFilter.Compile(filter).Evaluate(With(("x", long.MaxValue)));
        Assert.Equal(FilterOutcome.Error, result.Outcome);
        Assert.Contains("overflow", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Negating_the_smallest_int64_overflows()
    {
        Assert.Equal(FilterOutcome.Error, Eval("-x = 0", With(("x", long.MinValue))));
        Assert.Equal(FilterOutcome.Error, Eval("x / -1 = 0", With(("x", long.MinValue))));
    }

    [Theory]
    [InlineData(7, "x / 0 = 1")]
    [InlineData(7L, "x / 0 = 1")]
    [InlineData(7L, "x % 0 = 1")]
    [InlineData(7u, "x / 0 = 1")]
    [InlineData(7ul, "x % 0 = 1")]
    public void Integer_division_by_zero_is_an_evaluation_error(object value, string filter)
    {
        var result = SqlFilter.Compile(filter).Evaluate(With(("x", value)));
        Assert.Equal(FilterOutcome.Error, result.Outcome);
        Assert.Contains("Division by zero", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decimal_division_by_zero_is_an_evaluation_error()
    {
        Assert.Equal(FilterOutcome.Error, Eval("x / 0 = 1", With(("x", 1m))));
    }

    [Fact]
    public void Double_division_by_zero_gives_infinity_and_nan_as_in_csharp()
    {
        var m = With(("x", 1.0), ("z", 0.0));
        Assert.True(Matches("x / 0 > 1.7E308", m));
        Assert.True(Matches("-x / 0 < -1.7E308", m));
        Assert.False(Matches("z / 0 = z / 0", m)); // NaN is not equal to itself
        Assert.True(Matches("z / 0 <> z / 0", m));
        Assert.False(Matches("z / 0 > 0 OR z / 0 <= 0", m));
    }

    [Fact]
    public void Constant_division_by_zero_is_rejected_when_the_rule_is_created()
    {
        var e = Rejects("x = 1 / 0");
        Assert.Contains("Division by zero", e.Message, StringComparison.Ordinal);
        Assert.Equal(6, e.Position);
    }

    [Fact]
    public void Int64_versus_double_compares_after_conversion_to_double()
    {
        // 2^53 + 1 is not representable in double: C# compares (double)9007199254740993L == 9007199254740992.0.
        Assert.True(Matches("x = 9007199254740992.0", With(("x", 9007199254740993L))));
        Assert.True(Matches("x > 9007199254740992", With(("x", 9007199254740993L))));
    }

    [Fact]
    public void Uint_with_int_promotes_to_long_as_in_csharp()
    {
        var m = With(("u", 1u), ("i", -2));
        Assert.True(Matches("u + i = -1", m));
        Assert.Equal(FilterOutcome.Error, Eval("u - v < 0", With(("u", 1u), ("v", 2u)))); // uint - uint underflows
    }

    [Fact]
    public void Dates_and_time_spans_compare_and_subtract()
    {
        var t = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var m = With(("a", t), ("b", t.AddHours(2)), ("span", TimeSpan.FromHours(2)), ("local", t.ToLocalTime()),
            ("offset", new DateTimeOffset(t)));
        Assert.True(Matches("b - a = span", m));
        Assert.True(Matches("a + span = b", m));
        Assert.True(Matches("span + a = b", m));
        Assert.True(Matches("b - span = a", m));
        Assert.True(Matches("span + span > span", m));
        Assert.True(Matches("-span < span", m));
        Assert.True(Matches("local = a", m));
        Assert.True(Matches("offset = a", m));
        Assert.Equal(FilterOutcome.Error, Eval("a + a > b", m));
        Assert.Equal(FilterOutcome.Error, Eval("a > 1", m));
    }

    [Fact]
    public void Guid_and_bool_support_equality_only()
    {
        var g = Guid.NewGuid();
        var m = With(("g", g), ("h", g), ("b", true));
        Assert.True(Matches("g = h", m));
        Assert.True(Matches("b = TRUE", m));
        Assert.True(Matches("b <> FALSE", m));
        Assert.Equal(FilterOutcome.Error, Eval("b > FALSE", m));
        Assert.Equal(FilterOutcome.Error, Eval("g < h", m));
    }

    [Theory]
    [InlineData("s = 1")]
    [InlineData("s > 1")]
    [InlineData("n = 'x'")]
    [InlineData("b = 1")]
    [InlineData("n - 'x' = 1")]
    [InlineData("s * 2 = 1")]
    [InlineData("n IN ('a', 'b', 'c', 'd')")]
    [InlineData("n IN ('a')")]
    [InlineData("n LIKE 'a%'")]
    [InlineData("-s = 1")]
    [InlineData("n")]
    [InlineData("NOT n")]
    public void Type_mismatches_are_evaluation_errors(string filter)
    {
        var result = SqlFilter.Compile(filter).Evaluate(With(("s", "text"), ("n", 5), ("b", true)));
        Assert.Equal(FilterOutcome.Error, result.Outcome);
        Assert.False(string.IsNullOrEmpty(result.Error));
        Assert.Throws<FilterEvaluationException>(() => SqlFilter.Compile(filter).Matches(With(("s", "text"), ("n", 5), ("b", true))));
    }

    [Theory]
    [InlineData("'a' = 1")]
    [InlineData("TRUE + 1 = 2")]
    [InlineData("'x' LIKE 1")]
    [InlineData("2 LIKE 'x'")]
    [InlineData("x = 9223372036854775807 + 1")]
    public void Constant_type_errors_are_rejected_at_creation(string filter)
    {
        Rejects(filter);
    }

    [Fact]
    public void String_plus_value_concatenates_as_in_csharp()
    {
        Assert.True(Matches("s + n = 'text5'", With(("s", "text"), ("n", 5))));
        Assert.True(Matches("'v' + 1.5 = 'v1.5'", new FilterMessage()));
    }

    [Fact]
    public void Char_properties_read_as_one_character_strings()
    {
        Assert.True(Matches("c = 'x'", With(("c", 'x'))));
    }

    [Fact]
    public void Unsupported_property_types_support_equality_and_null_tests_only()
    {
        var bytes = new byte[] { 1, 2 };
        var m = With(("bin", bytes), ("same", bytes));
        Assert.True(Matches("bin IS NOT NULL", m));
        Assert.True(Matches("bin = same", m));
        Assert.Equal(FilterOutcome.Error, Eval("bin = 1", m));
    }
}
