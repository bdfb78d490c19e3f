using Microsoft.Extensions.Logging;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.ServiceBus;

namespace Omnibus.Hosting.Entities;

/// <summary>
/// Makes the broker hold the entities of an emulator config: missing ones are created, existing ones get the
/// file's settings, rules named in the file are added when missing. Entities created at run time and not in the
/// file are left alone, so restarting with the same file is harmless.
/// </summary>
internal sealed class EntityProvisioner(Broker broker, ILogger logger)
{
    public void Apply(EmulatorConfig config)
    {
        Validate(config);
        foreach (QueueDescription q in config.Queues)
        {
            bool exists = broker.ListQueues().Any(x => Same(x.Name, q.Name));
            _ = exists ? UpdateQueue(q, broker.GetQueue(q.Name)) : broker.CreateQueue(q);
            Log.EntityProvisioned(logger, "queue", q.Name, exists ? "updated" : "created");
        }
        foreach (ConfiguredTopic t in config.Topics)
        {
            bool exists = broker.ListTopics().Any(x => Same(x.Name, t.Topic.Name));
            _ = exists ? broker.UpdateTopic(t.Topic with { PartitionCount = broker.GetTopic(t.Topic.Name).PartitionCount }) : broker.CreateTopic(t.Topic);
            Log.EntityProvisioned(logger, "topic", t.Topic.Name, exists ? "updated" : "created");
            foreach (ConfiguredSubscription s in t.Subscriptions)
            {
                ApplySubscription(t.Topic.Name, s);
            }
        }
    }

    /// <summary>
    /// The file is a Service Bus file: every name and property in it is held to Service Bus's rules before
    /// anything is created, so a bad entry leaves nothing half-provisioned.
    /// </summary>
    private static void Validate(EmulatorConfig config)
    {
        foreach (QueueDescription q in config.Queues)
        {
            ServiceBusNames.ValidateEntityName(q.Name, "queue");
            ServiceBusLimits.Check(q);
        }
        foreach (ConfiguredTopic t in config.Topics)
        {
            ServiceBusNames.ValidateEntityName(t.Topic.Name, "topic");
            ServiceBusLimits.Check(t.Topic);
            foreach (ConfiguredSubscription s in t.Subscriptions)
            {
                ServiceBusNames.ValidateSubscriptionName(s.Subscription.Name);
                ServiceBusLimits.Check(s.Subscription);
                foreach (RuleDescription r in s.Rules)
                {
                    ServiceBusNames.ValidateRuleName(r.Name);
                }
            }
        }
    }

    private void ApplySubscription(string topic, ConfiguredSubscription s)
    {
        string path = $"{topic}/Subscriptions/{s.Subscription.Name}";
        if (broker.ListSubscriptions(topic).Any(x => Same(x.Name, s.Subscription.Name)))
        {
            broker.UpdateSubscription(s.Subscription);
            Log.EntityProvisioned(logger, "subscription", path, "updated");
        }
        else
        {
            // The file's first rule takes the place of $Default, as in the emulator: a filtered subscription never matches everything.
            broker.CreateSubscription(s.Subscription, s.Rules.Count > 0 ? s.Rules[0] : null);
            Log.EntityProvisioned(logger, "subscription", path, "created");
        }
        IReadOnlyList<RuleDescription> existing = broker.GetRules(topic, s.Subscription.Name);
        foreach (RuleDescription r in s.Rules.Where(r => !existing.Any(e => Same(e.Name, r.Name))))
        {
            broker.AddRule(topic, s.Subscription.Name, r);
            Log.EntityProvisioned(logger, "rule", $"{path}/Rules/{r.Name}", "created");
        }
    }

    /// <summary>The file's settings, keeping what cannot change after creation and what the emulator's format cannot say (priorities).</summary>
    private QueueDescription UpdateQueue(QueueDescription q, QueueDescription current) =>
        broker.UpdateQueue(q with { PartitionCount = current.PartitionCount, MaxPriority = current.MaxPriority });

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
