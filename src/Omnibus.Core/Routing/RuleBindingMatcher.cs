using Omnibus.Core.Entities;
using Omnibus.Core.Matching;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Routing;

/// <summary>
/// Rules exchanges: each binding carries rules (<see cref="BindingDescription.Rules"/>) compiled by
/// the broker's <see cref="IRuleCompiler"/> — the Service Bus SQL and correlation filters when the
/// host plugs them in. A binding takes the message when a rule without an action matches, and one
/// changed copy per matching rule with an action; a rule that fails to evaluate selects nothing.
/// Copies go to queues only: a binding with actions must lead to a queue.
/// </summary>
internal sealed class RuleBindingMatcher(IRuleCompiler compiler) : IBindingMatcher
{
    private static readonly List<RuleDescription> TakeEverything = [new RuleDescription { Name = RuleDescription.DefaultRuleName }];

    private readonly List<(BindingDescription Binding, ISubscriptionRules Rules)> _bindings = [];

    public void Validate(BindingDescription binding)
    {
        List<RuleDescription> rules = binding.Rules ?? TakeEverything;
        if (rules.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != rules.Count)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "The rules of a binding must have distinct names.");
        }
        foreach (RuleDescription rule in rules)
        {
            compiler.Validate(rule);
            if (!string.IsNullOrWhiteSpace(rule.ActionSqlExpression) && binding.DestinationKind != BindingDestinationKind.Queue)
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Rule '{rule.Name}' has an action, so its binding must lead to a queue.");
            }
        }
    }

    public void Add(BindingDescription binding) => _bindings.Add((binding, compiler.Compile(binding.Rules ?? TakeEverything)));

    public void Remove(BindingDescription binding) => _bindings.RemoveAll(b => b.Binding.SameAs(binding));

    public void Match(string routingKey, BrokerMessage message, RouteCollector routes)
    {
        foreach ((BindingDescription binding, ISubscriptionRules rules) in _bindings)
        {
            RulesOutcome outcome = rules.Evaluate(message);
            if (outcome.DeliverOriginal)
            {
                routes.Add(binding);
            }
            foreach (BrokerMessage copy in outcome.Copies)
            {
                routes.AddCopy(binding, copy);
            }
        }
    }
}

/// <summary>The exchange types every broker has.</summary>
internal sealed class BuiltInExchangeType(string name, Func<IRuleCompiler, IBindingMatcher> create) : IExchangeType
{
    public static IReadOnlyList<IExchangeType> All { get; } =
    [
        new BuiltInExchangeType(ExchangeTypes.Direct, _ => new DirectMatcher()),
        new BuiltInExchangeType(ExchangeTypes.Fanout, _ => new FanoutMatcher()),
        new BuiltInExchangeType(ExchangeTypes.Topic, _ => new TopicMatcher()),
        new BuiltInExchangeType(ExchangeTypes.Headers, _ => new HeadersMatcher()),
        new BuiltInExchangeType(ExchangeTypes.Rules, c => new RuleBindingMatcher(c)),
    ];

    public string Name { get; } = name;

    public IBindingMatcher CreateMatcher(ExchangeDescription exchange, IRuleCompiler ruleCompiler) => create(ruleCompiler);
}
