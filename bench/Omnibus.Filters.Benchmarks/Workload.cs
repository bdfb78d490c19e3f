using Omnibus.Filters;

namespace Omnibus.Filters.Benchmarks;

/// <summary>
/// A topic with 100 subscriptions, as a routing-heavy Service Bus user would have them:
/// 40 correlation filters, 40 simple SQL comparisons, 20 richer SQL predicates (a few
/// with actions), and a batch of realistic order messages.
/// </summary>
internal static class Workload
{
    public const int Subscriptions = 100;

    private static readonly string[] Colors = ["red", "green", "blue", "yellow", "black"];
    private static readonly string[] Regions = ["eu-west", "eu-north", "us-east", "us-west", "ap-south"];
    private static readonly string[] Kinds = ["order.created", "order.paid", "order.shipped", "order.cancelled"];

    public static IRuleFilter[] CorrelationFilters() =>
    [
        .. Enumerable.Range(0, 40).Select(i => (i % 4) switch
        {
            0 => new CorrelationFilter(correlationId: "tenant-" + (i % 10)),
            1 => new CorrelationFilter(subject: Kinds[i % Kinds.Length]),
            2 => new CorrelationFilter(subject: Kinds[i % Kinds.Length], properties: [new("region", Regions[i % Regions.Length])]),
            _ => new CorrelationFilter(to: "shop-" + (i % 7), properties: [new("color", Colors[i % Colors.Length]), new("priority", (long)(i % 3))]),
        }),
    ];

    public static IRuleFilter[] SimpleSqlFilters() =>
    [
        .. Enumerable.Range(0, 40).Select(i => (IRuleFilter)SqlFilter.Compile((i % 4) switch
        {
            0 => $"color = '{Colors[i % Colors.Length]}'",
            1 => $"quantity > {i % 20}",
            2 => $"sys.Label = '{Kinds[i % Kinds.Length]}'",
            _ => $"priority >= {i % 3}",
        })),
    ];

    public static IRuleFilter[] ComplexSqlFilters() =>
    [
        .. Enumerable.Range(0, 20).Select(i => (IRuleFilter)SqlFilter.Compile((i % 5) switch
        {
            0 => $"color IN ('red', 'blue', 'black', 'white', 'pink') AND quantity * price > {100 + i}",
            1 => $"region LIKE 'eu-%' AND (priority > 1 OR vip = TRUE)",
            2 => $"sys.Label LIKE 'order.%' AND NOT EXISTS(cancelReason) AND amount >= {i * 10}.5",
            3 => $"customer LIKE '%-{i % 10}' OR sys.CorrelationId = 'tenant-{i % 10}'",
            _ => "(quantity IS NULL OR quantity % 2 = 0) AND color <> 'green'",
        })),
    ];

    public static RuleSet[] RuleSets()
    {
        var filters = CorrelationFilters().Concat(SimpleSqlFilters()).Concat(ComplexSqlFilters()).ToArray();
        return
        [
            .. filters.Select((f, i) => new RuleSet(
            [
                new SubscriptionRule("r" + i, f, i % 25 == 24 ? SqlRuleAction.Compile("SET routedBy = 'bench'; SET quantity = quantity + 1") : null),
            ])),
        ];
    }

    public static FilterMessage[] Messages(int count)
    {
        var random = new Random(42);
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return
        [
            .. Enumerable.Range(0, count).Select(i =>
            {
                var m = new FilterMessage
                {
                    MessageId = Guid.NewGuid().ToString(),
                    CorrelationId = "tenant-" + random.Next(10),
                    Subject = Kinds[random.Next(Kinds.Length)],
                    To = "shop-" + random.Next(7),
                    ContentType = "application/json",
                    SequenceNumber = i + 1,
                    EnqueuedTimeUtc = now.AddSeconds(i),
                    TimeToLive = TimeSpan.FromDays(1),
                    Size = 512 + random.Next(2048),
                };
                m.Properties["color"] = Colors[random.Next(Colors.Length)];
                m.Properties["region"] = Regions[random.Next(Regions.Length)];
                m.Properties["quantity"] = random.Next(1, 40);
                m.Properties["price"] = Math.Round(random.NextDouble() * 50, 2);
                m.Properties["amount"] = (decimal)random.Next(1, 500);
                m.Properties["priority"] = (long)random.Next(3);
                m.Properties["vip"] = random.Next(4) == 0;
                m.Properties["customer"] = "cust-" + random.Next(1000);
                if (random.Next(10) == 0) m.Properties["cancelReason"] = "changed mind";
                return m;
            }),
        ];
    }
}
