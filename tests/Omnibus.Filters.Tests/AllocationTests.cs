using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

/// <summary>
/// Regression guard for the zero-allocation promise (BenchmarkDotNet's MemoryDiagnoser in
/// bench/Omnibus.Filters.Benchmarks is the measurement; this only catches a slip).
/// </summary>
public class AllocationTests
{
    private static long AllocatedBy(IRuleFilter filter, IFilterMessage message, int times)
    {
        for (var i = 0; i < 100; i++) filter.Evaluate(message); // warm-up: statics, JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        var matches = 0;
        for (var i = 0; i < times; i++)
        {
            if (filter.Evaluate(message).IsMatch) matches++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(matches is 0 || matches == times);
        return allocated;
    }

    public static TheoryData<string> SimpleFilters =>
    [
        "color = 'red'",
        "color <> 'red'",
        "quantity > 10",
        "quantity = 3.5",
        "amount >= 100",
        "price < 2.5",
        "sys.Label = 'order.created'",
        "sys.To <> 'x'",
        "sys.SequenceNumber > 10",
        "color IN ('red', 'green', 'blue', 'black', 'white')",
        "quantity IN (1, 2, 3)",
        "color LIKE 're%'",
        "sys.Label LIKE 'order.%' AND NOT EXISTS(cancelReason)",
        "customer LIKE '%-1_'",
        "quantity * price > 100 OR vip = TRUE",
        "missing IS NULL AND region IS NOT NULL",
        "created < sys.EnqueuedTimeUtc",
        "id = @id",
    ];

    [Theory]
    [MemberData(nameof(SimpleFilters))]
    public void Sql_filter_evaluation_allocates_nothing(string expression)
    {
        var filter = SqlFilter.Compile(expression, new Dictionary<string, object?> { ["id"] = Guid.Empty });
        Assert.Equal(0, AllocatedBy(filter, Order(), 1000));
    }

    [Fact]
    public void Correlation_filter_evaluation_allocates_nothing()
    {
        var filter = new CorrelationFilter(correlationId: "tenant-1", subject: "order.created",
            properties: [new("color", "red"), new("quantity", 3L), new("amount", 100)]);
        Assert.Equal(0, AllocatedBy(filter, Order(), 1000));
    }

    [Fact]
    public void Rule_set_without_actions_allocates_nothing()
    {
        var rules = new RuleSet(
        [
            new SubscriptionRule("a", SqlFilter.Compile("color = 'blue'")),
            new SubscriptionRule("b", new CorrelationFilter("tenant-1")),
        ]);
        var m = Order();
        for (var i = 0; i < 100; i++) rules.Evaluate(m);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) Assert.True(rules.Evaluate(m).DeliverOriginal);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static FilterMessage Order()
    {
        var m = With(("color", "red"), ("quantity", 3), ("price", 2.5), ("amount", 100m), ("vip", false),
            ("customer", "cust-12"), ("region", "eu-west"), ("created", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            ("id", Guid.Empty));
        m.CorrelationId = "tenant-1";
        m.Subject = "order.created";
        m.To = "shop-1";
        m.SequenceNumber = 42;
        m.EnqueuedTimeUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return m;
    }
}
