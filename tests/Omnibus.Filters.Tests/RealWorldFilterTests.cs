using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

/// <summary>Filters that frameworks and users write in practice beyond the official pages.</summary>
public class RealWorldFilterTests
{
    [Fact]
    public void NServiceBus_enclosed_message_types_filter()
    {
        const string filter = "[NServiceBus.EnclosedMessageTypes] LIKE '%Shop.Messages.Events.OrderPlaced%'";
        var m = With(("NServiceBus.EnclosedMessageTypes", "Shop.Messages.Events.OrderPlaced, Shop.Messages, Version=1.0.0.0;Shop.Messages.Events.IOrderEvent"));
        Assert.True(Matches(filter, m));
        Assert.False(Matches(filter, With(("NServiceBus.EnclosedMessageTypes", "Shop.Messages.Events.OrderShipped"))));
        Assert.True(Matches("[NServiceBus.EnclosedMessageTypes] LIKE '%Outer+Nested%'", With(("NServiceBus.EnclosedMessageTypes", "Ns.Outer+Nested, Asm"))));
    }

    [Theory]
    [InlineData("sys.SessionId like '%xxxx-yyyy%'")]
    [InlineData("sys.SessionId = 'a-xxxx-yyyy-b'")]
    [InlineData("sys.label is not null")]
    [InlineData("MessageProperty1 - MessageProperty2 = 80")]
    [InlineData("Exists(MessageProperty23)")]
    [InlineData("Exists(\"Message Property AA\")")]
    [InlineData("MessageProperty1 IS NOT NULL")]
    [InlineData("MessageProperty3 IS NULL")]
    [InlineData("\"propertyX\" = 'A'")]
    [InlineData("\"property X\" = 'A'")]
    public void Community_examples(string filter)
    {
        var m = With(("MessageProperty1", 100), ("MessageProperty2", 20L), ("MessageProperty23", "x"), ("Message Property AA", null),
            ("propertyX", "A"), ("property X", "A"));
        m.SessionId = "a-xxxx-yyyy-b";
        m.Subject = "label";
        Assert.True(Matches(filter, m), filter);
    }

    [Fact]
    public void Tenant_routing_with_in_and_or()
    {
        const string filter = "tenantId IN ('t1', 't2', 't3', 't4', 't5') OR (sys.To = 'all-tenants' AND priority >= 2)";
        Assert.True(Matches(filter, With(("tenantId", "t4"))));
        var broadcast = With(("tenantId", "t9"), ("priority", 2));
        broadcast.To = "all-tenants";
        Assert.True(Matches(filter, broadcast));
        Assert.False(Matches(filter, With(("tenantId", "t9"), ("priority", 5))));
    }

    [Fact]
    public void Event_type_versioning_with_like_and_numeric_ranges()
    {
        const string filter = "sys.Subject LIKE 'customer.%.v_' AND schemaVersion >= 2 AND schemaVersion < 4";
        var m = With(("schemaVersion", 3));
        m.Subject = "customer.created.v3";
        Assert.True(Matches(filter, m));
        m.Subject = "customer.created.v10";
        Assert.False(Matches(filter, m));
        // BETWEEN is not part of the Service Bus grammar.
        Assert.Contains("found identifier 'BETWEEN'", Rejects("schemaVersion BETWEEN 2 AND 3").Message, StringComparison.Ordinal);
    }
}
