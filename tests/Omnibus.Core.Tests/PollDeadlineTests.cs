using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Core.Tests;

/// <summary>When a long poll ends: a zero wait is a deadline that has passed the moment it is set.</summary>
public sealed class PollDeadlineTests
{
    [Fact]
    public void A_zero_wait_has_passed_however_late_it_is_looked_at()
    {
        PollDeadline zero = PollDeadline.After(TimeSpan.Zero, nowMilliseconds: 1_000);
        Assert.True(zero.HasPassed(1_000));
        Assert.True(zero.HasPassed(1_003)); // the milliseconds spent taking must not read as "no deadline"
        Assert.Equal(TimeSpan.Zero, zero.Remaining(1_003));
    }

    [Fact]
    public void A_finite_wait_counts_down_to_zero_and_never_below()
    {
        PollDeadline wait = PollDeadline.After(TimeSpan.FromMilliseconds(50), nowMilliseconds: 1_000);
        Assert.False(wait.HasPassed(1_020));
        Assert.Equal(TimeSpan.FromMilliseconds(30), wait.Remaining(1_020));
        Assert.True(wait.HasPassed(1_050));
        Assert.Equal(TimeSpan.Zero, wait.Remaining(2_000));
    }

    [Fact]
    public void An_infinite_wait_never_passes()
    {
        PollDeadline forever = PollDeadline.After(Timeout.InfiniteTimeSpan, nowMilliseconds: 1_000);
        Assert.False(forever.HasPassed(long.MaxValue - 1));
        Assert.Equal(Timeout.InfiniteTimeSpan, forever.Remaining(5_000));
        Assert.True(PollDeadline.After(TimeSpan.MaxValue, 0).IsUnbounded);
    }

    [Fact]
    public async Task Zero_wait_receives_on_an_empty_queue_all_return_at_once_while_the_machine_is_busy()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        Receivable q = h.Broker.GetReceivable("q");
        // Many at once, so some take longer than a millisecond between setting and checking the deadline.
        Task<IReadOnlyList<Core.Messages.BrokerMessage>>[] polls = [.. Enumerable.Range(0, 2_000).Select(_ => Task.Run(() => q.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock)))];
        Task all = Task.WhenAll(polls);
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.All(polls, p => Assert.Empty(p.Result));
    }
}
