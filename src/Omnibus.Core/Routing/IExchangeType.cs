using Omnibus.Core.Matching;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Routing;

/// <summary>
/// An exchange type: how the bindings of one exchange select messages. The core has direct, fanout,
/// topic, headers and rules; a front-end or host adds more (SNS filter policies, say) through
/// <c>BrokerOptions.ExchangeTypes</c>.
/// </summary>
public interface IExchangeType
{
    /// <summary>The type name exchanges are declared with (case-sensitive).</summary>
    string Name { get; }

    /// <summary>A new, empty binding table for one exchange of this type.</summary>
    IBindingMatcher CreateMatcher(ExchangeDescription exchange, IRuleCompiler ruleCompiler);
}

/// <summary>
/// The bindings of one exchange in a form fast to match. The broker calls <see cref="Validate"/>
/// before anything is stored, <see cref="Add"/> and <see cref="Remove"/> under its write lock, and
/// <see cref="Match"/> from many threads at once under its read lock.
/// </summary>
public interface IBindingMatcher
{
    /// <summary>Throws <see cref="MessagingException"/> (InvalidArgument) when the binding cannot be matched by this type (bad pattern, bad arguments).</summary>
    void Validate(BindingDescription binding);

    /// <summary>Adds a validated binding (not already present).</summary>
    void Add(BindingDescription binding);

    /// <summary>Removes a binding that <see cref="BindingDescription.SameAs"/> one added.</summary>
    void Remove(BindingDescription binding);

    /// <summary>Reports to <paramref name="routes"/> every binding that selects the message (in any order, repeats allowed).</summary>
    void Match(string routingKey, BrokerMessage message, RouteCollector routes);
}

/// <summary>What a matcher selected for one message: bindings, and changed copies a binding makes (rule actions).</summary>
public sealed class RouteCollector
{
    internal List<BindingDescription> Selected { get; } = [];

    internal List<(BindingDescription Binding, BrokerMessage Copy)> Copies { get; } = [];

    /// <summary>The binding takes the message itself.</summary>
    public void Add(BindingDescription binding) => Selected.Add(binding);

    /// <summary>The binding takes a changed copy (delivered to its destination queue besides any original).</summary>
    public void AddCopy(BindingDescription binding, BrokerMessage copy) => Copies.Add((binding, copy));

    internal void Clear()
    {
        Selected.Clear();
        Copies.Clear();
    }
}
