using Omnibus.Core.Messages;

namespace Omnibus.Core.Routing;

/// <summary>
/// Topic exchanges: binding keys are dot-separated patterns where the word <c>*</c> matches exactly
/// one word and <c>#</c> zero or more; any other word (also <c>a*</c>) matches itself, as in
/// RabbitMQ. The patterns live in a trie of words, so a message costs a walk over the words of its
/// key, not a test of every binding.
/// </summary>
internal sealed class TopicMatcher : IBindingMatcher
{
    private readonly TopicTrie<BindingDescription> _trie = new();

    public void Validate(BindingDescription binding) => RoutingKeys.ValidateLength(binding.RoutingKey, "topic binding pattern");

    public void Add(BindingDescription binding) => _trie.Add(binding.RoutingKey, binding);

    public void Remove(BindingDescription binding) => _trie.Remove(binding.RoutingKey, b => b.SameAs(binding));

    public void Match(string routingKey, BrokerMessage message, RouteCollector routes) => _trie.Match(routingKey, routes.Add);
}

/// <summary>A trie of topic patterns (<c>*</c> one word, <c>#</c> zero or more) holding values at the pattern ends.</summary>
public sealed class TopicTrie<T>
{
    private readonly Node _root = new();

    /// <summary>Adds <paramref name="value"/> under <paramref name="pattern"/>.</summary>
    public void Add(string pattern, T value)
    {
        Node node = _root;
        foreach (string word in RoutingKeys.Words(pattern))
        {
            node = word switch
            {
                "*" => node.Star ??= new Node(),
                "#" => node.Hash ??= new Node(),
                _ => node.Child(word),
            };
        }
        (node.Values ??= []).Add(value);
    }

    /// <summary>Removes the values under <paramref name="pattern"/> that <paramref name="which"/> selects, pruning emptied branches.</summary>
    public void Remove(string pattern, Func<T, bool> which)
    {
        string[] words = RoutingKeys.Words(pattern);
        var path = new Node[words.Length + 1];
        path[0] = _root;
        for (int i = 0; i < words.Length; i++)
        {
            Node? next = words[i] switch
            {
                "*" => path[i].Star,
                "#" => path[i].Hash,
                _ => path[i].Words?.GetValueOrDefault(words[i]),
            };
            if (next is null)
            {
                return;
            }
            path[i + 1] = next;
        }
        path[^1].Values?.RemoveAll(v => which(v));
        for (int i = words.Length; i > 0 && path[i].IsEmpty; i--)
        {
            Node parent = path[i - 1];
            switch (words[i - 1])
            {
                case "*": parent.Star = null; break;
                case "#": parent.Hash = null; break;
                default: parent.Words!.Remove(words[i - 1]); break;
            }
        }
    }

    /// <summary>Calls <paramref name="found"/> for every value whose pattern matches <paramref name="routingKey"/> (a value may be reported more than once).</summary>
    public void Match(string routingKey, Action<T> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        string[] words = RoutingKeys.Words(routingKey);
        HashSet<(Node, int)>? seen = null;
        Visit(_root, words, 0, found, ref seen);
    }

    private static void Visit(Node node, string[] words, int at, Action<T> found, ref HashSet<(Node, int)>? seen)
    {
        if (node.Hash is { } hash)
        {
            // '#' takes zero or more words: continue after it from every later position. Patterns
            // with several '#' reach the same (node, position) many ways; each is walked once.
            HashSet<(Node, int)> walked = seen ??= [];
            for (int next = at; next <= words.Length; next++)
            {
                if (walked.Add((hash, next)))
                {
                    Visit(hash, words, next, found, ref seen);
                }
            }
        }
        if (at == words.Length)
        {
            if (node.Values is { } values)
            {
                foreach (T v in values)
                {
                    found(v);
                }
            }
            return;
        }
        if (node.Words is { } children && children.TryGetValue(words[at], out Node? child))
        {
            Visit(child, words, at + 1, found, ref seen);
        }
        if (node.Star is { } star)
        {
            Visit(star, words, at + 1, found, ref seen);
        }
    }

    private sealed class Node
    {
        public Dictionary<string, Node>? Words;
        public Node? Star;
        public Node? Hash;
        public List<T>? Values;

        public bool IsEmpty => Values is not { Count: > 0 } && Words is not { Count: > 0 } && Star is null && Hash is null;

        public Node Child(string word)
        {
            Words ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!Words.TryGetValue(word, out Node? child))
            {
                Words[word] = child = new Node();
            }
            return child;
        }
    }
}
