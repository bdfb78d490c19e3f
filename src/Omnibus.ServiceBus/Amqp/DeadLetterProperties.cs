using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// Service Bus's view of a dead letter: the application properties <c>DeadLetterReason</c> and
/// <c>DeadLetterErrorDescription</c> (read by <c>ServiceBusReceivedMessage.DeadLetterReason</c>), made
/// from the core's neutral dead-letter headers, which Service Bus clients do not see.
/// </summary>
internal static class DeadLetterProperties
{
    /// <summary>The application property (and rejected outcome info key) holding the reason.</summary>
    public const string Reason = "DeadLetterReason";

    /// <summary>The application property (and rejected outcome info key) holding the description.</summary>
    public const string Description = "DeadLetterErrorDescription";

    /// <summary>
    /// The application properties a Service Bus receiver sees: the message's own, without the neutral
    /// dead-letter headers, then the reason (the consumer's text, else the broker's cause in Service
    /// Bus's words) and description of its latest dead-lettering.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, object?>> Visible(MessageHeaders properties)
    {
        if (!properties.TryGetValue(DeadLetterHeaders.Cause, out object? cause))
        {
            foreach (KeyValuePair<string, object?> pair in properties)
            {
                yield return pair;
            }
            yield break;
        }
        foreach (KeyValuePair<string, object?> pair in properties)
        {
            if (!DeadLetterHeaders.All.Contains(pair.Key) && pair.Key is not (Reason or Description))
            {
                yield return pair;
            }
        }
        string? reason = properties.TryGetValue(DeadLetterHeaders.Reason, out object? text) && text is string t ? t : ServiceBusReason(cause as string);
        if (reason is not null)
        {
            yield return new(Reason, reason);
        }
        if (properties.TryGetValue(DeadLetterHeaders.Description, out object? description) && description is string d)
        {
            yield return new(Description, d);
        }
    }

    /// <summary>The reason Service Bus gives for a dead-lettering the broker did (none for a consumer's without a reason).</summary>
    private static string? ServiceBusReason(string? cause) => DeadLetterCauses.Parse(cause) switch
    {
        DeadLetterCause.DeliveryLimit => "MaxDeliveryCountExceeded",
        DeadLetterCause.Expired => "TTLExpiredException",
        DeadLetterCause.FilterError => "FilterEvaluationException",
        DeadLetterCause.MaxLength => "MaxLengthExceeded",
        _ => null,
    };
}
