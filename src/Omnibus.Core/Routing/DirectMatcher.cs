using Omnibus.Core.Messages;

namespace Omnibus.Core.Routing;

/// <summary>Direct exchanges: a binding matches when its key equals the routing key (ordinal).</summary>
internal sealed class DirectMatcher : IBindingMatcher
{
    private readonly Dictionary<string, List<BindingDescription>> _byKey = new(StringComparer.Ordinal);

    public void Validate(BindingDescription binding) => RoutingKeys.ValidateLength(binding.RoutingKey, "binding key");

    public void Add(BindingDescription binding)
    {
        if (!_byKey.TryGetValue(binding.RoutingKey, out List<BindingDescription>? list))
        {
            _byKey[binding.RoutingKey] = list = [];
        }
        list.Add(binding);
    }

    public void Remove(BindingDescription binding)
    {
        if (_byKey.TryGetValue(binding.RoutingKey, out List<BindingDescription>? list))
        {
            list.RemoveAll(b => b.SameAs(binding));
            if (list.Count == 0)
            {
                _byKey.Remove(binding.RoutingKey);
            }
        }
    }

    public void Match(string routingKey, BrokerMessage message, RouteCollector routes)
    {
        if (_byKey.TryGetValue(routingKey, out List<BindingDescription>? list))
        {
            foreach (BindingDescription b in list)
            {
                routes.Add(b);
            }
        }
    }
}

/// <summary>Fanout exchanges: every binding matches, whatever the key.</summary>
internal sealed class FanoutMatcher : IBindingMatcher
{
    private readonly List<BindingDescription> _bindings = [];

    public void Validate(BindingDescription binding) => RoutingKeys.ValidateLength(binding.RoutingKey, "binding key");

    public void Add(BindingDescription binding) => _bindings.Add(binding);

    public void Remove(BindingDescription binding) => _bindings.RemoveAll(b => b.SameAs(binding));

    public void Match(string routingKey, BrokerMessage message, RouteCollector routes)
    {
        foreach (BindingDescription b in _bindings)
        {
            routes.Add(b);
        }
    }
}
