using Omnibus.Core.Engine;
using Omnibus.Core.Security;

namespace Omnibus.ServiceBus;

/// <summary>
/// Service Bus entity names ignore case; the core's are case-sensitive. Every name a Service Bus
/// client gives is resolved to the stored name first: <c>ORDERS</c> reaches queue <c>orders</c>,
/// as in Service Bus, while a queue <c>Orders</c> made through another protocol stays its own.
/// </summary>
internal static class ServiceBusNames
{
    private const string SubscriptionsMarker = "/" + EntityNames.SubscriptionsSegment + "/";
    private const string DeadLetterMarker = "/" + EntityNames.DeadLetterSuffix;

    /// <summary>An entity path (<c>q</c>, <c>t/Subscriptions/s</c>, either with <c>/$DeadLetterQueue</c>) with its names as stored.</summary>
    public static string Resolve(Broker broker, string path)
    {
        string suffix = "";
        if (path.EndsWith(DeadLetterMarker, StringComparison.OrdinalIgnoreCase))
        {
            suffix = DeadLetterMarker;
            path = path[..^DeadLetterMarker.Length];
        }
        int marker = path.IndexOf(SubscriptionsMarker, StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
        {
            return broker.ResolveNameIgnoringCase(path) + suffix;
        }
        string topic = broker.ResolveNameIgnoringCase(path[..marker]);
        string subscription = broker.ResolveSubscriptionNameIgnoringCase(topic, path[(marker + SubscriptionsMarker.Length)..]);
        return EntityNames.SubscriptionPath(topic, subscription) + suffix;
    }

    /// <summary>The receivable a resolved Service Bus path names (<c>q</c>, <c>t/Subscriptions/s</c>, either with <c>/$DeadLetterQueue</c>).</summary>
    public static Receivable GetReceivable(Broker broker, string resolvedPath, CallerIdentity? caller)
    {
        string path = resolvedPath.Trim('/');
        bool deadLetter = path.EndsWith(DeadLetterMarker, StringComparison.OrdinalIgnoreCase);
        if (deadLetter)
        {
            path = path[..^DeadLetterMarker.Length];
        }
        int marker = path.IndexOf(SubscriptionsMarker, StringComparison.OrdinalIgnoreCase);
        Receivable receivable = marker > 0
            ? broker.GetReceivable(path[..marker], path[(marker + SubscriptionsMarker.Length)..], caller)
            : broker.GetReceivable(path, caller);
        return deadLetter ? receivable.DeadLetter : receivable;
    }
}
