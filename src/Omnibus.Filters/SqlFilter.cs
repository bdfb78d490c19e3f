using Omnibus.Filters.Sql;

namespace Omnibus.Filters;

/// <summary>
/// A compiled Service Bus SQL filter. <see cref="Compile"/> validates the expression when the
/// rule is created (throwing <see cref="FilterException"/> with the position and what was
/// expected); <see cref="Evaluate"/> then runs the compiled tree without allocating for the
/// common shapes.
/// </summary>
public sealed class SqlFilter : IRuleFilter
{
    private readonly Evaluator _evaluator;

    private SqlFilter(string expression, IReadOnlyDictionary<string, object?>? parameters, SqlNode tree, Evaluator evaluator)
    {
        Expression = expression;
        Parameters = parameters is null ? EmptyParameters : new Dictionary<string, object?>(parameters);
        Tree = tree;
        _evaluator = evaluator;
    }

    private static readonly Dictionary<string, object?> EmptyParameters = [];

    /// <summary>The expression as written.</summary>
    public string Expression { get; }

    /// <summary>The parameter values it was compiled with (for echoing the rule back to the admin API).</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; }

    internal SqlNode Tree { get; }

    /// <summary>
    /// Parses and compiles <paramref name="expression"/>. <paramref name="parameters"/> supplies
    /// the values of <c>@name</c> parameters (Service Bus <c>SqlRuleFilter.Parameters</c>); keys
    /// may be given with or without the '@'.
    /// </summary>
    public static SqlFilter Compile(string expression, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        var tree = Parser.ParseFilter(expression);
        var evaluator = new Compiler(expression, parameters).CompilePredicate(tree);
        return new SqlFilter(expression, parameters, tree, evaluator);
    }

    /// <summary>Validates <paramref name="expression"/> without keeping the result; false with the error when invalid.</summary>
    public static bool TryCompile(string expression, out SqlFilter? filter, out FilterException? error, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        try
        {
            filter = Compile(expression, parameters);
            error = null;
            return true;
        }
        catch (FilterException e)
        {
            filter = null;
            error = e;
            return false;
        }
    }

    public FilterResult Evaluate(IFilterMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var value = _evaluator.Evaluate(message);
        return value.Kind switch
        {
            ValueKind.Bool => value.AsBool ? FilterResult.True : FilterResult.False,
            ValueKind.Null => FilterResult.Unknown,
            _ => new FilterResult(FilterOutcome.Error, value.ErrorText),
        };
    }

    /// <summary>The canonical, fully parenthesised form of the expression.</summary>
    public string ToCanonicalString() => SqlPrinter.Print(Tree);

    public override string ToString() => Expression;
}
