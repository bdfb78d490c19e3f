using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests;

public sealed class CompleteManyTests
{
    [Fact]
    public async Task Completes_every_held_lock_and_names_each_refused_one_and_the_result_survives_a_restart()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q", LockDuration = TimeSpan.FromSeconds(30) });
        for (int i = 0; i < 6; i++)
        {
            await h.Send("q", $"m{i}", id: $"id{i}");
        }
        IReadOnlyList<BrokerMessage> early = await h.Receive("q", max: 2);
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        IReadOnlyList<BrokerMessage> late = await h.Receive("q", max: 4);
        h.Clock.Advance(TimeSpan.FromSeconds(15)); // the first two locks have expired, the other four hold
        Receivable q = h.Broker.GetReceivable("q");
        Guid unknown = Guid.NewGuid();
        Guid[] tokens = [early[0].Delivery.LockToken, late[0].Delivery.LockToken, unknown, late[1].Delivery.LockToken, late[2].Delivery.LockToken, late[2].Delivery.LockToken];
        MessagingException?[] errors = await q.CompleteManyAsync(tokens);
        Assert.Equal(MessagingErrorCode.MessageLockLost, errors[0]?.Code);
        Assert.Null(errors[1]);
        Assert.Equal(MessagingErrorCode.MessageLockLost, errors[2]?.Code);
        Assert.Null(errors[3]);
        Assert.Null(errors[4]);
        Assert.Equal(MessagingErrorCode.MessageLockLost, errors[5]?.Code); // settled already, earlier in the same batch
        h.Restart();
        IReadOnlyList<BrokerMessage> left = await h.Receive("q", max: 10);
        // m0 and m1 expired and came back; m5 was never settled; m2..m4 are gone.
        Assert.Equal(["m0", "m1", "m5"], left.Select(BrokerHarness.Text).Order());
    }

    [Fact]
    public async Task Completions_nobody_waits_for_are_written_lazily_and_survive_a_clean_restart()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        for (int i = 0; i < 4; i++)
        {
            await h.Send("q", $"m{i}", id: $"id{i}");
        }
        IReadOnlyList<BrokerMessage> got = await h.Receive("q", max: 3);
        MessagingException?[] errors = await h.Broker.GetReceivable("q").CompleteManyAsync([.. got.Select(m => m.Delivery.LockToken)], durableBeforeReturn: false);
        Assert.All(errors, Assert.Null);
        h.Restart(); // closing the logs writes what was pending
        Assert.Equal(["m3"], (await h.Receive("q")).Select(BrokerHarness.Text));
    }
}
