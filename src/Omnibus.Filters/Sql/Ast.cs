namespace Omnibus.Filters.Sql;

internal enum PropertyScope : byte { User, System }

/// <summary>A node of a parsed filter or action expression. <see cref="Position"/> is for error messages only.</summary>
internal abstract class SqlNode
{
    public int Position { get; init; }

    /// <summary>True for nodes that produce a truth value (comparisons, logic, IS NULL, IN, LIKE, EXISTS).</summary>
    public virtual bool IsPredicate => false;

    public override string ToString() => SqlPrinter.Print(this);
}

internal sealed class ConstantNode(SqlValue value) : SqlNode
{
    public SqlValue Value { get; } = value;
}

internal sealed class PropertyNode(PropertyScope scope, string name) : SqlNode
{
    public PropertyScope Scope { get; } = scope;
    public string Name { get; } = name;

    /// <summary>Resolved system property when <see cref="Scope"/> is System.</summary>
    public SystemProperty SystemProperty { get; init; }
}

internal sealed class ParameterNode(string name) : SqlNode
{
    public string Name { get; } = name;
}

internal sealed class NewIdNode : SqlNode;

/// <summary><c>property(name)</c> or <c>p(name)</c>.</summary>
internal sealed class PropertyFunctionNode(string functionName, SqlNode argument) : SqlNode
{
    public string FunctionName { get; } = functionName;
    public SqlNode Argument { get; } = argument;
}

internal sealed class NegateNode(SqlNode operand, bool isPlus) : SqlNode
{
    public SqlNode Operand { get; } = operand;
    public bool IsPlus { get; } = isPlus;
}

internal sealed class ArithmeticNode(ArithmeticOp op, SqlNode left, SqlNode right) : SqlNode
{
    public ArithmeticOp Op { get; } = op;
    public SqlNode Left { get; } = left;
    public SqlNode Right { get; } = right;
}

internal sealed class CompareNode(CompareOp op, SqlNode left, SqlNode right) : SqlNode
{
    public CompareOp Op { get; } = op;
    public SqlNode Left { get; } = left;
    public SqlNode Right { get; } = right;
    public override bool IsPredicate => true;
}

internal sealed class AndNode(SqlNode left, SqlNode right) : SqlNode
{
    public SqlNode Left { get; } = left;
    public SqlNode Right { get; } = right;
    public override bool IsPredicate => true;
}

internal sealed class OrNode(SqlNode left, SqlNode right) : SqlNode
{
    public SqlNode Left { get; } = left;
    public SqlNode Right { get; } = right;
    public override bool IsPredicate => true;
}

internal sealed class NotNode(SqlNode operand) : SqlNode
{
    public SqlNode Operand { get; } = operand;
    public override bool IsPredicate => true;
}

internal sealed class IsNullNode(SqlNode operand, bool negated) : SqlNode
{
    public SqlNode Operand { get; } = operand;
    public bool Negated { get; } = negated;
    public override bool IsPredicate => true;
}

internal sealed class InNode(SqlNode operand, IReadOnlyList<SqlNode> items, bool negated) : SqlNode
{
    public SqlNode Operand { get; } = operand;
    public IReadOnlyList<SqlNode> Items { get; } = items;
    public bool Negated { get; } = negated;
    public override bool IsPredicate => true;
}

internal sealed class LikeNode(SqlNode operand, SqlNode pattern, SqlNode? escape, bool negated) : SqlNode
{
    public SqlNode Operand { get; } = operand;
    public SqlNode Pattern { get; } = pattern;
    public SqlNode? Escape { get; } = escape;
    public bool Negated { get; } = negated;
    public override bool IsPredicate => true;
}

internal sealed class ExistsNode(PropertyNode property) : SqlNode
{
    public PropertyNode Property { get; } = property;
    public override bool IsPredicate => true;
}

/// <summary>One statement of a rule action.</summary>
internal abstract class ActionStatement(PropertyNode target)
{
    public PropertyNode Target { get; } = target;
}

internal sealed class SetStatement(PropertyNode target, SqlNode value) : ActionStatement(target)
{
    public SqlNode Value { get; } = value;
}

internal sealed class RemoveStatement(PropertyNode target) : ActionStatement(target);

/// <summary>Structural equality of trees, ignoring positions (used by the round-trip tests).</summary>
internal static class SqlNodeComparer
{
    public static bool Equal(SqlNode? a, SqlNode? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.GetType() != b.GetType()) return false;
        switch (a)
        {
            case ConstantNode c:
            {
                var d = (ConstantNode)b;
                return c.Value.Kind == d.Value.Kind && Equals(c.Value.ToObject(), d.Value.ToObject());
            }
            case PropertyNode p:
            {
                var q = (PropertyNode)b;
                return p.Scope == q.Scope && string.Equals(p.Name, q.Name, StringComparison.OrdinalIgnoreCase);
            }
            case ParameterNode p: return string.Equals(p.Name, ((ParameterNode)b).Name, StringComparison.OrdinalIgnoreCase);
            case NewIdNode: return true;
            case PropertyFunctionNode f:
            {
                var g = (PropertyFunctionNode)b;
                return f.FunctionName == g.FunctionName && Equal(f.Argument, g.Argument);
            }
            case NegateNode n:
            {
                var m = (NegateNode)b;
                return n.IsPlus == m.IsPlus && Equal(n.Operand, m.Operand);
            }
            case ArithmeticNode x:
            {
                var y = (ArithmeticNode)b;
                return x.Op == y.Op && Equal(x.Left, y.Left) && Equal(x.Right, y.Right);
            }
            case CompareNode x:
            {
                var y = (CompareNode)b;
                return x.Op == y.Op && Equal(x.Left, y.Left) && Equal(x.Right, y.Right);
            }
            case AndNode x:
            {
                var y = (AndNode)b;
                return Equal(x.Left, y.Left) && Equal(x.Right, y.Right);
            }
            case OrNode x:
            {
                var y = (OrNode)b;
                return Equal(x.Left, y.Left) && Equal(x.Right, y.Right);
            }
            case NotNode x: return Equal(x.Operand, ((NotNode)b).Operand);
            case IsNullNode x:
            {
                var y = (IsNullNode)b;
                return x.Negated == y.Negated && Equal(x.Operand, y.Operand);
            }
            case InNode x:
            {
                var y = (InNode)b;
                if (x.Negated != y.Negated || x.Items.Count != y.Items.Count || !Equal(x.Operand, y.Operand)) return false;
                for (var i = 0; i < x.Items.Count; i++)
                {
                    if (!Equal(x.Items[i], y.Items[i])) return false;
                }
                return true;
            }
            case LikeNode x:
            {
                var y = (LikeNode)b;
                return x.Negated == y.Negated && Equal(x.Operand, y.Operand) && Equal(x.Pattern, y.Pattern) && Equal(x.Escape, y.Escape);
            }
            case ExistsNode x: return Equal(x.Property, ((ExistsNode)b).Property);
            default: return false;
        }
    }
}
