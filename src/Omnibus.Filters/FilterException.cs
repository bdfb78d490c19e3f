namespace Omnibus.Filters;

/// <summary>
/// A SQL filter or rule action that cannot be accepted: a syntax error, an unknown system
/// property, a limit exceeded. Thrown when the rule is created, never while evaluating.
/// </summary>
public sealed class FilterException : Exception
{
    public FilterException()
    {
    }

    public FilterException(string message)
        : base(message)
    {
    }

    public FilterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FilterException(string expression, int position, string description)
        : base(Format(expression, position, description))
    {
        Position = position;
        (Line, Column) = LineAndColumn(expression, position);
        Description = description;
    }

    /// <summary>Zero-based character offset in the expression, or -1 when not positional.</summary>
    public int Position { get; } = -1;

    /// <summary>One-based line of <see cref="Position"/>.</summary>
    public int Line { get; }

    /// <summary>One-based column of <see cref="Position"/>.</summary>
    public int Column { get; }

    /// <summary>The error without the position prefix, e.g. "expected ')' but found 'AND'".</summary>
    public string? Description { get; }

    private static (int Line, int Column) LineAndColumn(string expression, int position)
    {
        int line = 1, column = 1;
        for (var i = 0; i < position && i < expression.Length; i++)
        {
            if (expression[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return (line, column);
    }

    private static string Format(string expression, int position, string description)
    {
        var (line, column) = LineAndColumn(expression, position);
        return $"Invalid expression at line {line}, column {column} (position {position}): {description}";
    }
}
