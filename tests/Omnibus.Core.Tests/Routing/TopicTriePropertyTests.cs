using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

public sealed class TopicTriePropertyTests
{
    // Few distinct words, so patterns and keys collide often; empty words included (a..b).
    private static readonly Gen<string> KeyWord = Gen.Elements("a", "b", "c", "");
    private static readonly Gen<string> PatternWord = Gen.Frequency((4, KeyWord), (2, Gen.Constant("*")), (2, Gen.Constant("#")), (1, Gen.Constant("a*")));

    private static Gen<string> Joined(Gen<string> word, int maxWords) =>
        Gen.Choose(0, maxWords).SelectMany(n => word.ArrayOf(n)).Select(words => string.Join('.', words));

    /// <summary>The rule as written: '#' takes zero or more words, '*' exactly one, other words themselves.</summary>
    private static bool Reference(string[] pattern, int p, string[] key, int k)
    {
        if (p == pattern.Length)
        {
            return k == key.Length;
        }
        if (pattern[p] == "#")
        {
            return Reference(pattern, p + 1, key, k) || (k < key.Length && Reference(pattern, p, key, k + 1));
        }
        return k < key.Length && (pattern[p] == "*" || pattern[p] == key[k]) && Reference(pattern, p + 1, key, k + 1);
    }

    [Property(MaxTest = 300)]
    public Property The_trie_selects_exactly_the_patterns_the_reference_matcher_accepts() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, 12).SelectMany(n => Joined(PatternWord, 5).ListOf(n))), Arb.From(Gen.Choose(1, 8).SelectMany(n => Joined(KeyWord, 6).ListOf(n))), (patterns, keys) =>
        {
            var trie = new TopicTrie<int>();
            for (int i = 0; i < patterns.Count; i++)
            {
                trie.Add(patterns[i], i);
            }
            foreach (string key in keys)
            {
                var found = new HashSet<int>();
                trie.Match(key, v => found.Add(v));
                var expected = Enumerable.Range(0, patterns.Count)
                    .Where(i => Reference(RoutingKeys.Words(patterns[i]), 0, RoutingKeys.Words(key), 0)).ToHashSet();
                if (!found.SetEquals(expected))
                {
                    return false;
                }
            }
            return true;
        });

    [Property(MaxTest = 200)]
    public Property Removing_patterns_from_the_trie_leaves_it_matching_as_one_built_without_them() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 10).SelectMany(n => Joined(PatternWord, 4).ListOf(n))), Arb.From(Joined(KeyWord, 5)), (patterns, key) =>
        {
            var trie = new TopicTrie<int>();
            for (int i = 0; i < patterns.Count; i++)
            {
                trie.Add(patterns[i], i);
            }
            for (int i = 0; i < patterns.Count; i += 2)
            {
                int removed = i;
                trie.Remove(patterns[i], v => v == removed);
            }
            var found = new HashSet<int>();
            trie.Match(key, v => found.Add(v));
            var expected = Enumerable.Range(0, patterns.Count)
                .Where(i => i % 2 == 1 && Reference(RoutingKeys.Words(patterns[i]), 0, RoutingKeys.Words(key), 0)).ToHashSet();
            return found.SetEquals(expected);
        });
}
