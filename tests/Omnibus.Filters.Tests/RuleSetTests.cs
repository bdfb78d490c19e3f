using static Omnibus.Filters.Tests.TestMessages;

namespace Omnibus.Filters.Tests;

public class RuleSetTests
{
    [Fact]
    public void Default_rule_set_selects_everything_once()
    {
        var result = RuleSet.Default.Evaluate(new FilterMessage());
        Assert.True(result.DeliverOriginal);
        Assert.Equal("$Default", result.MatchedRule);
        Assert.Empty(result.Copies);
        Assert.Empty(result.Errors);
        Assert.Equal(1, result.MessageCount);
        Assert.Equal("$Default", Assert.Single(RuleSet.Default.Rules).Name);
    }

    [Fact]
    public void No_match_means_no_message()
    {
        var rules = new RuleSet([new SubscriptionRule("r", SqlFilter.Compile("x = 1"), SqlRuleAction.Compile("SET y = 1")),
            new SubscriptionRule("s", new CorrelationFilter("nope"))]);
        var result = rules.Evaluate(With(("x", 2)));
        Assert.False(result.IsSelected);
        Assert.Null(result.MatchedRule);
        Assert.Equal(0, result.MessageCount);
        Assert.False(rules.Matches(With(("x", 2))));
    }

    [Fact]
    public void Each_matching_action_rule_gets_its_own_copy_and_the_original_is_untouched()
    {
        var rules = new RuleSet(
        [
            new SubscriptionRule("half", SqlFilter.Compile("q > 0"), SqlRuleAction.Compile("SET q = q / 2")),
            new SubscriptionRule("double", SqlFilter.Compile("q > 0"), SqlRuleAction.Compile("SET q = q * 2; SET sys.Label = 'doubled'")),
        ]);
        var original = With(("q", 10));
        original.Subject = "orig";
        var result = rules.Evaluate(original);
        Assert.False(result.DeliverOriginal);
        Assert.Equal(2, result.Copies.Count);
        Assert.Equal(5, ((FilterMessage)result.Copies[0].Message).Properties["q"]);
        Assert.Equal(20, ((FilterMessage)result.Copies[1].Message).Properties["q"]);
        Assert.Equal("doubled", result.Copies[1].Message.Subject);
        Assert.Equal("double", ((FilterMessage)result.Copies[1].Message).Properties["RuleName"]);
        Assert.Equal(10, original.Properties["q"]);
        Assert.Equal("orig", original.Subject);
    }

    [Fact]
    public void Custom_copy_factory_is_used_for_action_copies()
    {
        var made = 0;
        var rules = new RuleSet([new SubscriptionRule("a", TrueFilter.Instance, SqlRuleAction.Compile("SET x = 1"))]);
        var result = rules.Evaluate(new FilterMessage(), m =>
        {
            made++;
            return FilterMessage.CopyOf(m);
        });
        Assert.Equal(1, made);
        Assert.Single(result.Copies);
    }

    [Fact]
    public void Errors_are_reported_per_rule_and_do_not_stop_other_rules()
    {
        var rules = new RuleSet(
        [
            new SubscriptionRule("bad-filter", SqlFilter.Compile("s > 1")),
            new SubscriptionRule("good", SqlFilter.Compile("s = 'text'")),
            new SubscriptionRule("bad-action", TrueFilter.Instance, SqlRuleAction.Compile("SET y = s * 2")),
            new SubscriptionRule("bad-action-filter", SqlFilter.Compile("s + 1 > 0"), SqlRuleAction.Compile("SET y = 1")),
        ]);
        var result = rules.Evaluate(With(("s", "text")));
        Assert.True(result.DeliverOriginal);
        Assert.Equal("good", result.MatchedRule);
        Assert.Empty(result.Copies);
        Assert.Equal(["bad-filter", "bad-action", "bad-action-filter"], result.Errors.Select(e => e.RuleName));
        Assert.Equal([false, true, false], result.Errors.Select(e => e.InAction));
    }

    [Fact]
    public void Rules_without_actions_stop_at_the_first_match()
    {
        var rules = new RuleSet(
        [
            new SubscriptionRule("first", TrueFilter.Instance),
            new SubscriptionRule("would-fail", SqlFilter.Compile("s > 1")),
        ]);
        var result = rules.Evaluate(With(("s", "text")));
        Assert.True(result.DeliverOriginal);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Duplicate_rule_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new RuleSet([new SubscriptionRule("a", TrueFilter.Instance), new SubscriptionRule("A", FalseFilter.Instance)]));
    }

    [Fact]
    public void Copy_of_copies_every_property()
    {
        var m = new FilterMessage
        {
            MessageId = "m", CorrelationId = "c", To = "t", ReplyTo = "r", Subject = "l", SessionId = "s", ReplyToSessionId = "rs",
            ContentType = "ct", PartitionKey = "pk", ViaPartitionKey = "v", DeadLetterSource = "d", SequenceNumber = 1,
            EnqueuedSequenceNumber = 2, EnqueuedTimeUtc = DateTime.UtcNow, ScheduledEnqueueTimeUtc = DateTime.UtcNow,
            LockedUntilUtc = DateTime.UtcNow, LockToken = Guid.NewGuid(), TimeToLive = TimeSpan.FromDays(1), DeliveryCount = 3,
            Size = 100, State = 2,
        };
        m.Properties["x"] = 1;
        var copy = FilterMessage.CopyOf(m);
        foreach (var p in typeof(FilterMessage).GetProperties().Where(p => p.Name != "Properties" && p.Name != "UserProperties"))
        {
            Assert.Equal(p.GetValue(m), p.GetValue(copy));
        }
        Assert.Equal(1, copy.Properties["X"]);
        copy.Properties["x"] = 2;
        Assert.Equal(1, m.Properties["x"]);
    }
}

public class ConcurrencyTests
{
    [Fact]
    public void Compiled_rules_give_the_same_results_when_evaluated_from_many_threads()
    {
        var rules = new RuleSet(
        [
            new SubscriptionRule("sql", SqlFilter.Compile("color IN ('red', 'blue', 'green', 'black') AND q * 2 > 10 OR s LIKE '%7'")),
            new SubscriptionRule("corr", new CorrelationFilter(properties: [new("color", "red")])),
            new SubscriptionRule("act", SqlFilter.Compile("q % 3 = 0"), SqlRuleAction.Compile("SET q = q + 1; SET sys.Label = 'x'")),
        ]);
        var messages = Enumerable.Range(0, 2000).Select(i =>
            TestMessages.With(("color", new[] { "red", "blue", "white" }[i % 3]), ("q", i % 17), ("s", "v" + i))).ToArray();
        static string Summary(RuleSetResult r) => $"{r.MatchedRule}|{string.Join(",", r.Copies.Select(c => c.RuleName + ((FilterMessage)c.Message).Properties["q"]))}";
        var expected = messages.Select(m => Summary(rules.Evaluate(m))).ToArray();
        var actual = new string[messages.Length];
        Parallel.For(0, messages.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = Summary(rules.Evaluate(messages[i])));
        Assert.Equal(expected, actual);
    }
}
