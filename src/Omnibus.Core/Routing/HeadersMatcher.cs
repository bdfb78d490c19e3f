using Omnibus.Core.Messages;

namespace Omnibus.Core.Routing;

/// <summary>
/// Headers exchanges: a binding's argument table lists header values to match, the routing key is
/// ignored. <c>x-match</c> says how: <c>all</c> (the default) every listed header must be present
/// with an equal value, <c>any</c> at least one; arguments whose name starts with <c>x-</c> are not
/// compared, except with <c>all-with-x</c> and <c>any-with-x</c> (only <c>x-match</c> itself is
/// never compared). A null value matches a header that is present with any value. Values compare
/// by <see cref="ArgumentTable.ValuesEqual"/>. With nothing to compare, <c>all</c> matches every
/// message and <c>any</c> none (as RabbitMQ does).
/// </summary>
internal sealed class HeadersMatcher : IBindingMatcher
{
    /// <summary>The argument that says how a headers binding matches.</summary>
    public const string MatchArgument = "x-match";

    private readonly List<(BindingDescription Binding, bool All, KeyValuePair<string, object?>[] Wanted)> _bindings = [];

    public void Validate(BindingDescription binding) => Compile(binding);

    public void Add(BindingDescription binding)
    {
        (bool all, KeyValuePair<string, object?>[] wanted) = Compile(binding);
        _bindings.Add((binding, all, wanted));
    }

    public void Remove(BindingDescription binding) => _bindings.RemoveAll(b => b.Binding.SameAs(binding));

    public void Match(string routingKey, BrokerMessage message, RouteCollector routes)
    {
        foreach ((BindingDescription binding, bool all, KeyValuePair<string, object?>[] wanted) in _bindings)
        {
            if (Matches(message, all, wanted))
            {
                routes.Add(binding);
            }
        }
    }

    private static bool Matches(BrokerMessage message, bool all, KeyValuePair<string, object?>[] wanted)
    {
        if (wanted.Length == 0)
        {
            return all;
        }
        IDictionary<string, object?>? headers = message.HasApplicationProperties ? message.ApplicationProperties : null;
        foreach (KeyValuePair<string, object?> w in wanted)
        {
            bool hit = headers is not null && headers.TryGetValue(w.Key, out object? value) && (w.Value is null || ArgumentTable.ValuesEqual(w.Value, value));
            if (hit && !all)
            {
                return true;
            }
            if (!hit && all)
            {
                return false;
            }
        }
        return all;
    }

    private static (bool All, KeyValuePair<string, object?>[] Wanted) Compile(BindingDescription binding)
    {
        bool all, withX;
        switch (binding.Arguments.GetValueOrDefault(MatchArgument))
        {
            case null or "all": all = true; withX = false; break;
            case "any": all = false; withX = false; break;
            case "all-with-x": all = true; withX = true; break;
            case "any-with-x": all = false; withX = true; break;
            case object other:
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Invalid {MatchArgument} value '{other}': expected all, any, all-with-x or any-with-x.");
        }
        KeyValuePair<string, object?>[] wanted = binding.Arguments
            .Where(kv => kv.Key != MatchArgument && (withX || !kv.Key.StartsWith("x-", StringComparison.Ordinal)))
            .ToArray();
        return (all, wanted);
    }
}
