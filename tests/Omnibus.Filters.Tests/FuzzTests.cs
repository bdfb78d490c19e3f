using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Omnibus.Filters.Tests;

/// <summary>
/// Token soup: whatever text arrives in an add-rule request, creating the rule either succeeds
/// or throws <see cref="FilterException"/>, and a rule that was accepted never throws while
/// evaluating or applying.
/// </summary>
public class FuzzTests
{
    private static readonly string[] Tokens =
    [
        "a", "b", "s", "f", "sys.To", "sys.Label", "sys.SequenceNumber", "sys.EnqueuedTimeUtc", "user.a", "[q]]x]", "\"a\"",
        "1", "0", "-", "2.5", "'str'", "''", "'", "(", ")", "AND", "OR", "NOT", "IS", "NULL", "IN", "LIKE", "ESCAPE", "'!'",
        "EXISTS", "TRUE", "FALSE", "=", "<>", "!=", "<", ">", "<=", ">=", "+", "*", "/", "%", ",", ";", "p(", "property(",
        "newid()", "@p", ".", "[", "]", "\"", "SET", "REMOVE", "9223372036854775808", "1e", "!", "'a%'", "sys.", "user.",
    ];

    private static readonly Dictionary<string, object?> Parameters = new() { ["p"] = 3 };

    // Valid filters written with a space between tokens, to be mutated token by token.
    private static readonly string[] Seeds =
    [
        "a = 1 AND b > 2.5 OR NOT s LIKE 'a%' ESCAPE '!'",
        "sys.To IN ( 'x' , 'y' ) OR user.a IS NOT NULL",
        "EXISTS ( a ) AND ( a + 1 ) * 2 >= - b",
        "p( 's' ) = 'str' AND f",
        "sys.SequenceNumber % 2 = 0 AND sys.EnqueuedTimeUtc < sys.EnqueuedTimeUtc",
        "a NOT IN ( 1 , 2 , @p ) AND s <> 'str'",
        "( ( a = 1 ) ) OR TRUE",
        "s + 'x' = 'strx' AND newid() IS NOT NULL",
    ];

    private static Gen<string> Mutated =>
        Gen.Elements(Seeds).SelectMany(seed => Gen.Choose(0, 3).SelectMany(count =>
            Gen.Choose(0, 3).Zip(Gen.Choose(0, 1000)).Zip(Gen.Elements(Tokens)).ListOf(count).Select(mutations =>
            {
                var parts = seed.Split(' ').ToList();
                foreach (var ((kind, at), token) in mutations)
                {
                    var i = at % (parts.Count + 1);
                    switch (kind)
                    {
                        case 0 when parts.Count > 0 && i < parts.Count: parts.RemoveAt(i); break;
                        case 1: parts.Insert(i, token); break;
                        case 2 when i < parts.Count: parts[i] = token; break;
                        default: if (i < parts.Count) parts.Insert(i, parts[i]); break;
                    }
                }
                return string.Join(' ', parts);
            })));

    private static Gen<string> Soup =>
        Gen.Frequency(
            (1, Gen.Elements(Tokens).Zip(Gen.Elements(" ", "", " ", "\n")).Select(t => t.Item1 + t.Item2)
                .ListOf().Select(parts => string.Concat(parts.Take(40)))),
            (3, Mutated));

    private static readonly FilterMessage[] Messages =
    [
        new(),
        TestMessages.With(("a", 1), ("b", 2.5), ("s", "str"), ("f", true)),
        TestMessages.With(("a", "x"), ("b", null), ("s", 7L), ("f", 0)),
        TestMessages.With(("a", long.MaxValue), ("b", 0), ("s", "a%"), ("f", false)),
    ];

    [Property(MaxTest = 3000)]
    public Property Filter_creation_accepts_or_raises_filter_exception_and_evaluation_never_throws() =>
        Prop.ForAll(Arb.From(Soup), text =>
        {
            SqlFilter filter;
            try
            {
                filter = SqlFilter.Compile(text, Parameters);
            }
            catch (FilterException e)
            {
                return e.Position >= 0 && e.Position <= text.Length && e.Message.Length > 0;
            }
            foreach (var m in Messages)
            {
                var r = filter.Evaluate(m);
                if (r.Outcome == FilterOutcome.Error && string.IsNullOrEmpty(r.Error)) return false;
            }
            // An accepted filter also survives a print/parse cycle.
            return SqlFilter.Compile(filter.ToCanonicalString(), Parameters).ToCanonicalString() == filter.ToCanonicalString();
        });

    [Property(MaxTest = 2000)]
    public Property Action_creation_accepts_or_raises_filter_exception_and_applying_never_throws() =>
        Prop.ForAll(Arb.From(Gen.Elements("SET ", "REMOVE ", "SET a = ", "SET sys.To = ").Zip(Soup).Select(t => t.Item1 + t.Item2)), text =>
        {
            SqlRuleAction action;
            try
            {
                action = SqlRuleAction.Compile(text, Parameters);
            }
            catch (FilterException e)
            {
                return e.Position >= 0 && e.Position <= text.Length;
            }
            foreach (var m in Messages)
            {
                var copy = FilterMessage.CopyOf(m);
                if (!action.TryApply(copy, out var error) && string.IsNullOrEmpty(error)) return false;
            }
            return SqlRuleAction.Compile(action.ToCanonicalString(), Parameters).ToCanonicalString() == action.ToCanonicalString();
        });
}
