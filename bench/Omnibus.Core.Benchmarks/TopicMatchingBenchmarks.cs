using BenchmarkDotNet.Attributes;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Benchmarks;

/// <summary>
/// Topic matching with many bindings: the trie against testing every pattern one by one (what a
/// regex per binding amounts to). Bindings look like MassTransit's and IoT fleets' keys: per-tenant
/// literal keys, a few '*' and '#' patterns per region.
/// Run: <c>dotnet run -c Release --project bench/Omnibus.Core.Benchmarks -- routing --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class TopicMatchingBenchmarks
{
    private TopicTrie<int> _trie = null!;
    private string[][] _patterns = null!;
    private string[] _keys = null!;

    [Params(100, 10_000)]
    public int Bindings { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _trie = new TopicTrie<int>();
        var patterns = new List<string>();
        for (int i = 0; i < Bindings; i++)
        {
            string pattern = (i % 10) switch
            {
                0 => $"region{i % 20}.*.order{i}",
                1 => $"region{i % 20}.#",
                2 => $"#.tenant{i}",
                _ => $"region{i % 20}.tenant{i}.order{i}",
            };
            patterns.Add(pattern);
            _trie.Add(pattern, i);
        }
        _patterns = patterns.Select(RoutingKeys.Words).ToArray();
        _keys = Enumerable.Range(0, 64).Select(i => $"region{i % 20}.tenant{i * 37 % Bindings}.order{i * 37 % Bindings}").ToArray();
    }

    [Benchmark]
    public int Trie()
    {
        int found = 0;
        foreach (string key in _keys)
        {
            _trie.Match(key, _ => found++);
        }
        return found;
    }

    [Benchmark(Baseline = true)]
    public int EveryPattern()
    {
        int found = 0;
        foreach (string key in _keys)
        {
            string[] words = RoutingKeys.Words(key);
            foreach (string[] pattern in _patterns)
            {
                if (Matches(pattern, 0, words, 0))
                {
                    found++;
                }
            }
        }
        return found;
    }

    private static bool Matches(string[] pattern, int p, string[] key, int k)
    {
        if (p == pattern.Length)
        {
            return k == key.Length;
        }
        if (pattern[p] == "#")
        {
            return Matches(pattern, p + 1, key, k) || (k < key.Length && Matches(pattern, p, key, k + 1));
        }
        return k < key.Length && (pattern[p] == "*" || pattern[p] == key[k]) && Matches(pattern, p + 1, key, k + 1);
    }
}
