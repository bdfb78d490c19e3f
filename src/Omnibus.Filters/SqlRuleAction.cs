using Omnibus.Filters.Sql;

namespace Omnibus.Filters;

/// <summary>
/// A compiled Service Bus SQL rule action: <c>SET</c> and <c>REMOVE</c> statements separated
/// by ';' or ','. Statements run in order on the subscription's copy of the message, each seeing
/// the changes of the ones before it.
/// </summary>
public sealed class SqlRuleAction : IRuleAction
{
    private readonly Step[] _steps;

    private static readonly Dictionary<string, object?> EmptyParameters = [];

    private SqlRuleAction(string expression, IReadOnlyDictionary<string, object?>? parameters, List<ActionStatement> statements, Step[] steps)
    {
        Expression = expression;
        Parameters = parameters is null ? EmptyParameters : new Dictionary<string, object?>(parameters);
        Statements = statements;
        _steps = steps;
    }

    public string Expression { get; }

    /// <summary>The parameter values it was compiled with (for echoing the rule back to the admin API).</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; }

    internal IReadOnlyList<ActionStatement> Statements { get; }

    /// <summary>Number of SET/REMOVE statements (at most 32).</summary>
    public int StatementCount => _steps.Length;

    public static SqlRuleAction Compile(string expression, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        var statements = Parser.ParseAction(expression);
        var compiler = new Compiler(expression, parameters);
        var steps = statements.Select(s => new Step(
            s.Target,
            s is SetStatement set ? compiler.Compile(set.Value) : null)).ToArray();
        return new SqlRuleAction(expression, parameters, statements, steps);
    }

    /// <summary>Validates <paramref name="expression"/>; false with the error when invalid.</summary>
    public static bool TryCompile(string expression, out SqlRuleAction? action, out FilterException? error, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        try
        {
            action = Compile(expression, parameters);
            error = null;
            return true;
        }
        catch (FilterException e)
        {
            action = null;
            error = e;
            return false;
        }
    }

    public bool TryApply(IMutableFilterMessage message, out string? error)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var step in _steps)
        {
            error = step.Run(message);
            if (error is not null) return false;
        }
        error = null;
        return true;
    }

    public string ToCanonicalString() => SqlPrinter.Print(Statements);

    public override string ToString() => Expression;

    private sealed class Step(PropertyNode target, Evaluator? value)
    {
        public string? Run(IMutableFilterMessage message)
        {
            if (value is null)
            {
                if (target.Scope == PropertyScope.System)
                {
                    return SystemProperties.Write(message, target.SystemProperty, SqlValue.Null);
                }
                message.RemoveUserProperty(target.Name);
                return null;
            }

            var v = value.Evaluate(message);
            if (v.IsError) return v.ErrorText;
            if (target.Scope == PropertyScope.System)
            {
                return SystemProperties.Write(message, target.SystemProperty, v);
            }
            message.TryGetUserProperty(target.Name, out var existing);
            message.SetUserProperty(target.Name, ImplicitConversion.ToTypeOf(existing, v));
            return null;
        }
    }
}
