using System.Globalization;
using System.Text;

namespace Omnibus.Filters.Sql;

/// <summary>
/// Prints a tree back to filter text that parses to the same tree: every compound node is
/// parenthesised, identifiers that are not plain words are bracketed, doubles keep a '.' or
/// exponent so they stay Double.
/// </summary>
internal static class SqlPrinter
{
    public static string Print(SqlNode node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    public static string Print(IEnumerable<ActionStatement> statements)
    {
        var sb = new StringBuilder();
        foreach (var statement in statements)
        {
            if (sb.Length > 0) sb.Append("; ");
            if (statement is SetStatement set)
            {
                sb.Append("SET ");
                Append(sb, set.Target);
                sb.Append(" = ");
                Append(sb, set.Value);
            }
            else
            {
                sb.Append("REMOVE ");
                Append(sb, statement.Target);
            }
        }
        return sb.ToString();
    }

    public static string Identifier(string name)
    {
        var plain = name.Length > 0 && char.IsLetter(name[0]) && !Lexer.Keywords.Contains(name);
        for (var i = 1; plain && i < name.Length; i++)
        {
            plain = name[i] == '_' || char.IsLetterOrDigit(name[i]);
        }
        return plain ? name : "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";
    }

    public static string Constant(in SqlValue value) => value.Kind switch
    {
        ValueKind.Null => "NULL",
        ValueKind.Bool => value.AsBool ? "TRUE" : "FALSE",
        ValueKind.String => "'" + value.AsString.Replace("'", "''", StringComparison.Ordinal) + "'",
        ValueKind.Double => DoubleText(value.AsDouble),
        _ => value.ToInvariantString(),
    };

    private static string DoubleText(double d)
    {
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static void Append(StringBuilder sb, SqlNode node)
    {
        switch (node)
        {
            case ConstantNode c:
                sb.Append(Constant(c.Value));
                break;
            case PropertyNode p:
                sb.Append(p.Scope == PropertyScope.System ? "sys." : "user.").Append(Identifier(p.Name));
                break;
            case ParameterNode p:
                sb.Append(p.Name);
                break;
            case NewIdNode:
                sb.Append("newid()");
                break;
            case PropertyFunctionNode f:
                sb.Append(f.FunctionName).Append('(');
                Append(sb, f.Argument);
                sb.Append(')');
                break;
            case NegateNode n:
                sb.Append(n.IsPlus ? "+(" : "-(");
                Append(sb, n.Operand);
                sb.Append(')');
                break;
            case ArithmeticNode a:
                Binary(sb, a.Left, SqlOps.OpText(a.Op), a.Right);
                break;
            case CompareNode c:
                Binary(sb, c.Left, SqlOps.OpText(c.Op), c.Right);
                break;
            case AndNode a:
                Binary(sb, a.Left, "AND", a.Right);
                break;
            case OrNode o:
                Binary(sb, o.Left, "OR", o.Right);
                break;
            case NotNode n:
                sb.Append("(NOT ");
                Append(sb, n.Operand);
                sb.Append(')');
                break;
            case IsNullNode n:
                sb.Append('(');
                Append(sb, n.Operand);
                sb.Append(n.Negated ? " IS NOT NULL)" : " IS NULL)");
                break;
            case InNode n:
                sb.Append('(');
                Append(sb, n.Operand);
                sb.Append(n.Negated ? " NOT IN (" : " IN (");
                for (var i = 0; i < n.Items.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(sb, n.Items[i]);
                }
                sb.Append("))");
                break;
            case LikeNode l:
                sb.Append('(');
                Append(sb, l.Operand);
                sb.Append(l.Negated ? " NOT LIKE " : " LIKE ");
                Append(sb, l.Pattern);
                if (l.Escape is not null)
                {
                    sb.Append(" ESCAPE ");
                    Append(sb, l.Escape);
                }
                sb.Append(')');
                break;
            case ExistsNode e:
                sb.Append("EXISTS(");
                Append(sb, e.Property);
                sb.Append(')');
                break;
            default:
                throw new InvalidOperationException("Unknown node " + node.GetType().Name);
        }
    }

    private static void Binary(StringBuilder sb, SqlNode left, string op, SqlNode right)
    {
        sb.Append('(');
        Append(sb, left);
        sb.Append(' ').Append(op).Append(' ');
        Append(sb, right);
        sb.Append(')');
    }
}
