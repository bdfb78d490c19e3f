using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Security;
using Omnibus.Management.Security;

namespace Omnibus.ServiceBus.Admin;

/// <summary>One administration request: resolves the target against the broker and builds the ATOM answer.</summary>
internal sealed class AdminRequest(HttpContext context, Broker broker, TimeProvider clock, AdminPath target)
{
    private readonly string _baseUri = $"{context.Request.Scheme}://{context.Request.Host}/";
    private readonly string _host = context.Request.Host.Host;
    private readonly CallerIdentity _caller = HttpCaller.Of(context);

    /// <summary>HTTP status of a successful answer (201 for a create).</summary>
    public int Status { get; private set; } = 200;

    private bool IsUpdate => context.Request.Headers.IfMatch.Count > 0;

    public XElement Get() => target.Target switch
    {
        AdminTarget.Namespace => NamespaceEntry(),
        AdminTarget.QueueList => Feed("Queues", "$Resources/queues", broker.ListQueues(), q => QueueEntry(q.Name)),
        AdminTarget.TopicList => Feed("Topics", "$Resources/topics", broker.ListTopics(), t => TopicEntry(t.Name)),
        AdminTarget.Entity => EntityEntry(target.Entity),
        AdminTarget.SubscriptionList => Feed("Subscriptions", $"{target.Entity}/Subscriptions",
            broker.ListSubscriptions(target.Entity), s => SubscriptionEntry(target.Entity, s.Name)),
        AdminTarget.Subscription => SubscriptionEntry(target.Entity, target.Subscription),
        AdminTarget.RuleList => Feed("Rules", $"{target.Entity}/Subscriptions/{target.Subscription}/Rules", RulesByName(), RuleEntry),
        _ => RuleEntry(FindRule()),
    };

    /// <summary>Service Bus lists a subscription's rules ordered by name, whatever order they were added in.</summary>
    private List<RuleDescription> RulesByName() =>
        [.. broker.GetRules(target.Entity, target.Subscription).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)];

    private RuleDescription FindRule() =>
        broker.GetRules(target.Entity, target.Subscription)
            .FirstOrDefault(r => string.Equals(r.Name, target.Rule, StringComparison.OrdinalIgnoreCase))
        ?? throw new MessagingException(MessagingErrorCode.EntityNotFound, $"The rule '{target.Rule}' could not be found.");

    public XElement Put(XElement description)
    {
        bool update = IsUpdate;
        Status = update ? 200 : 201;
        if (!update)
        {
            ValidateNewName(description.Name.LocalName);
        }
        switch (target.Target, description.Name.LocalName)
        {
            case (AdminTarget.Entity, "QueueDescription"):
                QueueDescription q = update
                    ? broker.UpdateQueue(ServiceBusLimits.Check(Targets(EntityXmlReader.Queue(description, broker.GetQueue(target.Entity)))), _caller)
                    : broker.CreateQueue(ServiceBusLimits.Check(Targets(EntityXmlReader.Queue(description, new QueueDescription { Name = target.Entity }))), _caller);
                return QueueEntry(q.Name);
            case (AdminTarget.Entity, "TopicDescription"):
                TopicDescription t = update
                    ? broker.UpdateTopic(ServiceBusLimits.Check(EntityXmlReader.Topic(description, broker.GetTopic(target.Entity))), _caller)
                    : broker.CreateTopic(ServiceBusLimits.Check(EntityXmlReader.Topic(description, new TopicDescription { Name = target.Entity })), _caller);
                return TopicEntry(t.Name);
            case (AdminTarget.Subscription, "SubscriptionDescription"):
                return PutSubscription(description, update);
            case (AdminTarget.Rule, "RuleDescription"):
                return PutRule(description, update);
            default:
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"A {description.Name.LocalName} cannot be written to this path.");
        }
    }

    /// <summary>A create is refused under a name Service Bus refuses (an update keeps the name the entity has, whoever made it).</summary>
    private void ValidateNewName(string descriptionKind)
    {
        switch (target.Target, descriptionKind)
        {
            case (AdminTarget.Entity, "QueueDescription"):
                ServiceBusNames.ValidateEntityName(target.Entity, "queue");
                break;
            case (AdminTarget.Entity, "TopicDescription"):
                ServiceBusNames.ValidateEntityName(target.Entity, "topic");
                break;
            case (AdminTarget.Subscription, "SubscriptionDescription"):
                ServiceBusNames.ValidateSubscriptionName(target.Subscription);
                break;
            case (AdminTarget.Rule, "RuleDescription"):
                ServiceBusNames.ValidateRuleName(target.Rule);
                break;
        }
    }

    // Forwarding targets are Service Bus names, which ignore case: they are stored as the names of the entities they reach.
    private QueueDescription Targets(QueueDescription q) =>
        q with { ForwardTo = Resolve(q.ForwardTo), ForwardDeadLetteredMessagesTo = Resolve(q.ForwardDeadLetteredMessagesTo) };

    private SubscriptionDescription Targets(SubscriptionDescription s) =>
        s with { ForwardTo = Resolve(s.ForwardTo), ForwardDeadLetteredMessagesTo = Resolve(s.ForwardDeadLetteredMessagesTo) };

    private string? Resolve(string? name) => name is null ? null : broker.ResolveNameIgnoringCase(name);

    private XElement PutSubscription(XElement description, bool update)
    {
        if (update)
        {
            SubscriptionDescription current = broker.GetSubscription(target.Entity, target.Subscription);
            broker.UpdateSubscription(ServiceBusLimits.Check(Targets(EntityXmlReader.Subscription(description, current))), _caller);
            return SubscriptionEntry(target.Entity, target.Subscription);
        }
        XElement? ruleXml = description.Element(AtomNames.ServiceBusNs + "DefaultRuleDescription");
        RuleDescription? rule = ruleXml is null ? null : RuleXml.Read(ruleXml, null);
        if (rule is not null)
        {
            ServiceBusNames.ValidateRuleName(rule.Name);
        }
        var start = new SubscriptionDescription { TopicName = target.Entity, Name = target.Subscription };
        broker.CreateSubscription(ServiceBusLimits.Check(Targets(EntityXmlReader.Subscription(description, start))), rule, _caller);
        return SubscriptionEntry(target.Entity, target.Subscription);
    }

    /// <summary>The core has no rule update: an update removes and re-adds, putting the old rule back if the new one is refused.</summary>
    private XElement PutRule(XElement description, bool update)
    {
        RuleDescription rule = RuleXml.Read(description, target.Rule);
        if (update)
        {
            RuleDescription old = FindRule();
            broker.RemoveRule(target.Entity, target.Subscription, old.Name, _caller);
            try
            {
                return RuleEntry(broker.AddRule(target.Entity, target.Subscription, rule, _caller));
            }
            catch (MessagingException)
            {
                broker.AddRule(target.Entity, target.Subscription, old, _caller);
                throw;
            }
        }
        return RuleEntry(broker.AddRule(target.Entity, target.Subscription, rule, _caller));
    }

    public XElement? Delete()
    {
        switch (target.Target)
        {
            case AdminTarget.Entity when broker.ListQueues().Any(q => Same(q.Name, target.Entity)):
                broker.DeleteQueue(target.Entity, _caller);
                break;
            case AdminTarget.Entity:
                broker.DeleteTopic(target.Entity, _caller);
                break;
            case AdminTarget.Subscription:
                broker.DeleteSubscription(target.Entity, target.Subscription, _caller);
                break;
            case AdminTarget.Rule:
                broker.RemoveRule(target.Entity, target.Subscription, target.Rule, _caller);
                break;
            default:
                throw new MessagingException(MessagingErrorCode.InvalidArgument, "This resource cannot be deleted.");
        }
        return null;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);

    private XElement EntityEntry(string name) =>
        broker.ListQueues().Any(q => Same(q.Name, name)) ? QueueEntry(name) : TopicEntry(name);

    private XElement QueueEntry(string name)
    {
        QueueDescription q = broker.GetQueue(name);
        EntityRuntimeInfo rt = broker.GetQueueRuntimeInfo(name);
        return AtomFeed.Entry(_baseUri, q.Name, q.Name, q.CreatedAt, q.UpdatedAt, EntityXmlWriter.Queue(q, rt, _host));
    }

    private XElement TopicEntry(string name)
    {
        TopicDescription t = broker.GetTopic(name);
        var info = broker.GetTopicRuntimeInfo(name);
        // Service Bus reports what the topic's messages take; the core's figure is its log's, which outlives them.
        bool holdsMessages = broker.ListSubscriptions(name).Any(s => HoldsMessages(broker.GetSubscriptionRuntimeInfo(name, s.Name)));
        var rt = new TopicRuntime(holdsMessages ? info.SizeInBytes : 0, info.SubscriptionCount, info.ScheduledMessageCount, info.AccessedAt);
        return AtomFeed.Entry(_baseUri, t.Name, t.Name, t.CreatedAt, t.UpdatedAt, EntityXmlWriter.Topic(t, rt));
    }

    private static bool HoldsMessages(EntityRuntimeInfo rt) =>
        rt.ActiveMessageCount + rt.ScheduledMessageCount + rt.DeferredMessageCount + rt.DeadLetterMessageCount > 0;

    private XElement SubscriptionEntry(string topic, string name)
    {
        SubscriptionDescription s = broker.GetSubscription(topic, name);
        EntityRuntimeInfo rt = broker.GetSubscriptionRuntimeInfo(topic, name);
        return AtomFeed.Entry(_baseUri, $"{s.TopicName}/Subscriptions/{s.Name}", s.Name, s.CreatedAt, s.UpdatedAt, EntityXmlWriter.Subscription(s, rt, _host));
    }

    private XElement RuleEntry(RuleDescription r) =>
        AtomFeed.Entry(_baseUri, $"{target.Entity}/Subscriptions/{target.Subscription}/Rules/{r.Name}", r.Name, r.CreatedAt, r.CreatedAt, RuleXml.Write(r));

    /// <summary>
    /// One page of a list: <c>$skip</c>/<c>$top</c> as asked (100 by default), and a <c>rel="next"</c> link while
    /// entities remain, which is how the JS SDK's <c>byPage()</c> knows to ask again.
    /// </summary>
    private XElement Feed<T>(string title, string path, IReadOnlyList<T> items, Func<T, XElement> entry)
    {
        int skip = AdminEndpoints.Paging(context, "$skip", 0), top = AdminEndpoints.Paging(context, "$top", 100);
        IEnumerable<XElement> page = items.Skip(skip).Take(top).Select(entry);
        string? next = top > 0 && (long)skip + top < items.Count ? NextPage(path, skip + top, top) : null;
        return AtomFeed.Feed(_baseUri, path, title, clock.GetUtcNow(), page, next);
    }

    private string NextPage(string path, int skip, int top)
    {
        string version = context.Request.Query["api-version"].ToString();
        string query = $"$skip={skip}&$top={top}" + (version.Length > 0 ? $"&api-version={Uri.EscapeDataString(version)}" : "");
        return $"{_baseUri}{path}?{query}";
    }

    private XElement NamespaceEntry()
    {
        DateTimeOffset now = clock.GetUtcNow();
        XElement info = AtomFeed.Description("NamespaceInfo",
        [
            AtomNames.Sb("CreatedTime", AtomValues.Time(now)),
            AtomNames.Sb("MessagingSKU", "Standard"),
            AtomNames.Sb("MessagingUnits", "1"),
            AtomNames.Sb("ModifiedTime", AtomValues.Time(now)),
            AtomNames.Sb("Name", context.Request.Host.Host),
            AtomNames.Sb("NamespaceType", "Messaging"),
        ]);
        return AtomFeed.Entry(_baseUri, "$namespaceinfo", context.Request.Host.Host, now, now, info);
    }
}
