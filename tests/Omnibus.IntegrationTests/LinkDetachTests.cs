using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Core.Messages;
using Omnibus.Tests.Shared;

namespace Omnibus.IntegrationTests;

/// <summary>
/// What the broker sends around a detach or end the peer asks for while settlements are in flight:
/// every settlement answered first, then the echo, nothing naming the link or session after it.
/// (The SDK-level check is examples/tests/settle-on-close.test.ts: rhea stops listening for a
/// link's frames once its detach is echoed. The .NET SDK fails its own pending settlements when
/// it starts closing a link, so it cannot show this.)
/// </summary>
public sealed class LinkDetachTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private BrokerHost Host => fixture.Host;

    private async Task<(RawAmqpClient Client, List<uint> DeliveryIds)> ReceiveAsync(string queue, int count)
    {
        await Host.Broker.SendAsync(queue, [.. Enumerable.Range(0, count).Select(i => new BrokerMessage { Body = new byte[] { (byte)i } })]);
        RawAmqpClient client = await RawAmqpClient.ConnectAsync(Host.Port);
        await client.OpenAsync();
        await client.BeginAsync();
        await client.AttachReceiverAsync(0, 0, queue, (uint)count);
        var ids = new List<uint>();
        while (ids.Count < count)
        {
            RawFrame frame = await client.ExpectAsync(DescriptorCodes.Transfer, Wait);
            ids.Add(frame.Decode<Transfer>().DeliveryId!.Value);
        }
        return (client, ids);
    }

    private static Disposition DeadLetter(uint first, uint last) => new()
    {
        Role = LinkRole.Receiver,
        First = first,
        Last = last,
        Settled = false,
        State = new Rejected(new AmqpError(AmqpSymbol.FromString("com.microsoft:dead-letter"), null)),
    };

    /// <summary>Reads until a frame with <paramref name="until"/> arrives; returns the delivery-ids the server's dispositions answered before it.</summary>
    private static async Task<HashSet<uint>> AnsweredBeforeAsync(RawAmqpClient client, ulong until)
    {
        var answered = new HashSet<uint>();
        while (true)
        {
            RawFrame frame = await client.ReadFrameAsync(Wait);
            if (frame.Code == until)
            {
                return answered;
            }
            if (frame.Code == DescriptorCodes.Disposition)
            {
                Disposition d = frame.Decode<Disposition>();
                Assert.Equal(LinkRole.Sender, d.Role);
                Assert.True(d.Settled);
                for (uint id = d.First; id <= (d.Last ?? d.First); id++)
                {
                    answered.Add(id);
                }
            }
        }
    }

    [Fact]
    public async Task Settlements_sent_with_the_detach_are_answered_before_the_detach_echo()
    {
        string queue = Host.CreateQueue();
        (RawAmqpClient client, List<uint> ids) = await ReceiveAsync(queue, 20);
        using (client)
        {
            // One write: the broker reads the settlements and the detach in the same batch, while
            // each dead-letter still waits for its durable writes.
            await client.SendAsync(buffer =>
            {
                foreach (uint id in ids)
                {
                    Omnibus.Amqp.Framing.AmqpFrameWriter.WriteFrame(buffer, 0, DeadLetter(id, id));
                }
                Omnibus.Amqp.Framing.AmqpFrameWriter.WriteFrame(buffer, 0, new Detach { Handle = 0, Closed = true });
            });
            HashSet<uint> answered = await AnsweredBeforeAsync(client, DescriptorCodes.Detach);
            Assert.Equal([.. ids.Order()], answered.Order());
        }
        Assert.Equal(20, Host.Broker.GetReceivable(queue).DeadLetter.Peek(0, 100).Count);
    }

    [Fact]
    public async Task Settlements_sent_with_detach_and_end_are_answered_before_the_end_and_nothing_follows_it()
    {
        string queue = Host.CreateQueue();
        (RawAmqpClient client, List<uint> ids) = await ReceiveAsync(queue, 20);
        using (client)
        {
            await client.SendAsync(buffer =>
            {
                Omnibus.Amqp.Framing.AmqpFrameWriter.WriteFrame(buffer, 0, DeadLetter(ids[0], ids[^1]));
                Omnibus.Amqp.Framing.AmqpFrameWriter.WriteFrame(buffer, 0, new Detach { Handle = 0, Closed = true });
                Omnibus.Amqp.Framing.AmqpFrameWriter.WriteFrame(buffer, 0, new End(null));
            });
            HashSet<uint> answered = await AnsweredBeforeAsync(client, DescriptorCodes.End);
            Assert.Equal([.. ids.Order()], answered.Order());

            // Close the connection: after the end, only the close answer comes (no frame on the ended channel).
            await client.SendFrameAsync(0, new Close(null));
            List<RawFrame> rest = await client.ReadToEndAsync(Wait);
            Assert.Equal([DescriptorCodes.Close], rest.Select(f => f.Code));
        }
    }

    [Fact]
    public async Task Sends_in_flight_when_a_sender_detaches_are_settled_before_the_detach_echo()
    {
        string queue = Host.CreateQueue();
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(Host.Port);
        await client.OpenAsync();
        await client.BeginAsync();
        await client.SendFrameAsync(0, new Attach
        {
            Name = "raw-sender",
            Handle = 0,
            Role = LinkRole.Sender,
            SndSettleMode = SenderSettleMode.Unsettled,
            RcvSettleMode = ReceiverSettleMode.First,
            Source = new Source { Address = "raw-client" },
            Target = new Target { Address = queue },
            InitialDeliveryCount = 0,
        });
        await client.ExpectAsync(DescriptorCodes.Attach, Wait);
        await client.ExpectAsync(DescriptorCodes.Flow, Wait);
        byte[] payload = new AmqpMessage { Body = new ValueBody("in flight") }.ToArray();
        // One write: the broker reads the transfers and the detach in the same batch, while each
        // send still waits for its fsync.
        await client.SendAsync(buffer =>
        {
            for (uint id = 0; id < 20; id++)
            {
                Omnibus.Amqp.Framing.AmqpFrameWriter.WriteTransfer(buffer, 0, new Transfer
                {
                    Handle = 0,
                    DeliveryId = id,
                    DeliveryTag = new DeliveryTag(BitConverter.GetBytes(id)),
                    MessageFormat = 0,
                }, payload, 65536);
            }
            Omnibus.Amqp.Framing.AmqpFrameWriter.WriteFrame(buffer, 0, new Detach { Handle = 0, Closed = true });
        });
        var settled = new HashSet<uint>();
        var dbg = new List<string>();
        while (true)
        {
            RawFrame frame;
            try { frame = await client.ReadFrameAsync(Wait); } catch (OperationCanceledException) { Assert.Fail("DBG " + string.Join(" | ", dbg)); throw; }
            dbg.Add(frame + " " + (frame.Code == DescriptorCodes.Disposition ? frame.Decode<Disposition>().ToString() : ""));
            if (frame.Code == DescriptorCodes.Detach)
            {
                break;
            }
            if (frame.Code == DescriptorCodes.Disposition)
            {
                Disposition d = frame.Decode<Disposition>();
                Assert.Equal(LinkRole.Receiver, d.Role);
                Assert.IsType<Accepted>(d.State);
                for (uint id = d.First; id <= (d.Last ?? d.First); id++)
                {
                    settled.Add(id);
                }
            }
        }
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (uint)i), settled.Order());
        Assert.Equal(20, Host.Broker.GetReceivable(queue).Peek(0, 100).Count);
    }

    /// <summary>A session receiver for the next available session of a queue that has none: the broker waits (60 s by default) before answering the attach.</summary>
    private async Task<RawAmqpClient> AttachWaitingSessionReceiverAsync()
    {
        string queue = Host.CreateQueue(change: d => d with { RequiresSession = true });
        RawAmqpClient client = await RawAmqpClient.ConnectAsync(Host.Port);
        await client.OpenAsync();
        await client.BeginAsync();
        await client.SendFrameAsync(0, new Attach
        {
            Name = "waiting",
            Handle = 0,
            Role = LinkRole.Receiver,
            RcvSettleMode = ReceiverSettleMode.Second,
            Source = new Source { Address = queue, Filter = new AmqpMap { { KnownSymbols.SessionFilter, null } } },
            Target = new Target { Address = "raw-client" },
        });
        await Task.Delay(200);
        return client;
    }

    [Fact]
    public async Task Closing_the_connection_while_a_session_receiver_waits_is_answered_by_the_close_alone()
    {
        using RawAmqpClient client = await AttachWaitingSessionReceiverAsync();
        await client.SendFrameAsync(0, new Close(null));
        List<RawFrame> frames = await client.ReadToEndAsync(Wait);
        Assert.Equal([DescriptorCodes.Close], frames.Select(f => f.Code));
    }

    [Fact]
    public async Task A_session_receiver_detached_while_it_waits_for_a_session_gets_its_attach_then_the_detach()
    {
        using RawAmqpClient client = await AttachWaitingSessionReceiverAsync();
        await client.SendFrameAsync(0, new Detach { Handle = 0, Closed = true });
        RawFrame first = await client.ReadFrameAsync(Wait);
        RawFrame second = await client.ReadFrameAsync(Wait);
        Assert.Equal(DescriptorCodes.Attach, first.Code);
        Assert.Null(first.Decode<Attach>().Source);
        Assert.Equal(DescriptorCodes.Detach, second.Code);
        Assert.Null(second.Decode<Detach>().Error);
    }
}
