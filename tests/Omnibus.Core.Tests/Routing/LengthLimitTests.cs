using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

/// <summary>Queues with a length limit (RabbitMQ's x-max-length, x-max-length-bytes and x-overflow) over their ready messages.</summary>
public sealed class LengthLimitTests : RoutingFixture
{
    private Receivable Q(string name) => Broker.GetReceivable(name);

    [Fact]
    public async Task A_drop_head_queue_keeps_the_newest_messages_up_to_its_length()
    {
        Broker.CreateQueue(new QueueDescription { Name = "recent", MaxLength = 3 });

        foreach (string body in new[] { "1", "2", "3", "4", "5" })
        {
            await Harness.Send("recent", body);
        }

        Assert.Equal(["3", "4", "5"], await Drain("recent"));
    }

    [Fact]
    public async Task Messages_pushed_out_go_to_the_dead_letter_exchange_with_the_max_length_cause()
    {
        Queues("overflowed");
        Exchange("dlx", ExchangeTypes.Fanout);
        BindQueue("dlx", "overflowed");
        Broker.CreateQueue(new QueueDescription { Name = "bounded", MaxLength = 1, DeadLetterExchange = "dlx" });

        await Harness.Send("bounded", "old");
        await Harness.Send("bounded", "new");

        Assert.Equal(["new"], await Drain("bounded"));
        BrokerMessage dead = Assert.Single(await Harness.Receive("overflowed", mode: ReceiveMode.ReceiveAndDelete));
        Assert.Equal("old", BrokerHarness.Text(dead));
        Assert.Equal("max-length", dead.ApplicationProperties[DeadLetterHeaders.Cause]);
        Assert.Equal("bounded", dead.ApplicationProperties[DeadLetterHeaders.Source]);
    }

    [Fact]
    public async Task Without_a_dead_letter_target_pushed_out_messages_are_dropped_not_kept_in_the_dead_letter_queue()
    {
        Broker.CreateQueue(new QueueDescription { Name = "bounded", MaxLength = 1 });

        await Harness.Send("bounded", "old");
        await Harness.Send("bounded", "new");

        Assert.Equal(["new"], await Drain("bounded"));
        Assert.Empty(await Q("bounded").DeadLetter.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
    }

    [Fact]
    public async Task Messages_held_by_a_consumer_do_not_count_toward_the_length()
    {
        Broker.CreateQueue(new QueueDescription { Name = "bounded", MaxLength = 1 });
        await Harness.Send("bounded", "held");
        BrokerMessage held = Assert.Single(await Q("bounded").ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));

        await Harness.Send("bounded", "ready");

        await Q("bounded").AbandonAsync(held.Delivery.LockToken);
        Assert.Equal(2, (await Drain("bounded")).Count);
    }

    [Fact]
    public async Task A_reject_publish_queue_refuses_sends_at_its_length_and_keeps_what_it_has()
    {
        Broker.CreateQueue(new QueueDescription { Name = "strict", MaxLength = 2, Overflow = QueueOverflow.RejectPublish });
        await Harness.Send("strict", "1");
        await Harness.Send("strict", "2");

        var refused = await Assert.ThrowsAsync<MessagingException>(() => Harness.Send("strict", "3"));

        Assert.Equal(MessagingErrorCode.QuotaExceeded, refused.Code);
        Assert.Equal(["1", "2"], await Drain("strict"));
        await Harness.Send("strict", "4");
        Assert.Equal(["4"], await Drain("strict"));
    }

    [Fact]
    public async Task A_reject_publish_dlx_queue_refuses_the_send_and_dead_letters_the_refused_message()
    {
        Queues("overflowed");
        Exchange("dlx", ExchangeTypes.Fanout);
        BindQueue("dlx", "overflowed");
        Broker.CreateQueue(new QueueDescription { Name = "strict", MaxLength = 1, Overflow = QueueOverflow.RejectPublishDeadLetter, DeadLetterExchange = "dlx" });
        await Harness.Send("strict", "kept");

        await Assert.ThrowsAsync<MessagingException>(() => Harness.Send("strict", "refused"));

        Assert.Equal(["kept"], await Drain("strict"));
        BrokerMessage dead = Assert.Single(await Harness.Receive("overflowed", mode: ReceiveMode.ReceiveAndDelete));
        Assert.Equal("refused", BrokerHarness.Text(dead));
        Assert.Equal("max-length", dead.ApplicationProperties[DeadLetterHeaders.Cause]);
    }

    [Fact]
    public async Task A_byte_limit_pushes_out_the_oldest_until_the_ready_bytes_fit()
    {
        // The limit counts stored bytes (body and headers): room for two such messages and a half.
        long oneMessage = MessageCodec.Encode(BrokerHarness.Message(new string('x', 100)), null).Length;
        Broker.CreateQueue(new QueueDescription { Name = "bytes", MaxLengthBytes = oneMessage * 5 / 2 });

        foreach (char c in "abcd")
        {
            await Harness.Send("bytes", new string(c, 100));
        }

        Assert.Equal([new string('c', 100), new string('d', 100)], await Drain("bytes"));
    }

    [Fact]
    public async Task The_limit_and_overflow_survive_a_restart()
    {
        Broker.CreateQueue(new QueueDescription { Name = "strict", MaxLength = 1, Overflow = QueueOverflow.RejectPublish });
        await Harness.Send("strict", "kept");

        Harness.Restart();

        QueueDescription q = Broker.GetQueue("strict");
        Assert.Equal(1, q.MaxLength);
        Assert.Equal(QueueOverflow.RejectPublish, q.Overflow);
        await Assert.ThrowsAsync<MessagingException>(() => Harness.Send("strict", "refused"));
    }
}
