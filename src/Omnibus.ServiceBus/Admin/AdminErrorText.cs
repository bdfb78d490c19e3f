using Omnibus.Core;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Admin;

/// <summary>
/// Service Bus's wording for a missing or clashing entity, which applications and tests match on:
/// "The messaging entity '&lt;namespace&gt;:Queue:orders' could not be found." (subscriptions as
/// <c>Topic:t|s</c>, rules as <c>Topic:t|s|r</c>). Other errors keep the core's text.
/// </summary>
internal static class AdminErrorText
{
    public static string Of(MessagingException e, Broker broker, AdminPath target, string host, string? descriptionKind) => e.Code switch
    {
        MessagingErrorCode.EntityAlreadyExists => $"The messaging entity '{Name(broker, target, host, descriptionKind, missingOnly: false)}' already exists.",
        MessagingErrorCode.EntityNotFound => $"The messaging entity '{Name(broker, target, host, descriptionKind, missingOnly: true)}' could not be found.",
        _ => e.Message,
    };

    /// <summary>For a missing entity, the first part of the path that is missing (the topic of a missing topic's subscription).</summary>
    private static string Name(Broker broker, AdminPath target, string host, string? descriptionKind, bool missingOnly)
    {
        string ns = host.Split('.')[0];
        if (target.Target is AdminTarget.Entity or AdminTarget.Namespace or AdminTarget.QueueList or AdminTarget.TopicList)
        {
            bool topic = descriptionKind == "TopicDescription" || (descriptionKind is null && broker.TopicExists(target.Entity));
            return $"{ns}:{(topic ? "Topic" : "Queue")}:{target.Entity}";
        }
        if (missingOnly && !broker.TopicExists(target.Entity))
        {
            return $"{ns}:Topic:{target.Entity}";
        }
        bool subscriptionLevel = target.Target is AdminTarget.Subscription or AdminTarget.SubscriptionList
            || (missingOnly && !broker.ListSubscriptions(target.Entity).Any(s => s.Name == target.Subscription));
        return subscriptionLevel
            ? $"{ns}:Topic:{target.Entity}|{target.Subscription}"
            : $"{ns}:Topic:{target.Entity}|{target.Subscription}|{target.Rule}";
    }
}
