namespace Omnibus.Filters.Sql;

/// <summary>
/// Turns a syntax tree into an <see cref="Evaluator"/> tree: binds parameters, folds constant
/// sub-expressions (so <c>'a' = 1</c> or <c>1 / 0</c> is rejected when the rule is created), and
/// picks the specialised evaluators.
/// </summary>
internal sealed class Compiler(string text, IReadOnlyDictionary<string, object?>? parameters)
{
    private static readonly IFilterMessage NoMessage = new FilterMessage();

    public Evaluator CompilePredicate(SqlNode node)
    {
        var evaluator = Compile(node);
        if (evaluator is ConstantEvaluator c)
        {
            // A parameter (or folded constant) standing where a truth value is needed.
            return c.Value.Kind is ValueKind.Bool or ValueKind.Null
                ? evaluator
                : throw new FilterException(text, node.Position, $"expected a Boolean value but found a constant of type {SqlValue.KindName(c.Value.Kind)}.");
        }
        return node.IsPredicate ? evaluator : new ToPredicateEvaluator(evaluator);
    }

    public Evaluator Compile(SqlNode node)
    {
        switch (node)
        {
            case ConstantNode c:
                return new ConstantEvaluator(c.Value);
            case ParameterNode p:
                return new ConstantEvaluator(BindParameter(p));
            case PropertyNode p:
                return p.Scope == PropertyScope.System
                    ? new SystemPropertyEvaluator(p.SystemProperty)
                    : new UserPropertyEvaluator(p.Name);
            case NewIdNode:
                return new NewIdEvaluator();
            case PropertyFunctionNode f:
            {
                var argument = Compile(f.Argument);
                if (argument is ConstantEvaluator { Value.Kind: ValueKind.String } name)
                {
                    // property('x') is just x; resolving it now also validates a 'sys.' name.
                    return CompileNamedProperty(name.Value.AsString, f);
                }
                return new PropertyFunctionEvaluator(argument);
            }
            case NegateNode n:
                return Fold(new NegateEvaluator(Compile(n.Operand), n.IsPlus), n);
            case ArithmeticNode a:
                return Fold(new ArithmeticEvaluator(a.Op, Compile(a.Left), Compile(a.Right)), a);
            case CompareNode c:
                return CompileCompare(c);
            case AndNode a:
                return Fold(new AndEvaluator(CompilePredicate(a.Left), CompilePredicate(a.Right)), a);
            case OrNode o:
                return Fold(new OrEvaluator(CompilePredicate(o.Left), CompilePredicate(o.Right)), o);
            case NotNode n:
                return Fold(new NotEvaluator(CompilePredicate(n.Operand)), n);
            case IsNullNode n:
                return n.Operand is PropertyNode { Scope: PropertyScope.User } up
                    ? new UserPropertyIsNullEvaluator(up.Name, n.Negated)
                    : Fold(new IsNullEvaluator(Compile(n.Operand), n.Negated), n);
            case InNode n:
                return CompileIn(n);
            case LikeNode l:
                return CompileLike(l);
            case ExistsNode e:
                return e.Property.Scope == PropertyScope.User
                    ? new ExistsEvaluator(e.Property.Name)
                    : new IsNullEvaluator(new SystemPropertyEvaluator(e.Property.SystemProperty), negated: true);
            default:
                throw new InvalidOperationException("Unknown node " + node.GetType().Name);
        }
    }

    private Evaluator CompileNamedProperty(string name, SqlNode at)
    {
        if (name.StartsWith("sys.", StringComparison.OrdinalIgnoreCase))
        {
            if (!SystemProperties.ByName.TryGetValue(name[4..], out var p))
            {
                throw new FilterException(text, at.Position, $"'{name[4..]}' is not a system property.");
            }
            return new SystemPropertyEvaluator(p);
        }
        return new UserPropertyEvaluator(name.StartsWith("user.", StringComparison.OrdinalIgnoreCase) ? name[5..] : name);
    }

    private SqlValue BindParameter(ParameterNode p)
    {
        if (parameters is null || !parameters.TryGetValue(p.Name, out var value))
        {
            // Accept the name with or without its '@', as the SDKs store it either way.
            if (parameters is null || !parameters.TryGetValue(p.Name[1..], out value))
            {
                throw new FilterException(text, p.Position, $"no value was supplied for parameter '{p.Name}'.");
            }
        }
        var v = SqlValue.FromObject(value);
        if (v.Kind == ValueKind.Other)
        {
            throw new FilterException(text, p.Position, $"parameter '{p.Name}' has unsupported type {value!.GetType().Name}.");
        }
        return v;
    }

    /// <summary>Evaluates a node whose operands are all constants now; an error becomes a FilterException.</summary>
    private Evaluator Fold(Evaluator evaluator, SqlNode node)
    {
        if (!AllConstant(node)) return evaluator;
        var value = evaluator.Evaluate(NoMessage);
        if (value.IsError)
        {
            throw new FilterException(text, node.Position, value.ErrorText);
        }
        return new ConstantEvaluator(value);
    }

    private bool AllConstant(SqlNode node) => node switch
    {
        ConstantNode or ParameterNode => true,
        NegateNode n => AllConstant(n.Operand),
        ArithmeticNode a => AllConstant(a.Left) && AllConstant(a.Right),
        CompareNode c => AllConstant(c.Left) && AllConstant(c.Right),
        AndNode a => AllConstant(a.Left) && AllConstant(a.Right),
        OrNode o => AllConstant(o.Left) && AllConstant(o.Right),
        NotNode n => AllConstant(n.Operand),
        IsNullNode n => AllConstant(n.Operand),
        InNode n => AllConstant(n.Operand) && n.Items.All(AllConstant),
        LikeNode l => AllConstant(l.Operand) && AllConstant(l.Pattern) && (l.Escape is null || AllConstant(l.Escape)),
        _ => false,
    };

    private Evaluator CompileCompare(CompareNode c)
    {
        var left = Compile(c.Left);
        var right = Compile(c.Right);
        if (left is ConstantEvaluator && right is ConstantEvaluator)
        {
            return Fold(new CompareEvaluator(c.Op, left, right), c);
        }
        if (left is UserPropertyEvaluator lu && right is ConstantEvaluator rc && !rc.Value.IsNull)
        {
            return new UserPropertyCompareEvaluator(c.Op, lu.Name, rc.Value, constantOnLeft: false);
        }
        if (right is UserPropertyEvaluator ru && left is ConstantEvaluator lc && !lc.Value.IsNull)
        {
            return new UserPropertyCompareEvaluator(c.Op, ru.Name, lc.Value, constantOnLeft: true);
        }
        if (c.Op is CompareOp.Equal or CompareOp.NotEqual)
        {
            if (left is SystemPropertyEvaluator ls && SystemProperties.IsString(ls.Property) && right is ConstantEvaluator { Value.Kind: ValueKind.String } rs)
            {
                return new SystemStringEqualsEvaluator(ls.Property, rs.Value.AsString, c.Op == CompareOp.NotEqual);
            }
            if (right is SystemPropertyEvaluator rsp && SystemProperties.IsString(rsp.Property) && left is ConstantEvaluator { Value.Kind: ValueKind.String } lcs)
            {
                return new SystemStringEqualsEvaluator(rsp.Property, lcs.Value.AsString, c.Op == CompareOp.NotEqual);
            }
        }
        return new CompareEvaluator(c.Op, left, right);
    }

    private Evaluator CompileIn(InNode n)
    {
        var operand = Compile(n.Operand);
        var items = n.Items.Select(Compile).ToArray();
        var evaluator = new InEvaluator(operand, items, n.Negated);
        if (AllConstant(n)) return Fold(evaluator, n);
        if (items.Length >= 4 && items.All(i => i is ConstantEvaluator { Value.Kind: ValueKind.String }))
        {
            // Beyond a handful of items a hash probe beats comparing each string.
            var set = new HashSet<string>(items.Select(i => ((ConstantEvaluator)i).Value.AsString), StringComparer.Ordinal);
            return new StringSetInEvaluator(operand, set, n.Negated);
        }
        return evaluator;
    }

    private Evaluator CompileLike(LikeNode l)
    {
        var operand = Compile(l.Operand);
        var pattern = Compile(l.Pattern);
        var escape = l.Escape is null ? null : Compile(l.Escape);
        var dynamic = new DynamicLikeEvaluator(operand, pattern, escape, l.Negated);
        if (AllConstant(l)) return Fold(dynamic, l);

        if (pattern is not ConstantEvaluator pc || (escape is not null && escape is not ConstantEvaluator))
        {
            return dynamic;
        }
        if (pc.Value.IsNull || (escape is ConstantEvaluator { Value.IsNull: true }))
        {
            return new ConstantEvaluator(SqlValue.Null);
        }
        if (pc.Value.Kind != ValueKind.String)
        {
            throw new FilterException(text, l.Pattern.Position, $"a LIKE pattern must be a String, not {SqlValue.KindName(pc.Value.Kind)}.");
        }
        char? escapeChar = null;
        if (escape is ConstantEvaluator ec)
        {
            if (ec.Value.Kind != ValueKind.String || ec.Value.AsString.Length != 1)
            {
                throw new FilterException(text, l.Escape!.Position, "the ESCAPE value must be a String of exactly one character.");
            }
            escapeChar = ec.Value.AsString[0];
        }
        var compiled = LikePattern.Create(pc.Value.AsString, escapeChar, out var error)
            ?? throw new FilterException(text, l.Pattern.Position, error!);
        return new LikeEvaluator(operand, compiled, l.Negated);
    }
}
