using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Omnibus.Filters.Sql;

namespace Omnibus.Filters.Tests;

/// <summary>
/// FsCheck properties: random trees printed to text parse back to the same tree, and the
/// evaluator obeys the laws of three-valued logic on random messages.
/// </summary>
public class PropertyBasedTests
{
    private static readonly string[] UserNames = ["a", "b", "c", "s", "Color", "x_1", "a b", "HR-ID", "and", "1st", "q]x", "say \"hi\"", "é"];
    private static readonly string[] LawNames = ["a", "b", "c", "s", "f"];
    private static readonly string[] SysNames = [.. SystemProperties.ByName.Keys];
    private static readonly char[] StringChars = ['a', 'Z', '0', ' ', '\'', '"', ']', '[', '%', '_', '!', '\\', 'é', '\n', '€'];

    private static Gen<(T1, T2, T3)> Zip3<T1, T2, T3>(Gen<T1> a, Gen<T2> b, Gen<T3> c) =>
        a.Zip(b).Zip(c).Select(t => (t.Item1.Item1, t.Item1.Item2, t.Item2));

    private static Gen<long> Int64s =>
        Gen.Frequency(
            (3, Gen.Choose(-1000, 1000).Select(i => (long)i)),
            (2, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => ((long)t.Item1 << 32) | (uint)t.Item2)),
            (1, Gen.Elements(0L, long.MinValue, long.MaxValue, int.MaxValue + 1L)));

    private static Gen<double> Doubles =>
        Gen.Frequency(
            (3, Gen.Choose(-100000, 100000).Zip(Gen.Choose(0, 6)).Select(t => t.Item1 / Math.Pow(10, t.Item2))),
            (1, Int64s.Two().Select(t => BitConverter.Int64BitsToDouble(t.Item1 ^ (t.Item2 << 7))).Where(double.IsFinite)),
            (1, Gen.Elements(0.0, 1e300, -1e-300, 0.5E-2, 101.5E5)));

    private static Gen<string> Strings => Gen.Elements(StringChars).ArrayOf().Select(cs => new string(cs));

    private static Gen<SqlNode> Constant(bool forLaws) =>
        Gen.Frequency(
            (3, Int64s.Select(v => (SqlNode)new ConstantNode(SqlValue.FromInt64(v)))),
            (2, Doubles.Select(v => (SqlNode)new ConstantNode(SqlValue.FromDouble(v)))),
            (2, (forLaws ? Gen.Elements("", "a", "b", "x%", "ab") : Strings).Select(v => (SqlNode)new ConstantNode(SqlValue.FromString(v)))),
            (1, Gen.Elements(true, false).Select(v => (SqlNode)new ConstantNode(SqlValue.FromBool(v)))),
            (1, Gen.Constant((SqlNode)new ConstantNode(SqlValue.Null))));

    private static Gen<PropertyNode> Property(bool forLaws) =>
        forLaws
            ? Gen.Elements(LawNames).Select(n => new PropertyNode(PropertyScope.User, n))
            : Gen.Frequency(
                (3, Gen.Elements(UserNames).Select(n => new PropertyNode(PropertyScope.User, n))),
                (1, Gen.Elements(SysNames).Select(n => new PropertyNode(PropertyScope.System, n) { SystemProperty = SystemProperties.ByName[n] })));

    private static Gen<SqlNode> Value(int depth, bool forLaws)
    {
        var leaf = Gen.Frequency(
            (2, Constant(forLaws)),
            (3, Property(forLaws).Select(p => (SqlNode)p)),
            (forLaws ? 0 : 1, Gen.Constant((SqlNode)new NewIdNode())));
        if (depth <= 0) return leaf;
        var sub = Gen.Sized(_ => Value(depth - 1, forLaws));
        return Gen.Frequency(
            (4, leaf),
            (1, sub.Zip(Gen.Elements(true, false)).Select(t => (SqlNode)new NegateNode(t.Item1, t.Item2))),
            (3, Gen.Elements(Enum.GetValues<ArithmeticOp>()).Zip(sub.Two())
                .Select(t => (SqlNode)new ArithmeticNode(t.Item1, t.Item2.Item1, t.Item2.Item2))),
            (1, sub.Zip(Gen.Elements("p", "property")).Select(t => (SqlNode)new PropertyFunctionNode(t.Item2, t.Item1))));
    }

    private static Gen<SqlNode> Predicate(int depth, bool forLaws)
    {
        var values = Value(Math.Min(depth, 2), forLaws);
        var simple = Gen.Frequency(
            (4, Gen.Elements(Enum.GetValues<CompareOp>()).Zip(values.Two())
                .Select(t => (SqlNode)new CompareNode(t.Item1, t.Item2.Item1, t.Item2.Item2))),
            (1, values.Zip(Gen.Elements(true, false)).Select(t => (SqlNode)new IsNullNode(t.Item1, t.Item2))),
            (1, Zip3(values, values.NonEmptyListOf(), Gen.Elements(true, false))
                .Select(t => (SqlNode)new InNode(t.Item1, [.. t.Item2.Take(5)], t.Item3))),
            (1, Zip3(values, values, Gen.Elements(true, false)).Zip(Gen.Elements<SqlNode?>(null, new ConstantNode(SqlValue.FromString("!"))))
                .Select(t => (SqlNode)new LikeNode(t.Item1.Item1, t.Item1.Item2, t.Item2, t.Item1.Item3))),
            (1, Property(forLaws).Select(p => (SqlNode)new ExistsNode(p))),
            (1, Gen.Elements(true, false).Select(b => (SqlNode)new ConstantNode(SqlValue.FromBool(b)))),
            (1, Property(forLaws).Select(p => (SqlNode)p)));
        if (depth <= 0) return simple;
        var sub = Gen.Sized(_ => Predicate(depth - 1, forLaws));
        return Gen.Frequency(
            (3, simple),
            (2, sub.Two().Select(t => (SqlNode)new AndNode(t.Item1, t.Item2))),
            (2, sub.Two().Select(t => (SqlNode)new OrNode(t.Item1, t.Item2))),
            (1, sub.Select(p => (SqlNode)new NotNode(p))));
    }

    // Laws run over well-typed predicates (numbers with a, b, c; strings with s; a Boolean f) so
    // that most cases evaluate to True, False or Unknown rather than a type error.
    private static readonly string[] NumberNames = ["a", "b", "c"];

    private static Gen<SqlNode> NumberConstant =>
        Gen.Frequency(
            (3, Gen.Choose(-3, 3).Select(i => (SqlNode)new ConstantNode(SqlValue.FromInt64(i)))),
            (1, Gen.Choose(-6, 6).Select(i => (SqlNode)new ConstantNode(SqlValue.FromDouble(i / 2.0)))));

    private static Gen<SqlNode> NumberExpression(int depth)
    {
        var leaf = Gen.Frequency(
            (3, Gen.Elements(NumberNames).Select(n => (SqlNode)new PropertyNode(PropertyScope.User, n))),
            (2, NumberConstant));
        if (depth <= 0) return leaf;
        var sub = Gen.Sized(_ => NumberExpression(depth - 1));
        return Gen.Frequency(
            (3, leaf),
            (1, sub.Select(n => (SqlNode)new NegateNode(n, isPlus: false))),
            (2, Gen.Elements(ArithmeticOp.Add, ArithmeticOp.Subtract, ArithmeticOp.Multiply).Zip(sub.Two())
                .Select(t => (SqlNode)new ArithmeticNode(t.Item1, t.Item2.Item1, t.Item2.Item2))));
    }

    private static Gen<SqlNode> LawPredicate(int depth)
    {
        var s = new PropertyNode(PropertyScope.User, "s");
        var numbers = NumberExpression(1);
        var simple = Gen.Frequency(
            (4, Gen.Elements(Enum.GetValues<CompareOp>()).Zip(numbers.Two())
                .Select(t => (SqlNode)new CompareNode(t.Item1, t.Item2.Item1, t.Item2.Item2))),
            (2, Gen.Elements(Enum.GetValues<CompareOp>()).Zip(Gen.Elements("", "a", "ab", "b"))
                .Select(t => (SqlNode)new CompareNode(t.Item1, s, new ConstantNode(SqlValue.FromString(t.Item2))))),
            (1, Gen.Elements(LawNames).Zip(Gen.Elements(true, false))
                .Select(t => (SqlNode)new IsNullNode(new PropertyNode(PropertyScope.User, t.Item1), t.Item2))),
            (1, Zip3(numbers, NumberConstant.NonEmptyListOf(), Gen.Elements(true, false))
                .Select(t => (SqlNode)new InNode(t.Item1, [.. t.Item2.Take(4)], t.Item3))),
            (1, Gen.Elements("a%", "%b", "_", "%", "a!%", "ab").Zip(Gen.Elements(true, false))
                .Select(t => (SqlNode)new LikeNode(s, new ConstantNode(SqlValue.FromString(t.Item1)), new ConstantNode(SqlValue.FromString("!")), t.Item2))),
            (1, Gen.Elements(LawNames).Select(n => (SqlNode)new ExistsNode(new PropertyNode(PropertyScope.User, n)))),
            (1, Gen.Elements(true, false).Select(b => (SqlNode)new ConstantNode(SqlValue.FromBool(b)))),
            (1, Gen.Constant((SqlNode)new PropertyNode(PropertyScope.User, "f"))));
        if (depth <= 0) return simple;
        var sub = Gen.Sized(_ => LawPredicate(depth - 1));
        return Gen.Frequency(
            (3, simple),
            (2, sub.Two().Select(t => (SqlNode)new AndNode(t.Item1, t.Item2))),
            (2, sub.Two().Select(t => (SqlNode)new OrNode(t.Item1, t.Item2))),
            (1, sub.Select(p => (SqlNode)new NotNode(p))));
    }

    private static Gen<object?> Absent(Gen<object?> present) =>
        Gen.Frequency((2, Gen.Constant<object?>("missing")), (1, Gen.Constant<object?>(null)), (6, present),
            (1, Gen.Elements<object?>("a", 1, true))); // occasionally the wrong type: an evaluation error

    private static Gen<FilterMessage> Messages =>
        Gen.CollectToArray(
            [
                .. NumberNames.Select(_ => Absent(Gen.OneOf(
                    Gen.Choose(-3, 3).Select(i => (object?)i),
                    Gen.Choose(-3, 3).Select(i => (object?)(long)i),
                    Gen.Choose(-6, 6).Select(i => (object?)(i / 2.0))))),
                Absent(Gen.Elements<object?>("", "a", "b", "ab", "a%")),
                Absent(Gen.Elements<object?>(true, false)),
            ])
            .Select(values =>
            {
                var m = new FilterMessage();
                for (var i = 0; i < LawNames.Length; i++)
                {
                    if (values[i] is not "missing") m.Properties[LawNames[i]] = values[i];
                }
                return m;
            });

    private static FilterOutcome? Outcome(string text, IFilterMessage m)
    {
        try
        {
            return SqlFilter.Compile(text).Evaluate(m).Outcome;
        }
        catch (FilterException)
        {
            return null; // constant sub-expression with an error: rejected at creation, nothing to evaluate
        }
    }

    [Property(MaxTest = 400)]
    public Property Printed_filter_parses_back_to_the_same_tree() =>
        Prop.ForAll(Arb.From(Gen.Sized(s => Predicate(Math.Min(s / 10, 3), forLaws: false))), tree =>
        {
            var text = SqlPrinter.Print(tree);
            if (text.Length > Parser.MaxExpressionLength) return true;
            var parsed = Parser.ParseFilter(text);
            return SqlNodeComparer.Equal(tree, parsed) && SqlPrinter.Print(parsed) == text;
        });

    [Property(MaxTest = 200)]
    public Property Printed_action_parses_back_to_the_same_statements() =>
        Prop.ForAll(
            Arb.From(Gen.Frequency(
                    (2, Property(false).Zip(Value(2, false)).Select(t => (ActionStatement)new SetStatement(t.Item1, t.Item2))),
                    (1, Property(false).Select(p => (ActionStatement)new RemoveStatement(p))))
                .NonEmptyListOf()
                .Select(l => l.Take(Parser.MaxActionStatements).ToList())),
            statements =>
            {
                // Broker-assigned system properties cannot be targets; keep only writable ones.
                var valid = statements.Where(s => s.Target.Scope == PropertyScope.User
                    || (SystemProperties.IsWritable(s.Target.SystemProperty)
                        && (s is SetStatement || SystemProperties.IsString(s.Target.SystemProperty)))).ToList();
                if (valid.Count == 0) return true;
                var text = SqlPrinter.Print(valid);
                if (text.Length > Parser.MaxExpressionLength) return true;
                var parsed = Parser.ParseAction(text);
                return parsed.Count == valid.Count && parsed.Zip(valid).All(p =>
                    p.First.GetType() == p.Second.GetType()
                    && SqlNodeComparer.Equal(p.First.Target, p.Second.Target)
                    && (p.First is not SetStatement set || SqlNodeComparer.Equal(set.Value, ((SetStatement)p.Second).Value)));
            });

    private static Arbitrary<(SqlNode P, SqlNode Q, FilterMessage M)> LawCases =>
        Arb.From(Gen.Sized(s => LawPredicate(Math.Min(s / 20, 3))).Two().Zip(Messages)
            .Select(t => (t.Item1.Item1, t.Item1.Item2, t.Item2)));

    [Property(MaxTest = 300)]
    public Property P_and_not_p_is_never_true_and_p_or_not_p_is_never_false() =>
        Prop.ForAll(LawCases, c =>
        {
            var p = SqlPrinter.Print(c.P);
            var and = Outcome($"({p}) AND NOT ({p})", c.M);
            var or = Outcome($"({p}) OR NOT ({p})", c.M);
            return and != FilterOutcome.True && or != FilterOutcome.False;
        });

    [Property(MaxTest = 300)]
    public Property Double_negation_is_identity() =>
        Prop.ForAll(LawCases, c =>
        {
            var p = SqlPrinter.Print(c.P);
            return Outcome($"NOT (NOT ({p}))", c.M) == Outcome(p, c.M);
        });

    [Property(MaxTest = 300)]
    public Property Not_maps_true_false_unknown_to_false_true_unknown() =>
        Prop.ForAll(LawCases, c =>
        {
            var p = SqlPrinter.Print(c.P);
            var o = Outcome(p, c.M);
            var n = Outcome($"NOT ({p})", c.M);
            return o switch
            {
                FilterOutcome.True => n == FilterOutcome.False,
                FilterOutcome.False => n == FilterOutcome.True,
                _ => n == o,
            };
        });

    [Property(MaxTest = 300)]
    public Property And_or_commute_and_obey_de_morgan_when_nothing_fails() =>
        Prop.ForAll(LawCases, c =>
        {
            var p = SqlPrinter.Print(c.P);
            var q = SqlPrinter.Print(c.Q);
            var op = Outcome(p, c.M);
            var oq = Outcome(q, c.M);
            if (op is null or FilterOutcome.Error || oq is null or FilterOutcome.Error) return true;
            return Outcome($"({p}) AND ({q})", c.M) == Outcome($"({q}) AND ({p})", c.M)
                && Outcome($"({p}) OR ({q})", c.M) == Outcome($"({q}) OR ({p})", c.M)
                && Outcome($"NOT (({p}) AND ({q}))", c.M) == Outcome($"(NOT ({p})) OR (NOT ({q}))", c.M)
                && Outcome($"NOT (({p}) OR ({q}))", c.M) == Outcome($"(NOT ({p})) AND (NOT ({q}))", c.M);
        });

    [Property(MaxTest = 300)]
    public Property And_or_agree_with_the_kleene_tables() =>
        Prop.ForAll(LawCases, c =>
        {
            var p = SqlPrinter.Print(c.P);
            var q = SqlPrinter.Print(c.Q);
            var op = Outcome(p, c.M);
            var oq = Outcome(q, c.M);
            if (op is null or FilterOutcome.Error || oq is null or FilterOutcome.Error) return true;
            static int Rank(FilterOutcome? o) => o switch { FilterOutcome.False => 0, FilterOutcome.Unknown => 1, _ => 2 };
            FilterOutcome FromRank(int r) => r switch { 0 => FilterOutcome.False, 1 => FilterOutcome.Unknown, _ => FilterOutcome.True };
            return Outcome($"({p}) AND ({q})", c.M) == FromRank(Math.Min(Rank(op), Rank(oq)))
                && Outcome($"({p}) OR ({q})", c.M) == FromRank(Math.Max(Rank(op), Rank(oq)));
        });

    private static Gen<object?> AnyValue =>
        Gen.OneOf(
            Gen.Choose(-3, 3).Select(i => (object?)i),
            Gen.Choose(-3, 3).Select(i => (object?)(long)i),
            Gen.Choose(-6, 6).Select(i => (object?)(i / 2.0)),
            Gen.Choose(-6, 6).Select(i => (object?)(i / 2.0f)),
            Gen.Choose(-6, 6).Select(i => (object?)(i / 2.0m)),
            Gen.Choose(0, 3).Select(i => (object?)(uint)i),
            Gen.Choose(0, 3).Select(i => (object?)(ulong)i),
            Gen.Choose(-3, 3).Select(i => (object?)(short)i),
            Gen.Elements<object?>("", "a", "ab", "b", true, false, null, double.NaN, long.MaxValue, int.MinValue));

    [Property(MaxTest = 500)]
    public Property Comparison_fast_paths_agree_with_the_generic_path_whichever_side_the_constant_is_on() =>
        Prop.ForAll(
            Arb.From(Zip3(AnyValue, Constant(true), Gen.Elements(Enum.GetValues<CompareOp>()))),
            t =>
            {
                var (value, constant, op) = t;
                var flipped = op switch
                {
                    CompareOp.Less => CompareOp.Greater,
                    CompareOp.Greater => CompareOp.Less,
                    CompareOp.LessOrEqual => CompareOp.GreaterOrEqual,
                    CompareOp.GreaterOrEqual => CompareOp.LessOrEqual,
                    _ => op,
                };
                // "nm" holds the property name, so p(nm) is resolved per message: the generic evaluator.
                var m = TestMessages.With(("v", value), ("nm", "v"));
                var c = SqlPrinter.Constant(((ConstantNode)constant).Value);
                var direct = Outcome($"v {SqlOps.OpText(op)} {c}", m);
                var reversed = Outcome($"{c} {SqlOps.OpText(flipped)} v", m);
                var generic = Outcome($"p(nm) {SqlOps.OpText(op)} {c}", m);
                return (direct == reversed && direct == generic)
                    .Label($"{value?.GetType().Name} {value} {SqlOps.OpText(op)} {c}: {direct} / {reversed} / {generic}");
            });

    [Property(MaxTest = 500)]
    public Property Correlation_property_match_agrees_with_sql_equality() =>
        Prop.ForAll(
            Arb.From(AnyValue.Zip(Constant(true))),
            t =>
            {
                var (value, constant) = t;
                var expected = ((ConstantNode)constant).Value;
                var m = TestMessages.With(("v", value));
                var correlation = new CorrelationFilter(properties: [new("v", expected.ToObject())]).Evaluate(m).IsMatch;
                var sql = Outcome(expected.IsNull ? "v IS NULL" : $"v = {SqlPrinter.Constant(expected)}", m);
                return (correlation == (sql == FilterOutcome.True)).Label($"{value?.GetType().Name} {value} vs {expected}: {correlation} / {sql}");
            });

    [Property(MaxTest = 200)]
    public Property In_equals_the_or_of_equalities() =>
        Prop.ForAll(
            Arb.From(Gen.Elements(LawNames).Zip(Constant(true).NonEmptyListOf()).Zip(Messages)),
            t =>
            {
                var ((name, items), m) = t;
                var texts = items.Take(6).Select(i => SqlPrinter.Constant(((ConstantNode)i).Value)).ToList();
                var inList = Outcome($"{name} IN ({string.Join(", ", texts)})", m);
                var ors = Outcome(string.Join(" OR ", texts.Select(x => $"{name} = {x}")), m);
                if (inList is null || ors is null) return true;
                // OR short-circuits left to right as IN does, so even errors agree.
                return inList == ors;
            });
}
