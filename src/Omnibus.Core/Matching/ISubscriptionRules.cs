using Omnibus.Core.Messages;

namespace Omnibus.Core.Matching;

/// <summary>
/// A subscription's compiled rules: which messages it takes, and which changed copies its rule
/// actions make. The core evaluates them once per message at send time; the rule language is a
/// front-end's (Service Bus SQL and correlation filters live in Omnibus.ServiceBus).
/// </summary>
public interface ISubscriptionRules
{
    /// <summary>Evaluates every rule for one message. Must not change <paramref name="message"/>: copies are new messages.</summary>
    RulesOutcome Evaluate(BrokerMessage message);
}

/// <summary>
/// What a subscription's rules decided for one message: deliver the message itself (one copy however
/// many plain rules matched), plus one changed copy per matching rule with an action; failures are
/// named in <see cref="Error"/> (the core dead-letters the message in the subscription when nothing
/// selected it and the subscription asks for that).
/// </summary>
public readonly record struct RulesOutcome(bool DeliverOriginal, IReadOnlyList<BrokerMessage> Copies, string? Error)
{
    /// <summary>Nothing matched and nothing failed.</summary>
    public static RulesOutcome None { get; } = new(false, [], null);

    /// <summary>The message itself, no copies.</summary>
    public static RulesOutcome Original { get; } = new(true, [], null);

    /// <summary>True when the subscription takes the message or a copy of it.</summary>
    public bool IsSelected => DeliverOriginal || Copies.Count > 0;
}
