namespace Omnibus.Filters.Sql;

/// <summary>
/// A compiled LIKE pattern: <c>%</c> any run of characters, <c>_</c> exactly one character,
/// the optional escape character makes the next character literal. Matching is ordinal and
/// case-sensitive and never allocates. Patterns of the shapes <c>abc</c>, <c>abc%</c>,
/// <c>%abc</c> and <c>%abc%</c> (the great majority in practice) use span primitives.
/// </summary>
internal sealed class LikePattern
{
    private enum Shape : byte { Exact, Prefix, Suffix, Contains, General }

    private const char AnyOne = '\uFFFF';

    private readonly Shape _shape;
    private readonly string _literal;
    // General shape: one element per pattern position, _kinds telling literal, '_' or '%'.
    private readonly char[] _chars = [];
    private readonly byte[] _kinds = []; // 0 literal, 1 any one, 2 any run

    private LikePattern(Shape shape, string literal)
    {
        _shape = shape;
        _literal = literal;
    }

    private LikePattern(char[] chars, byte[] kinds)
    {
        _shape = Shape.General;
        _literal = string.Empty;
        _chars = chars;
        _kinds = kinds;
    }

    /// <summary>Compiles <paramref name="pattern"/>; returns null and an error text when it is invalid.</summary>
    public static LikePattern? Create(string pattern, char? escape, out string? error)
    {
        error = null;
        var chars = new List<char>(pattern.Length);
        var kinds = new List<byte>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (escape is { } e && c == e)
            {
                if (i + 1 >= pattern.Length)
                {
                    error = $"LIKE pattern '{pattern}' ends with the escape character '{e}'.";
                    return null;
                }
                chars.Add(pattern[++i]);
                kinds.Add(0);
            }
            else if (c == '%')
            {
                // Consecutive '%' are one run.
                if (kinds.Count == 0 || kinds[^1] != 2)
                {
                    chars.Add(AnyOne);
                    kinds.Add(2);
                }
            }
            else if (c == '_')
            {
                chars.Add(AnyOne);
                kinds.Add(1);
            }
            else
            {
                chars.Add(c);
                kinds.Add(0);
            }
        }

        var runs = 0;
        var ones = 0;
        foreach (var k in kinds)
        {
            if (k == 2) runs++;
            else if (k == 1) ones++;
        }
        if (ones == 0)
        {
            var n = kinds.Count;
            if (runs == 0) return new LikePattern(Shape.Exact, new string([.. chars]));
            var leading = kinds[0] == 2;
            var trailing = kinds[n - 1] == 2;
            if (runs == 1 && trailing && !leading) return new LikePattern(Shape.Prefix, new string([.. chars], 0, n - 1));
            if (runs == 1 && leading && !trailing) return new LikePattern(Shape.Suffix, new string([.. chars], 1, n - 1));
            if (runs == 1 && leading) return new LikePattern(Shape.Contains, string.Empty); // just '%'
            if (runs == 2 && leading && trailing) return new LikePattern(Shape.Contains, new string([.. chars], 1, n - 2));
        }
        return new LikePattern([.. chars], [.. kinds]);
    }

    public bool IsMatch(ReadOnlySpan<char> text) => _shape switch
    {
        Shape.Exact => text.SequenceEqual(_literal),
        Shape.Prefix => text.StartsWith(_literal, StringComparison.Ordinal),
        Shape.Suffix => text.EndsWith(_literal, StringComparison.Ordinal),
        Shape.Contains => text.Contains(_literal, StringComparison.Ordinal),
        _ => MatchGeneral(text),
    };

    /// <summary>
    /// Greedy wildcard match with one backtrack point: on a mismatch, resume after the last
    /// '%' with one more character consumed by it. O(text × pattern) worst case, no allocation.
    /// </summary>
    private bool MatchGeneral(ReadOnlySpan<char> text)
    {
        var chars = _chars;
        var kinds = _kinds;
        int t = 0, p = 0, runP = -1, runT = 0;
        while (t < text.Length)
        {
            if (p < kinds.Length && (kinds[p] == 1 || (kinds[p] == 0 && chars[p] == text[t])))
            {
                t++;
                p++;
            }
            else if (p < kinds.Length && kinds[p] == 2)
            {
                runP = p++;
                runT = t;
            }
            else if (runP >= 0)
            {
                p = runP + 1;
                t = ++runT;
            }
            else
            {
                return false;
            }
        }
        while (p < kinds.Length && kinds[p] == 2) p++;
        return p == kinds.Length;
    }
}
