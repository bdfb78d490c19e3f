using Azure.Messaging.ServiceBus;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Tests.Shared;
using Omnibus.Transport.Limits;

namespace Omnibus.IntegrationTests;

/// <summary>
/// What a connection may open before and after it authenticates (sessions, links), and the
/// AMQP port's protocol detection, seen from a bare socket and from the SDK.
/// </summary>
public sealed class ConnectionLimitTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private BrokerHost Host => fixture.Host;

    private static Task SendAttachAsync(RawAmqpClient client, ushort channel, uint handle) =>
        client.SendFrameAsync(channel, new Attach
        {
            Name = "cbs-reply-" + handle,
            Handle = handle,
            Role = LinkRole.Receiver,
            Source = new Source { Address = "$cbs" },
            Target = new Target { Address = "raw-client" },
        });

    [Fact]
    public async Task Before_authentication_a_further_session_is_answered_and_ended_with_resource_limit_exceeded()
    {
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(Host.Port);
        await client.OpenWithoutCredentialsAsync();
        int limit = ResourceLimits.Default.BeforeAuthentication.Sessions;
        for (ushort channel = 0; channel < limit; channel++)
        {
            await client.BeginAsync(channel);
        }

        await client.SendFrameAsync((ushort)limit, new Begin { NextOutgoingId = 0, IncomingWindow = 100, OutgoingWindow = 100 });
        await client.ExpectAsync(DescriptorCodes.Begin, Wait);
        RawFrame end = await client.ExpectAsync(DescriptorCodes.End, Wait);

        Assert.Equal("amqp:resource-limit-exceeded", end.Decode<End>().Error?.Condition.ToString());
        // The peer's answering end is taken, and the connection keeps serving its other sessions.
        await client.SendFrameAsync((ushort)limit, new End(null));
        await SendAttachAsync(client, 0, 0);
        RawFrame attach = await client.ExpectAsync(DescriptorCodes.Attach, Wait);
        Assert.NotNull(attach.Decode<Attach>().Source);
    }

    [Fact]
    public async Task Before_authentication_a_further_link_even_to_cbs_is_refused_with_resource_limit_exceeded()
    {
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(Host.Port);
        await client.OpenWithoutCredentialsAsync();
        await client.BeginAsync(0);
        uint limit = (uint)ResourceLimits.Default.BeforeAuthentication.LinksPerSession;
        for (uint handle = 0; handle < limit; handle++)
        {
            await SendAttachAsync(client, 0, handle);
            await client.ExpectAsync(DescriptorCodes.Attach, Wait);
        }

        await SendAttachAsync(client, 0, limit);
        RawFrame refusal = await client.ExpectAsync(DescriptorCodes.Attach, Wait);
        RawFrame detach = await client.ExpectAsync(DescriptorCodes.Detach, Wait);

        Assert.Null(refusal.Decode<Attach>().Source);
        Assert.Equal(limit, detach.Decode<Detach>().Handle);
        Assert.Equal("amqp:resource-limit-exceeded", detach.Decode<Detach>().Error?.Condition.ToString());
    }

    [Fact]
    public async Task A_flood_of_links_before_authentication_leaves_the_broker_memory_bounded()
    {
        // The attack of issue 16.2: one connection without a token attached a million links (+1.66 GB).
        const int Attaches = 100_000;
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(Host.Port);
        await client.OpenWithoutCredentialsAsync();
        await client.BeginAsync(0);
        Task<int> reading = Task.Run(async () =>
        {
            int frames = 0;
            try
            {
                while (true)
                {
                    await client.ReadFrameAsync(TimeSpan.FromSeconds(10));
                    frames++;
                }
            }
            catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or InvalidDataException or EndOfStreamException)
            {
                return frames; // the broker closed the connection, or went quiet
            }
        });
        long before = GC.GetTotalMemory(forceFullCollection: true);
        int sent = 0;
        try
        {
            for (uint handle = 0; handle < Attaches; handle++, sent++)
            {
                await SendAttachAsync(client, 0, handle);
            }
        }
        catch (IOException)
        {
            // The broker may end the connection rather than answer every refused attach.
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        client.Dispose();
        int answered = await reading;

        Assert.True(after - before < 48L * 1024 * 1024, $"managed memory grew {(after - before) / 1024 / 1024} MiB over {sent} pre-authentication attaches ({answered} frames answered)");
        await using var sdk = new ServiceBusClient(Host.ConnectionString);
        Host.Broker.CreateQueue(new Omnibus.Core.Entities.QueueDescription { Name = "after-link-flood" });
        await sdk.CreateSender("after-link-flood").SendMessageAsync(new ServiceBusMessage("fine"));
        Assert.Equal("fine", (await sdk.CreateReceiver("after-link-flood").ReceiveMessageAsync(Wait))?.Body.ToString());
    }

    [Fact]
    public async Task Once_authenticated_a_connection_opens_more_sessions_and_links_than_the_anonymous_limits()
    {
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(Host.Port);
        await client.OpenAsync();
        for (ushort channel = 0; channel < 80; channel++)
        {
            await client.BeginAsync(channel);
        }
        for (uint handle = 0; handle < 8; handle++)
        {
            await SendAttachAsync(client, 0, handle);
            RawFrame attach = await client.ExpectAsync(DescriptorCodes.Attach, Wait);
            Assert.NotNull(attach.Decode<Attach>().Source);
        }
    }

    [Fact]
    public async Task An_amqp_header_of_a_version_nobody_serves_gets_the_amqp_1_0_header_back_and_a_closed_socket_while_the_broker_keeps_serving()
    {
        // 0-9-1 has its own front-end on this port now; 0-8 is served by nobody.
        using (RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port))
        {
            await raw.SendAsync("AMQP\x01\x01\x08\x00"u8.ToArray());
            byte[] received = await raw.ReadToEndAsync(Wait);
            Assert.Equal("AMQP\x03\x01\x00\x00"u8.ToArray(), received);
        }
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await client.CreateSender(queue).SendMessageAsync(new ServiceBusMessage("after"));
        ServiceBusReceivedMessage? message = await client.CreateReceiver(queue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete }).ReceiveMessageAsync(Wait);
        Assert.Equal("after", message?.Body.ToString());
    }

    [Fact]
    public async Task The_sdk_with_many_senders_and_receivers_on_one_connection_is_not_held_back_by_the_limits()
    {
        await using ServiceBusClient client = Host.CreateClient();
        var queues = Enumerable.Range(0, 6).Select(_ => Host.CreateQueue()).ToList();
        foreach (string queue in queues)
        {
            await client.CreateSender(queue).SendMessageAsync(new ServiceBusMessage(queue));
        }
        foreach (string queue in queues)
        {
            await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
            ServiceBusReceivedMessage? message = await receiver.ReceiveMessageAsync(Wait);
            Assert.Equal(queue, message?.Body.ToString());
            await receiver.CompleteMessageAsync(message);
        }
    }
}
