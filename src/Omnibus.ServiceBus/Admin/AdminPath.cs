namespace Omnibus.ServiceBus.Admin;

/// <summary>What an administration URL addresses.</summary>
internal enum AdminTarget
{
    Namespace,
    QueueList,
    TopicList,
    Entity,
    SubscriptionList,
    Subscription,
    RuleList,
    Rule,
}

/// <summary>
/// Parses administration paths as the SDK builds them: <c>$Resources/queues</c>, <c>$Resources/topics</c>,
/// <c>name</c> (queue or topic, may contain '/'), <c>topic/Subscriptions[/sub[/Rules[/rule]]]</c>.
/// </summary>
internal sealed record AdminPath(AdminTarget Target, string Entity = "", string Subscription = "", string Rule = "")
{
    public static AdminPath? Parse(string path)
    {
        string p = Uri.UnescapeDataString(path).Trim('/');
        // The JS SDK's getNamespaceProperties asks for the root, the .NET SDK for $namespaceinfo.
        if (p.Length == 0 || p.Equals("$namespaceinfo", StringComparison.OrdinalIgnoreCase))
        {
            return new AdminPath(AdminTarget.Namespace);
        }
        if (p.Equals("$Resources/queues", StringComparison.OrdinalIgnoreCase))
        {
            return new AdminPath(AdminTarget.QueueList);
        }
        if (p.Equals("$Resources/topics", StringComparison.OrdinalIgnoreCase))
        {
            return new AdminPath(AdminTarget.TopicList);
        }
        string[] parts = p.Split('/');
        int i = Array.FindIndex(parts, 1, s => s.Equals("Subscriptions", StringComparison.OrdinalIgnoreCase));
        if (i < 0)
        {
            return new AdminPath(AdminTarget.Entity, p);
        }
        string topic = string.Join('/', parts[..i]);
        string[] rest = parts[(i + 1)..];
        return rest.Length switch
        {
            0 => new AdminPath(AdminTarget.SubscriptionList, topic),
            1 => new AdminPath(AdminTarget.Subscription, topic, rest[0]),
            2 when rest[1].Equals("Rules", StringComparison.OrdinalIgnoreCase) => new AdminPath(AdminTarget.RuleList, topic, rest[0]),
            3 when rest[1].Equals("Rules", StringComparison.OrdinalIgnoreCase) => new AdminPath(AdminTarget.Rule, topic, rest[0], rest[2]),
            _ => null,
        };
    }
}
