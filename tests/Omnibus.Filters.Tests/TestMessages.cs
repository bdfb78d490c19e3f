namespace Omnibus.Filters.Tests;

internal static class TestMessages
{
    public static FilterMessage With(params (string Name, object? Value)[] properties)
    {
        var m = new FilterMessage();
        foreach (var (name, value) in properties)
        {
            m.Properties[name] = value;
        }
        return m;
    }

    public static FilterOutcome Eval(string expression, IFilterMessage message) =>
        SqlFilter.Compile(expression).Evaluate(message).Outcome;

    public static FilterOutcome Eval(string expression, params (string Name, object? Value)[] properties) =>
        Eval(expression, With(properties));

    public static bool Matches(string expression, IFilterMessage message) =>
        SqlFilter.Compile(expression).Evaluate(message).IsMatch;

    public static FilterException Rejects(string expression) =>
        Assert.Throws<FilterException>(() => SqlFilter.Compile(expression));
}
