using Omnibus.Core.Engine;
using Omnibus.Core.Security;

namespace Omnibus.Management.Api;

/// <summary>
/// How the JSON API and the CLI name a receivable: <c>queue</c>, <c>topic/Subscriptions/sub</c>, or either
/// followed by <c>/$DeadLetterQueue</c>. This is the admin API's own notation (chosen to read like the
/// Service Bus paths its first users knew); the core itself is addressed by entity names.
/// </summary>
internal readonly record struct AdminEntityPath(string Entity, string? Subscription, bool DeadLetter)
{
    private const string DeadLetterSuffix = "/$DeadLetterQueue";
    private const string SubscriptionsMarker = "/Subscriptions/";

    /// <summary>Where a message is sent to reach this receivable again: the queue, or the subscription's topic.</summary>
    public string SendTarget => Entity;

    public static AdminEntityPath Parse(string path)
    {
        string p = path.Trim('/');
        bool deadLetter = p.EndsWith(DeadLetterSuffix, StringComparison.OrdinalIgnoreCase);
        if (deadLetter)
        {
            p = p[..^DeadLetterSuffix.Length];
        }
        int marker = p.IndexOf(SubscriptionsMarker, StringComparison.OrdinalIgnoreCase);
        return marker > 0
            ? new AdminEntityPath(p[..marker], p[(marker + SubscriptionsMarker.Length)..], deadLetter)
            : new AdminEntityPath(p, null, deadLetter);
    }

    /// <summary>The receivable this path names; its dead-letter queue when <paramref name="deadLetter"/> is true.</summary>
    public Receivable Find(Broker broker, CallerIdentity caller, bool? deadLetter = null)
    {
        Receivable r = Subscription is null ? broker.GetReceivable(Entity, caller) : broker.GetReceivable(Entity, Subscription, caller);
        return deadLetter ?? DeadLetter ? r.DeadLetter : r;
    }
}
