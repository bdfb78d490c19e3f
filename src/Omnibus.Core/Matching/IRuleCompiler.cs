using Omnibus.Core.Entities;

namespace Omnibus.Core.Matching;

/// <summary>
/// Turns stored rule descriptions into executable <see cref="ISubscriptionRules"/>. The host plugs in
/// the compiler of the rule language it serves (<see cref="BrokerOptions"/>); a bad rule is a
/// <see cref="MessagingException"/> with <see cref="MessagingErrorCode.InvalidArgument"/>.
/// </summary>
public interface IRuleCompiler
{
    /// <summary>Checks one rule; throws <see cref="MessagingException"/> (InvalidArgument) when it cannot be compiled.</summary>
    void Validate(RuleDescription rule);

    /// <summary>Compiles a subscription's rules (names are unique, checked before).</summary>
    ISubscriptionRules Compile(IReadOnlyList<RuleDescription> rules);
}
