using System.Xml.Linq;
using Azure;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.Core.Entities;

namespace Omnibus.Server.Tests;

/// <summary>The administration client pages through lists longer than its page of 100.</summary>
public sealed class AdminListPagingTests(TestServer server) : IClassFixture<TestServer>
{
    private const int Many = 250;
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private readonly ServiceBusAdministrationClient _admin = new(server.AdminConnectionString);

    [Fact]
    public async Task Queues_are_listed_in_pages_of_one_hundred_each_but_the_last_linking_the_next()
    {
        for (int i = 0; i < Many; i++)
        {
            server.Broker.CreateQueue(new QueueDescription { Name = $"paged-queue-{i:D3}" });
        }

        var names = new List<string>();
        var nextLinks = new List<string?>();
        await foreach (Page<QueueProperties> page in _admin.GetQueuesAsync().AsPages())
        {
            names.AddRange(page.Values.Select(q => q.Name));
            nextLinks.Add(NextLink(page));
        }

        Assert.Equal(Many, names.Count(n => n.StartsWith("paged-queue-", StringComparison.Ordinal)));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(3, nextLinks.Count);
        Assert.Contains("$skip=100&$top=100", nextLinks[0], StringComparison.Ordinal);
        Assert.Contains("$skip=200&$top=100", nextLinks[1], StringComparison.Ordinal);
        Assert.Null(nextLinks[2]);
    }

    [Fact]
    public async Task Topics_subscriptions_and_rules_are_listed_past_the_first_page()
    {
        for (int i = 0; i < Many; i++)
        {
            server.Broker.CreateTopic(new TopicDescription { Name = $"paged-topic-{i:D3}" });
        }
        for (int i = 0; i < Many; i++)
        {
            server.Broker.CreateSubscription(new SubscriptionDescription { TopicName = "paged-topic-000", Name = $"sub-{i:D3}" });
        }
        for (int i = 0; i < Many; i++)
        {
            server.Broker.AddRule("paged-topic-000", "sub-000", new RuleDescription { Name = $"rule-{i:D3}", Filter = RuleFilterDescription.Sql($"n = {i}") });
        }

        var topics = new List<string>();
        await foreach (TopicProperties t in _admin.GetTopicsAsync())
        {
            topics.Add(t.Name);
        }
        var subscriptions = new List<string>();
        int subscriptionPages = 0;
        await foreach (Page<SubscriptionProperties> page in _admin.GetSubscriptionsAsync("paged-topic-000").AsPages())
        {
            subscriptionPages++;
            subscriptions.AddRange(page.Values.Select(s => s.SubscriptionName));
            Assert.Equal(page.Values.Count == 100, NextLink(page) is not null);
        }
        var rules = new List<string>();
        await foreach (RuleProperties r in _admin.GetRulesAsync("paged-topic-000", "sub-000"))
        {
            rules.Add(r.Name);
        }

        Assert.Equal(Many, topics.Count(n => n.StartsWith("paged-topic-", StringComparison.Ordinal)));
        Assert.Equal(Many, subscriptions.Distinct().Count());
        Assert.Equal(3, subscriptionPages);
        Assert.Equal(Many, rules.Count(n => n.StartsWith("rule-", StringComparison.Ordinal)));
    }

    private static string? NextLink<T>(Page<T> page) =>
        XElement.Parse(page.GetRawResponse().Content.ToString())
            .Elements(Atom + "link")
            .FirstOrDefault(l => (string?)l.Attribute("rel") == "next")
            ?.Attribute("href")?.Value;
}
