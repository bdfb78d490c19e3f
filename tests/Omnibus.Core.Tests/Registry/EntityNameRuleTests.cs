using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Registry;

/// <summary>The core's name rule is the same for every protocol: bytes, control characters and path segments, nothing of any protocol's alphabet.</summary>
public sealed class EntityNameRuleTests : IDisposable
{
    private readonly BrokerHarness _harness = new();

    private Broker Broker => _harness.Broker;

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("orders")]
    [InlineData("a/b.c-d_e")]
    [InlineData("amq.gen-JzTY20BRgKO-HjmUJj0wLg")] // RabbitMQ's generated names
    [InlineData("payments:eu west %2F 50%")]
    [InlineData("café/주문/📦")]
    [InlineData("$weird but fine")]
    [InlineData(" ")]
    public async Task Names_other_protocols_allow_are_queues_topics_and_subscriptions_that_survive_a_restart(string name)
    {
        Broker.CreateQueue(new QueueDescription { Name = name });
        Broker.CreateTopic(new TopicDescription { Name = "t-" + name });
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t-" + name, Name = name });
        await Broker.SendAsync(name, [BrokerHarness.Message("kept")]);

        _harness.Restart();

        Assert.Equal(name, Assert.Single(Broker.ListQueues()).Name);
        Assert.Equal(name, Assert.Single(Broker.ListSubscriptions("t-" + name)).Name);
        BrokerMessage got = Assert.Single(await Broker.GetReceivable(name).ReceiveAsync(1, TimeSpan.FromSeconds(1), ReceiveMode.ReceiveAndDelete));
        Assert.Equal("kept", BrokerHarness.Text(got));
    }

    [Fact]
    public void A_name_of_1024_utf8_bytes_is_held_and_one_of_1025_is_refused_naming_the_limit()
    {
        string longest = new string('é', 512); // 2 bytes each
        Broker.CreateQueue(new QueueDescription { Name = longest });

        var e = Assert.Throws<MessagingException>(() => Broker.CreateQueue(new QueueDescription { Name = longest + "x" }));

        Assert.Equal(MessagingErrorCode.InvalidArgument, e.Code);
        Assert.Contains("1025 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1024", e.Message, StringComparison.Ordinal);
        Assert.Equal(longest, Assert.Single(Broker.ListQueues()).Name);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("ctl\u0001name", "control character U+0001")]
    [InlineData("nul\u0000", "control character U+0000")]
    [InlineData("tab\there", "control character U+0009")]
    [InlineData("del\u007f", "control character U+007F")]
    [InlineData("/leading", "empty path segment")]
    [InlineData("trailing/", "empty path segment")]
    [InlineData("a//b", "empty path segment")]
    [InlineData("../../etc", "'..' path segment")]
    [InlineData("xxx/../y", "'..' path segment")]
    [InlineData("a/./b", "'.' path segment")]
    [InlineData("..", "'..' path segment")]
    [InlineData("q/$DeadLetterQueue", "$DeadLetterQueue")]
    [InlineData("t/subscriptions/s", "Subscriptions")]
    public void A_name_breaking_the_rule_is_refused_with_an_argument_error_naming_the_rule_and_nothing_is_created(string name, string rule)
    {
        string[] directoriesBefore = EntityDirectories();

        MessagingException queue = Assert.Throws<MessagingException>(() => Broker.CreateQueue(new QueueDescription { Name = name }));
        MessagingException topic = Assert.Throws<MessagingException>(() => Broker.CreateTopic(new TopicDescription { Name = name }));

        Assert.Equal(MessagingErrorCode.InvalidArgument, queue.Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, topic.Code);
        Assert.Contains(rule, queue.Message, StringComparison.Ordinal);
        Assert.Contains("queue name", queue.Message, StringComparison.Ordinal);
        Assert.Contains("topic name", topic.Message, StringComparison.Ordinal);
        Assert.Empty(Broker.ListQueues());
        Assert.Empty(Broker.ListTopics());
        Assert.Equal(directoriesBefore, EntityDirectories());
    }

    [Fact]
    public void A_name_that_is_not_valid_unicode_is_refused()
    {
        // Not a theory case: test data would carry the lone surrogate as U+FFFD.
        var e = Assert.Throws<MessagingException>(() => Broker.CreateQueue(new QueueDescription { Name = "lone\ud800surrogate" }));

        Assert.Equal(MessagingErrorCode.InvalidArgument, e.Code);
        Assert.Contains("lone surrogate U+D800 at position 4", e.Message, StringComparison.Ordinal);
        Assert.Empty(Broker.ListQueues());
    }

    [Fact]
    public void A_control_character_is_reported_by_position_without_echoing_the_name()
    {
        var e = Assert.Throws<MessagingException>(() => Broker.CreateQueue(new QueueDescription { Name = "ab\u0001" }));

        Assert.Contains("at position 2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0001', e.Message);
    }

    [Fact]
    public void Subscription_and_rule_names_follow_the_same_rule_and_a_refused_one_leaves_the_topic_as_it_was()
    {
        Broker.CreateTopic(new TopicDescription { Name = "t" });
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s" });

        var subscription = Assert.Throws<MessagingException>(() => Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "x\u001f" }));
        var deadLetter = Assert.Throws<MessagingException>(() => Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "$deadletterqueue" }));
        var defaultRule = Assert.Throws<MessagingException>(() => Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "s2" }, new RuleDescription { Name = "r\u0002" }));
        var rule = Assert.Throws<MessagingException>(() => Broker.AddRule("t", "s", new RuleDescription { Name = "../r" }));

        Assert.All([subscription, deadLetter, defaultRule, rule], e => Assert.Equal(MessagingErrorCode.InvalidArgument, e.Code));
        Assert.Contains("subscription name", subscription.Message, StringComparison.Ordinal);
        Assert.Contains("rule name", rule.Message, StringComparison.Ordinal);
        Assert.Equal(["s"], Broker.ListSubscriptions("t").Select(s => s.Name));
        Assert.Equal([RuleDescription.DefaultRuleName], Broker.GetRules("t", "s").Select(r => r.Name));
        // A subscription name may hold a slash: 'topic/Subscriptions/a/b' still reads as subscription 'a/b'.
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "t", Name = "a/b" });
        Assert.Same(Broker.GetReceivable("t", "a/b"), Broker.GetReceivableByStoredPath("t/Subscriptions/a/b"));
    }

    [Fact]
    public async Task Two_names_differing_only_in_case_are_two_entities_even_with_slashes_and_letters_beyond_ascii()
    {
        Broker.CreateQueue(new QueueDescription { Name = "Region/Café" });
        Broker.CreateQueue(new QueueDescription { Name = "region/café" });
        await Broker.SendAsync("Region/Café", [BrokerHarness.Message("upper")]);

        _harness.Restart();

        Assert.Equal(2, Broker.ListQueues().Count);
        Assert.Single(await Broker.GetReceivable("Region/Café").ReceiveAsync(1, TimeSpan.FromSeconds(1), ReceiveMode.ReceiveAndDelete));
        Assert.Empty(await Broker.GetReceivable("region/café").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete));
    }

    // On the memory store nothing is on disk to compare; the entity lists above still show nothing was created.
    private string[] EntityDirectories() => TestStore.Current.IsDurable
        ? [.. Directory.EnumerateFileSystemEntries(_harness.Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
        : [];
}
