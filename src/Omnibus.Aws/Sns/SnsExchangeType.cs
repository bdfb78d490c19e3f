using Omnibus.Core.Matching;
using Omnibus.Core.Routing;

namespace Omnibus.Aws.Sns;

/// <summary>
/// The exchange type of SNS topics, plugged into the core through <c>BrokerOptions.ExchangeTypes</c>: each
/// binding is a subscription whose filter policy selects messages and whose delivery (raw, or the JSON
/// notification envelope as a changed copy) shapes what its queue receives. The host registers it whether or
/// not the AWS endpoint is served, so a data directory with SNS topics always opens.
/// </summary>
public sealed class SnsExchangeType(TimeProvider clock) : IExchangeType
{
    /// <summary>The type name SNS topics' exchanges are declared with.</summary>
    public const string TypeName = "sns";

    /// <summary>The exchange argument with the topic's ARN (as first made; the region of the call that made it).</summary>
    public const string TopicArnArgument = "sns:topic-arn";

    public string Name => TypeName;

    public IBindingMatcher CreateMatcher(ExchangeDescription exchange, IRuleCompiler ruleCompiler)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        string arn = exchange.Arguments.GetValueOrDefault(TopicArnArgument) as string ?? TopicAddress.Arn("us-east-1", "000000000000", exchange.Name);
        return new SnsBindingMatcher(arn, clock);
    }
}
